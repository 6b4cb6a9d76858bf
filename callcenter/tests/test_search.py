"""Lookup by each kind of search, on whichever database the suite runs (trigram or portable fallback)."""

from datetime import date
from typing import Any

import pytest

from callcenter.search import LIMIT, Criteria, edit_distance, find
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory
from portal.testing.callers import family

pytestmark = pytest.mark.django_db


def _names(found):
    return [m.name for m in found.matches]


def test_reference_code_finds_exactly_one(incident):
    grace = family(incident)
    family(incident, first_name="Ben")
    found = find(incident, Criteria(reference_code=grace.reference_code))
    assert _names(found) == ["Ada Nguyen"]
    assert not found.fuzzy


def test_last_name_needs_every_second_detail_given_to_match(incident):
    family(incident)
    assert _names(find(incident, Criteria(last_name_key="nguyen", date_of_birth=date(2012, 5, 1)))) == ["Ada Nguyen"]
    assert _names(find(incident, Criteria(last_name_key="nguyen", postal_code="65999"))) == ["Ada Nguyen"]
    assert _names(find(incident, Criteria(last_name_key="nguyen", phone="+15735550142"))) == ["Ada Nguyen"]
    wrong_zip = Criteria(last_name_key="nguyen", date_of_birth=date(2012, 5, 1), postal_code="65000")
    assert find(incident, wrong_zip).matches == []


def test_zip_plus_four_on_file_matches_five_digits(incident):
    grace = family(incident)
    grace.postal_code = "65999-1234"
    grace.save()
    assert _names(find(incident, Criteria(last_name_key="nguyen", postal_code="65999"))) == ["Ada Nguyen"]


# Each second detail a last name is searched with: the ZIP code, the date of birth and the phone family() gives.
SECOND_DETAILS: dict[str, dict[str, Any]] = {
    "ZIP code": {"postal_code": "65999"},
    "date of birth": {"date_of_birth": date(2012, 5, 1)},
    "phone": {"phone": "+15735550142"},
}


@pytest.mark.parametrize("second", sorted(SECOND_DETAILS))
def test_the_parents_surname_finds_the_child(incident, second):
    family(incident)
    found = find(incident, Criteria(last_name_key="okafor", **SECOND_DETAILS[second]))
    assert _names(found) == ["Ada Nguyen"]
    assert found.matches[0].relationship_label == "Parent or guardian"
    assert found.matches[0].letter_to_someone_else


@pytest.mark.parametrize("second", sorted(SECOND_DETAILS))
def test_first_name_narrows_own_and_parent_names(incident, second):
    family(incident)
    family(incident, first_name="Ben")
    detail = SECOND_DETAILS[second]
    assert _names(find(incident, Criteria(last_name_key="nguyen", first_name_key="ben", **detail))) == ["Ben Nguyen"]
    assert len(find(incident, Criteria(last_name_key="okafor", first_name_key="grace", **detail)).matches) == 2


@pytest.mark.parametrize("second", sorted(SECOND_DETAILS))
def test_people_with_the_surname_come_before_those_whose_letter_goes_to_it(incident, second):
    """Okafor the child (created last) is listed before Ada Nguyen, whose guardian is Grace Okafor."""
    family(incident)
    family(incident, first_name="Chidi", last_name="Okafor")
    found = find(incident, Criteria(last_name_key="okafor", **SECOND_DETAILS[second]))
    assert _names(found) == ["Chidi Okafor", "Ada Nguyen"]
    assert not found.more


def test_accents_and_case_are_ignored_through_the_stored_keys(incident):
    family(incident, last_name="Muñoz", last_name_key="munoz")
    assert _names(find(incident, Criteria(last_name_key="munoz", postal_code="65999"))) == ["Ada Muñoz"]


@pytest.mark.parametrize("typed", ["nugyen", "ngyuen", "nguyne", "nguyem"])
def test_a_misspelt_surname_is_offered_as_a_close_match(incident, typed):
    family(incident)
    found = find(incident, Criteria(last_name_key=typed, postal_code="65999"))
    assert found.fuzzy
    assert _names(found) == ["Ada Nguyen"]


def test_close_matches_are_always_narrowed_by_the_second_detail(incident):
    family(incident)
    assert find(incident, Criteria(last_name_key="nugyen", postal_code="65000")).matches == []


def test_a_different_name_is_not_a_close_match(incident):
    family(incident)
    assert find(incident, Criteria(last_name_key="anderson", postal_code="65999")).matches == []


@pytest.mark.parametrize("second", sorted(SECOND_DETAILS))
def test_another_incidents_people_are_never_found(incident, second):
    other = IncidentFactory.create()
    grace = family(other)
    detail = SECOND_DETAILS[second]
    assert find(incident, Criteria(reference_code=grace.reference_code)).matches == []
    assert find(incident, Criteria(last_name_key="nguyen", **detail)).matches == []  # the person's own surname
    assert find(incident, Criteria(last_name_key="okafor", **detail)).matches == []  # the guardian's
    assert find(incident, Criteria(last_name_key="nugyen", **detail)).matches == []
    assert find(incident, Criteria(phone="+15735550142")).matches == []


def test_a_date_of_birth_with_another_phone_or_zip_code_finds_nobody(incident):
    family(incident)
    born: dict[str, Any] = {"last_name_key": "nguyen", "date_of_birth": date(2012, 5, 1)}
    assert _names(find(incident, Criteria(**born, phone="+15735550142", postal_code="65999"))) == ["Ada Nguyen"]
    assert find(incident, Criteria(**born, phone="+15735550199")).matches == []
    assert find(incident, Criteria(**born, postal_code="65000")).matches == []


@pytest.mark.parametrize("second", sorted(SECOND_DETAILS))
def test_the_limit_keeps_people_with_the_surname_ahead_of_those_whose_letter_goes_to_it(incident, second):
    """Guardians named Smith of LIMIT + 2 children come first by id; the one child named Smith still leads."""
    for n in range(LIMIT + 2):
        family(incident, first_name=f"Kid{n}", last_name=f"Other{n}")
    for recipient in incident.recipients.all():
        recipient.name, recipient.name_key, recipient.last_name_key = "Grace Smith", "grace smith", "smith"
        recipient.save()
    family(incident, first_name="Zed", last_name="Smith")
    found = find(incident, Criteria(last_name_key="smith", **SECOND_DETAILS[second]))
    assert _names(found)[0] == "Zed Smith"
    assert _names(found)[1:] == [f"Kid{n} Other{n}" for n in range(LIMIT - 1)]
    assert found.more


@pytest.mark.parametrize("second", sorted(SECOND_DETAILS))
def test_never_more_than_the_limit_and_says_there_are_more(incident, second):
    for n in range(LIMIT + 3):
        individual = IndividualFactory.create(
            incident=incident, last_name="Smith", first_name=f"Kid{n}", date_of_birth=date(2012, 5, 1)
        )
        RecipientFactory.create(individual=individual, postal_code="65999", phone="+15735550142")
    found = find(incident, Criteria(last_name_key="smith", **SECOND_DETAILS[second]))
    assert len(found.matches) == LIMIT
    assert found.more
    assert [m.name for m in found.matches] == [f"Kid{n} Smith" for n in range(LIMIT)]


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("nguyen", "nguyen", 0), ("nugyen", "nguyen", 1), ("smtih", "smith", 1), ("smyth", "smith", 1), ("kim", "lee", 3)],
)
def test_edit_distance_counts_a_swap_as_one(a, b, distance):
    assert edit_distance(a, b) == distance
