from datetime import date

import pytest

from people.importing import rules
from people.importing.fields import automap, data_type_words, field_for_header
from portal.lib import text

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2009-03-14", date(2009, 3, 14)),
        ("3/14/2009", date(2009, 3, 14)),
        ("03-14-2009", date(2009, 3, 14)),
        ("39886", date(2009, 3, 14)),  # an Excel serial number
        ("2009-03-14 00:00:00", date(2009, 3, 14)),
    ],
)
def test_dates_in_iso_us_and_excel_forms(typed, expected):
    assert rules.birth_date(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2/30/2010", "“2/30/2010” is not a real date"),
        ("2031-01-01", "“2031-01-01” is in the future"),
        ("1850-01-01", "before 1900"),
        ("3/14/09", "two-digit year"),
        ("next Tuesday", "not a date in a known form"),
    ],
)
def test_impossible_dates_are_refused_naming_the_value(typed, message):
    with pytest.raises(rules.Invalid, match=message):
        rules.birth_date(typed, TODAY)


@pytest.mark.parametrize(("typed", "code"), [("Missouri", "MO"), ("mo", "MO"), ("N.Y.", "NY"), ("new  york", "NY")])
def test_state_names_and_codes_become_codes(typed, code):
    assert rules.state_code(typed) == code


def test_unknown_state_is_named():
    with pytest.raises(rules.Invalid, match="“Missourri” is not a US state"):
        rules.state_code("Missourri")


@pytest.mark.parametrize(
    ("typed", "state", "expected"),
    [
        ("65801", "MO", ("65801", False)),
        ("65801-1234", "MO", ("65801-1234", False)),
        ("658011234", "MO", ("65801-1234", False)),
        ("02134", "MA", ("02134", False)),
        ("2134", "MA", ("02134", True)),  # spreadsheet damage, unambiguous in Massachusetts
        ("601", "PR", ("00601", True)),
    ],
)
def test_zip_codes_stay_text_and_lost_zeros_are_put_back_where_unambiguous(typed, state, expected):
    assert rules.zip_code(typed, state) == expected


def test_a_short_zip_is_not_guessed_where_the_state_leaves_doubt():
    with pytest.raises(rules.Invalid, match="too short for a ZIP code in NY"):
        rules.zip_code("1234", "NY")


@pytest.mark.parametrize(
    ("typed", "e164"),
    [("(417) 555-0100", "+14175550100"), ("1-417-555-0100", "+14175550100"), ("+44 20 7946 0958", "+442079460958")],
)
def test_phones_become_e164(typed, e164):
    assert rules.phone(typed) == e164


def test_bad_phone_is_named():
    with pytest.raises(rules.Invalid, match="“555-01” is not a telephone number"):
        rules.phone("555-01")


def test_names_are_trimmed_and_unicode_normalised():
    decomposed = "Jose\u0301   Mun\u0303oz "
    assert text.clean(decomposed) == "José Muñoz"
    assert text.search_key("José Muñoz") == "jose munoz"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Last Name", "last_name"), ("Student Last Name", "last_name"), ("LastName", "last_name"),
        ("Surname", "last_name"), ("DOB", "date_of_birth"), ("Birthdate", "date_of_birth"),
        ("Date of Birth", "date_of_birth"), ("Zip", "postal_code"), ("Zip Code", "postal_code"),
        ("Postal Code", "postal_code"), ("MOSIS ID", "external_id"), ("Student ID", "external_id"),
        ("State ID", "external_id"), ("Guardian 1 Name", "guardian_name"), ("Parent Name", "guardian_name"),
        ("student_first_name", "first_name"), ("SSN Exposed", "dt:ssn"), ("Grade", None),
    ],
)  # fmt: skip
def test_common_headers_are_recognised_whatever_their_case_spaces_and_punctuation(db, header, field):
    from incidents.models import DataType

    words = data_type_words(DataType.objects.values_list("pk", "key", "label"))
    assert field_for_header(header, words) == field


def test_automap_gives_each_field_its_first_column(db):
    from incidents.models import DataType

    words = data_type_words(DataType.objects.values_list("pk", "key", "label"))
    assert automap(["Last Name", "Surname", "DOB"], words) == {"last_name": 0, "date_of_birth": 2}
