"""Full-name columns: chosen by their header and values, split by the name parser, doubts reported."""

import pytest

from people.importing import names
from people.importing.fields import automap
from people.models import Individual, Recipient
from people.tests.importing import check, confirm, upload

LAST_FIRST, FIRST_LAST = names.LAST_FIRST, names.FIRST_LAST


@pytest.mark.parametrize(
    ("value", "order", "parts"),
    [
        ("Abernathy, Caleb", LAST_FIRST, ("Caleb", "", "Abernathy", "")),
        ("Fitzgerald, Owen James", LAST_FIRST, ("Owen", "James", "Fitzgerald", "")),
        ("de la Cruz, María José", LAST_FIRST, ("María", "José", "de la Cruz", "")),
        ("van der Berg, Pieter", LAST_FIRST, ("Pieter", "", "van der Berg", "")),
        ("O'Neil-Smith, Sean Patrick", LAST_FIRST, ("Sean", "Patrick", "O'Neil-Smith", "")),
        ("King Jr., Martin", LAST_FIRST, ("Martin", "", "King", "Jr.")),
        ("Howell, Thurston, III", LAST_FIRST, ("Thurston", "", "Howell", "III")),
        ("Caleb Abernathy", FIRST_LAST, ("Caleb", "", "Abernathy", "")),
        ("Owen James Fitzgerald", FIRST_LAST, ("Owen", "James", "Fitzgerald", "")),
        ("Juan Carlos de la Cruz Jr.", FIRST_LAST, ("Juan", "Carlos", "de la Cruz", "Jr.")),
        ("Pieter van der Berg", FIRST_LAST, ("Pieter", "", "van der Berg", "")),
        ("Mary-Kate O'Neil-Smith", FIRST_LAST, ("Mary-Kate", "", "O'Neil-Smith", "")),
        ("Robert King III", FIRST_LAST, ("Robert", "", "King", "III")),
        ("Abernathy, Caleb", FIRST_LAST, ("Caleb", "", "Abernathy", "")),  # a comma says which is the last name
    ],
)
def test_full_names_are_split_in_both_orders(value, order, parts):
    found = names.split(value, order)
    assert (found.first, found.middle, found.last, found.suffix) == parts
    assert found.doubt == ""


@pytest.mark.parametrize(
    ("value", "order", "last", "doubt"),
    [
        ("Cher", FIRST_LAST, "Cher", "holds one name only"),
        ("Abernathy Caleb", LAST_FIRST, "Abernathy", "has no comma between the last and the first name"),
        ("John and Mary Smith", FIRST_LAST, "Smith", "more than one person's name"),
        ("Juan Carlos Sánchez López", FIRST_LAST, "López", "may be a second last name"),
    ],
)
def test_names_the_parser_cannot_split_with_confidence_say_so(value, order, last, doubt):
    found = names.split(value, order)
    assert found.last == last
    assert doubt in found.doubt


@pytest.mark.parametrize(
    "value",
    ["Abernathy, Caleb", "Nguyễn, Bảo Anh", "Smith, John A", "Caleb Abernathy", "Owen James Fitzgerald", "Lee Kim"],
)
def test_the_quick_path_splits_plain_names_as_the_parser_does(value):
    order = LAST_FIRST if "," in value else FIRST_LAST
    quick = names._quick(value, order)
    assert quick is not None
    assert quick == names._parsed(value)


def test_a_name_column_is_read_in_the_order_its_values_show():
    assert automap(["Name", "DOB"], {}, [["Abernathy, Caleb", ""], ["Fitzgerald, Owen", ""]]) == {
        "full_name_last_first": 0,
        "date_of_birth": 1,
    }
    assert automap(["Patient Name"], {}, [["Caleb Abernathy"]]) == {"full_name_first_last": 0}
    assert automap(["LastFirst"], {}, []) == {"full_name_last_first": 0}
    # A column of last names alone wins over a whole name.
    assert automap(["Student Name", "Last Name"], {}, [["Caleb Abernathy", "Abernathy"]]) == {"last_name": 1}


@pytest.mark.django_db
def test_a_file_of_full_names_imports_each_part_and_warns_about_the_doubtful(incident):
    content = (
        "Student ID,Student Name,DOB,Data Types\n"
        '1,"Abernathy, Caleb",2014-03-09,Name\n'
        '2,"de la Cruz, María José",2013-01-01,Name\n'
        '3,"King Jr., Martin",1990-01-15,Name\n'
        "4,Cher,1990-01-15,Name\n"
    ).encode()
    job = upload(incident, content)
    assert job.mapping == {"external_id": 0, "full_name_last_first": 1, "date_of_birth": 2, "data_types": 3}
    job = check(job)
    assert job.rows_valid == 4
    [doubt] = [issue for issue in job.first_issues if issue["column"] == "Student Name"]
    assert (doubt["row"], doubt["value"], doubt["outcome"]) == (5, "Cher", "warning")
    assert "holds one name only; read as last “Cher”" in doubt["reason"]
    confirm(job)
    people = {p.external_id: (p.first_name, p.middle_name, p.last_name, p.suffix) for p in Individual.objects.all()}
    assert people == {
        "1": ("Caleb", "", "Abernathy", ""),
        "2": ("María", "José", "de la Cruz", ""),
        "3": ("Martin", "", "King", "Jr."),
        "4": ("", "", "Cher", ""),
    }
    assert Recipient.objects.get(individual__external_id="3").name == "Martin King Jr."  # father and son apart
