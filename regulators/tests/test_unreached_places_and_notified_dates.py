"""On the real table: a place whose laws about the exposed data reach no organisation of this kind is named
for counsel on the screen and in the command, and a deadline counted from the notice to residents is dated
from that notice marked done when no letter was marked mailed."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from incidents.models import DataType, OrganisationType, Role
from people import figures as people_figures
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory, member
from regulators import actions as regulator_actions
from regulators.uncovered import NOT_THIS_ORGANISATION


def _incident(slug, organisation_type, types, organisation_state="MO", **residents):
    incident = IncidentFactory.create(
        slug=slug, organisation_type=organisation_type, organisation_state=organisation_state,
        discovered_on=date(2026, 9, 14),
    )  # fmt: skip
    incident.data_types.set(DataType.objects.filter(key__in=["name", *types]))
    for state, count in residents.items():
        for _ in range(count):
            RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state=state)
    people_figures.count_now(incident)
    return incident


def _command(incident, *args):
    out = io.StringIO()
    call_command("obligations", incident.slug, *args, stdout=out)
    return out.getvalue()


def _uncovered(incident):
    return [row for row in json.loads(_command(incident, "--json")) if row["state"] == "uncovered"]


@pytest.mark.django_db
def test_georgia_is_named_for_a_nonprofit_whose_georgians_ssns_were_exposed(client, manager):
    incident = _incident("food-bank", OrganisationType.NONPROFIT, ["ssn"], GA=3, TX=2)
    assert _uncovered(incident) == [
        {"jurisdiction": "GA", "jurisdiction_name": "Georgia", "key": None, "party": "People of Georgia",
         "owed_to": None, "notice": None, "citation": None, "due_on": None, "due_rule": "check with counsel",
         "target_on": None, "done_on": None, "state": "uncovered", "people": 3, "reason": NOT_THIS_ORGANISATION}
    ]  # fmt: skip
    assert f"Georgia: check with counsel: {NOT_THIS_ORGANISATION} (3)" in _command(incident)
    member(manager, incident, Role.MANAGER)
    client.force_login(manager)
    page = client.get(reverse("regulators:obligation-list", args=[incident.slug])).content.decode()
    assert f"Georgia: check with counsel</strong> (3 people): {NOT_THIS_ORGANISATION}" in page
    assert "Texas: check with counsel" not in page  # Texas' law reaches a nonprofit


@pytest.mark.django_db
def test_arizona_is_named_for_a_clinic_whose_arizonans_medical_records_were_exposed():
    incident = _incident("clinic", OrganisationType.HEALTH_CARE, ["medical_information"], AZ=4)
    assert [(r["jurisdiction"], r["people"], r["reason"]) for r in _uncovered(incident)] == [
        ("AZ", 4, NOT_THIS_ORGANISATION)
    ]


@pytest.mark.django_db
def test_no_place_is_named_when_its_laws_are_not_about_the_data_exposed():
    incident = _incident("mailing-list", OrganisationType.NONPROFIT, ["email_address"], GA=3, AZ=2, TX=1)
    assert _uncovered(incident) == []
    assert "check with counsel" not in _command(incident)


@pytest.mark.django_db
def test_a_count_from_the_residents_notice_falls_back_to_that_notice_marked_done(manager):
    incident = _incident("riverbend", OrganisationType.SCHOOL_DISTRICT, ["ssn"], MO=1, LA=2)
    member(manager, incident, Role.MANAGER)

    def louisiana_attorney_general():
        rows = json.loads(_command(incident, "--json"))
        return next(r for r in rows if r["key"] == "la-16-iii-701-attorney-general")

    assert louisiana_attorney_general()["due_on"] is None
    # Missouri's residents' notice marked done says nothing of Louisiana's residents
    regulator_actions.mark_obligation_done(manager, incident, "mo-407.1500-individuals", date(2026, 10, 1),
                                           "Mailed by the district's printer", None)  # fmt: skip
    assert louisiana_attorney_general()["due_on"] is None
    regulator_actions.mark_obligation_done(manager, incident, "la-51-3074-individuals", date(2026, 10, 20),
                                           "E-mailed to each family, log 42", None)  # fmt: skip
    assert louisiana_attorney_general()["due_on"] == "2026-10-30"  # 10 days after the residents' notice
