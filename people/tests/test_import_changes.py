"""Re-imports never degrade what is stored: the dry run shows what would change, and lost accents do not win."""

import pytest
from django.urls import reverse

from people.importing import changes
from people.models import Individual, Recipient
from people.tests.importing import check, confirm, import_file, upload

pytestmark = pytest.mark.django_db

HEADER = "Student ID,Last Name,First Name,DOB,Address,City,State,Zip,Guardian 1 Name,Guardian 1 Phone,Data Types\n"
FIRST = (
    "1001,Nguyễn,Bảo,2014-03-09,12 Oak St,Springfield,MO,65801,Thảo Nguyễn,(417) 555-0150,Name\n"
    "1002,Muñoz,Ana,2013-01-01,4 Elm St,Springfield,MO,65802,María Muñoz,,Name\n"
    "1003,McDonald,Ewan,2012-05-05,9 Pine Rd,Springfield,MO,65803,Ailsa McDonald,,Name\n"
)
# The same people from Windows-1252: no room for "ễ" or "ả", a surname in capitals, and one real change.
AGAIN = (
    "1001,Nguyen,Bao,2014-03-09,12 Oak St,Springfield,MO,65801,Thao Nguyen,(417) 555-0150,Name\r\n"
    "1002,Muñoz,Ana,2013-01-01,14 Elm St,Springfield,MO,65802,María Muñoz,(417) 555-0199,Name\r\n"
    "1003,MCDONALD,Ewan,2012-05-05,9 Pine Rd,Springfield,MO,65803,Ailsa McDonald,,Name\r\n"
)


@pytest.mark.parametrize(
    ("new", "stored", "degrades"),
    [
        ("Nguyen", "Nguyễn", True),
        ("Nguy?n", "Nguyễn", True),
        ("MCDONALD", "McDonald", True),
        ("nguyễn", "Nguyễn", True),
        ("Nguyễn", "Nguyen", False),  # accents put back improve it
        ("McDonald", "MCDONALD", False),  # capitals put right improve it
        ("Nguyen", "Tran", False),
        ("Mcdonald", "McDonald", False),
    ],
)
def test_a_value_degrades_a_stored_one_only_by_losing_accents_or_case(new, stored, degrades):
    assert changes.degrades(new, stored) is degrades


def test_a_windows_1252_reimport_keeps_the_stored_spelling_and_reports_what_would_change(incident, client, manager):
    import_file(incident, (HEADER + FIRST).encode("utf-8"))
    job = check(upload(incident, (HEADER + AGAIN).encode("cp1252")))
    assert job.encoding == "cp1252"
    found = {item["field"]: (item["changed"], item["kept"]) for item in job.changes["fields"]}
    assert found == {
        "First name": (0, 1),
        "Last name": (0, 2),
        "Letter recipient": (0, 1),
        "Street address": (1, 0),
        "Parent or guardian phone": (1, 0),
    }
    assert job.changes["people"] == 1
    assert {(e["row"], e["person"], e["field"], e["from"], e["to"]) for e in job.changes["examples"]} == {
        (3, "Ana Muñoz", "Street address", "4 Elm St", "14 Elm St"),
        (3, "Ana Muñoz", "Parent or guardian phone", "none", "a number ending 99"),
    }
    kept = [issue for issue in job.first_issues if "stored spelling is kept" in issue["reason"]]
    assert {(issue["row"], issue["value"]) for issue in kept} == {
        (2, "Nguyen"), (2, "Bao"), (2, "Thao Nguyen"), (4, "MCDONALD"),
    }  # fmt: skip
    client.force_login(manager)
    page = client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()
    assert "Changes to people already in the incident" in page
    assert "5550199" not in page  # identifiers masked

    confirm(job)
    bao = Individual.objects.get(external_id="1001")
    assert (bao.first_name, bao.last_name) == ("Bảo", "Nguyễn")
    assert Recipient.objects.get(individual=bao).name == "Thảo Nguyễn"
    assert Individual.objects.get(external_id="1003").last_name == "McDonald"
    ana = Recipient.objects.get(individual__external_id="1002")
    assert (ana.address_line1, ana.guardian_phone) == ("14 Elm St", "+14175550199")


def test_a_first_import_has_no_changes_section(incident):
    job = check(upload(incident, (HEADER + FIRST).encode()))
    assert job.changes["fields"] == []


def test_with_a_person_twice_in_the_file_only_their_first_row_is_compared(incident):
    import_file(incident, (HEADER + FIRST).encode("utf-8"))
    twice = AGAIN + "1002,Muñoz,Ana,2013-01-01,99 Other St,Springfield,MO,65802,María Muñoz,,SSN\r\n"
    job = check(upload(incident, (HEADER + twice).encode("cp1252")))
    assert job.duplicates_merged == 1
    assert [(e["row"], e["to"]) for e in job.changes["examples"] if e["field"] == "Street address"] == [
        (3, "14 Elm St")
    ]
