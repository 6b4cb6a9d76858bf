from datetime import date

import pytest

from callcenter.verification import Said, is_verified, matched_points, street_words

pytestmark = pytest.mark.django_db


def test_each_point_matches_what_the_record_holds(grace):
    said = Said(
        reference_code=grace.reference_code,
        date_of_birth=date(2012, 5, 1),
        postal_code="65999",
        street_address="100 N. Fictional Way",
        name="Ada Nguyen",
    )
    assert matched_points(grace, said) == ["reference_code", "date_of_birth", "zip_code", "street_address", "name"]


def test_wrong_values_match_nothing(grace):
    said = Said(
        reference_code="222222222222",
        date_of_birth=date(2012, 5, 2),
        postal_code="65998",
        street_address="101 North Fictional Way",
        name="Ada Smith",
    )
    assert matched_points(grace, said) == []


def test_the_parent_may_give_their_own_name(grace):
    assert matched_points(grace, Said(name="grace  OKAFOR")) == ["name"]


def test_a_surname_alone_is_not_the_name_point(grace):
    assert matched_points(grace, Said(name="Nguyen")) == []


def test_street_words_follow_usps_abbreviations():
    assert street_words("100 North Fictional Way.") == street_words("100 n fictional way")
    assert street_words("12 Oak Street, Apartment 4") == ["12", "oak", "st", "apt", "4"]


@pytest.mark.parametrize(
    ("points", "verified"),
    [
        (["date_of_birth", "zip_code", "street_address"], True),
        (["reference_code", "zip_code"], True),
        (["reference_code"], False),
        (["date_of_birth", "zip_code"], False),
        (["date_of_birth", "zip_code", "street_address", "name"], True),
        ([], False),
    ],
)
def test_three_points_or_the_code_and_one_more_verify(points, verified):
    assert is_verified(points) is verified
