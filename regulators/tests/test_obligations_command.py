"""`manage.py obligations SLUG`: the incident's obligations as a script reads them (--json) and as a
person reads them, with the places the table does not cover named."""

import io
import json
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from incidents.models import DataType, OrganisationType
from people import figures as people_figures
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory
from portal.testing.jurisdictions import STATES_AND_DC, completed, district_in_every_state, real_copy, table_from
from regulators import actions as regulator_actions
from regulators.models import Obligation

INDIVIDUALS = {"residents", "individuals"}


def _json(slug):
    out = io.StringIO()
    call_command("obligations", slug, "--json", stdout=out)
    return json.loads(out.getvalue())


def _acceptance(slug):
    incident = district_in_every_state(slug, AP=2)  # and two with military addresses, outside the table
    rows = _json(incident.slug)
    for state in STATES_AND_DC:
        assert any(r["jurisdiction"] == state and r["owed_to"] in INDIVIDUALS for r in rows), state
    [texas_ag] = [r for r in rows if r["key"] == "tx-521.053-attorney-general"]
    assert texas_ag["party"] == "Texas Attorney General"
    assert texas_ag["due_on"] == "2026-10-14"  # 30 days after discovery on September 14
    assert texas_ag["citation"] == "Tex. Bus. & Com. Code 521.053(i)"
    assert [r for r in rows if r["jurisdiction"] == "AP"] == [
        {"jurisdiction": "AP", "jurisdiction_name": "Armed Forces Pacific", "key": None, "party": "People of Armed "
         "Forces Pacific", "owed_to": None, "notice": None, "citation": None, "due_on": None,
         "due_rule": "check with counsel", "target_on": None, "done_on": None, "state": "uncovered", "people": 2,
         "reason": "the table has no law for this place"}
    ]  # fmt: skip
    return rows


@pytest.mark.django_db
def test_acceptance_a_missouri_district_with_residents_of_every_state_on_the_real_table():
    """Every state's and DC's file in the real table: an individual notice for each of the 51, and Texas'
    Attorney General's notice with its due date."""
    _acceptance("every-state")


@pytest.mark.django_db
def test_acceptance_on_the_real_table_completed_with_a_sample_for_each_state_still_missing(tmp_path):
    with table_from(completed(real_copy(tmp_path / "jurisdictions"))):
        _acceptance("every-state-sampled")


@pytest.mark.django_db
def test_json_lists_the_manual_ones_the_target_and_the_places_not_covered(manager):
    incident = IncidentFactory.create(slug="clinic", organisation_type=OrganisationType.HEALTH_CARE)
    incident.data_types.set(DataType.objects.filter(key__in=["name", "medical_information"]))
    for state in ("TX", "AE", ""):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state=state)
    people_figures.count_now(incident)
    regulator_actions.add_obligation(manager, incident, "Cyber insurer", "Notice of claim", date(2026, 9, 20), "", "")
    regulator_actions.set_target(manager, incident, date(2026, 10, 1), date(2026, 10, 14))
    rows = _json("clinic")
    by_key = {r["key"]: r for r in rows}
    assert by_key["hipaa-164.404-individuals"]["jurisdiction"] == "US"
    assert by_key["hipaa-164.404-individuals"]["due_on"] == "2026-11-13"
    assert by_key["hipaa-164.404-individuals"]["target_on"] == "2026-10-01"
    assert by_key["hipaa-164.408-hhs-annual"]["due_on"] == "2027-03-01"
    manual = next(r for r in rows if r["party"] == "Cyber insurer")
    assert (manual["jurisdiction"], manual["due_on"], manual["done_on"]) == (None, "2026-09-20", None)
    uncovered = [(r["jurisdiction"], r["jurisdiction_name"], r["people"]) for r in rows if r["notice"] is None]
    assert uncovered == [("AE", "Armed Forces Europe", 1), (None, "No state on file", 1)]
    assert all(r["due_rule"] == "check with counsel" for r in rows if r["notice"] is None)
    assert [r["key"] for r in rows[:2]] == [manual["key"], "hipaa-164.404-individuals"]  # nearest first

    Obligation.objects.filter(party="Cyber insurer").update(done_on=date(2026, 9, 19))
    assert next(r for r in _json("clinic") if r["party"] == "Cyber insurer")["done_on"] == "2026-09-19"


@pytest.mark.django_db
def test_the_readable_table_and_an_unknown_slug():
    incident = IncidentFactory.create(slug="district", organisation_type=OrganisationType.SCHOOL_DISTRICT)
    incident.data_types.set(DataType.objects.filter(key__in=["ssn"]))
    for _ in range(250):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="TX")
    RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="AA")
    people_figures.count_now(incident)
    out = io.StringIO()
    call_command("obligations", "district", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["Where", "Owed", "to", "What", "Due", "by", "law", "Target", "Done", "Citation"]
    assert any(line.startswith("TX") and "Texas Attorney General" in line and "2026-10-14" in line for line in lines)
    assert any(line.startswith("AA") and "People of Armed Forces Americas (1)" in line and "check with counsel" in line
               for line in lines)  # fmt: skip
    with pytest.raises(CommandError, match="No incident with the slug 'nowhere'"):
        call_command("obligations", "nowhere")
