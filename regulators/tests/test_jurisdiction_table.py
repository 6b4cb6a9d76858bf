"""The real table, jurisdiction by jurisdiction: for every notice in it, residents at its threshold with a
trigger are owed it by its due date; one fewer, or only data types outside the law's triggers, are not.
Generated from the files, so every jurisdiction added is tested the day it lands."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from regulators.jurisdictions import Jurisdiction, Law, Notice, table
from regulators.jurisdictions.table import CATALOG, ORGANISATIONS
from regulators.obligations import FEDERAL, Facts, derive

DISCOVERED = date(2026, 9, 14)  # a Monday
A_STATE = "KS"  # where federal law's people live in these cases (federal law counts them wherever they live)
NOTIFIED = date(2026, 10, 2)  # a Friday: the residents' letters first marked mailed


def _triples() -> list[tuple[Jurisdiction, Law, Notice]]:
    return [(where, law, notice) for where in table().values() for law in where.laws for notice in law.notices]


def _cases(triples: list[tuple[Jurisdiction, Law, Notice]]) -> list[object]:
    return [pytest.param(*triple, id=f"{triple[0].code}:{triple[2].key}") for triple in triples]


def _expected_due(notice: Notice) -> date | None:
    """The due date the notice's own fields give, counted day by day."""
    if notice.days is None:
        return None
    starts = {"year_end": date(DISCOVERED.year, 12, 31), "residents_notice": NOTIFIED}
    start = starts.get(notice.counted_from, DISCOVERED)
    day, counted = start, 0
    while counted < notice.days:
        day += timedelta(days=1)
        if not notice.business_days or day.isoweekday() <= 5:
            counted += 1
    return day


def _facts(where: Jurisdiction, law: Law, people: int, types: frozenset[str], located: str | None = None) -> Facts:
    """People of the jurisdiction (of A_STATE for federal law); an organisation-bound law's organisation
    located in the jurisdiction unless `located` says elsewhere."""
    organisation = law.organisations[0] if law.organisations else "business"
    state = A_STATE if where.code == FEDERAL else where.code
    at = (located if located is not None else where.code) if law.applies == "organisation" else ""
    residents = {state: people} if people else {}
    return Facts(
        organisation, DISCOVERED, types, residents, people, organisation_state=at, notified_on={state: NOTIFIED}
    )


def _key(where: Jurisdiction, notice: Notice) -> str:
    if notice.counted == "each_state":
        return f"{notice.key}-{(A_STATE if where.code == FEDERAL else where.code).lower()}"
    return notice.key


@pytest.mark.parametrize(("where", "law", "notice"), _cases(_triples()))
def test_each_notice_is_owed_at_its_threshold_by_its_due_date(where, law, notice):
    owed = {o.rule: o for o in derive(_facts(where, law, notice.min_affected, frozenset([law.triggers[0]])))}
    found = owed[_key(where, notice)]
    assert found.due_on == _expected_due(notice)
    assert found.party.startswith(notice.party)  # one per state: "Prominent media outlets: Kansas"
    assert found.citation == notice.citation
    assert found.due_rule.startswith(notice.due_rule)
    assert found.jurisdiction == where.code


@pytest.mark.parametrize(("where", "law", "notice"), _cases(_triples()))
def test_each_notice_is_not_owed_below_its_threshold_or_above_its_ceiling(where, law, notice):
    below = derive(_facts(where, law, notice.min_affected - 1, frozenset([law.triggers[0]])))
    assert _key(where, notice) not in {o.rule for o in below}
    if notice.max_affected is not None:
        above = derive(_facts(where, law, notice.max_affected + 1, frozenset([law.triggers[0]])))
        assert _key(where, notice) not in {o.rule for o in above}


@pytest.mark.parametrize(("where", "law", "notice"), _cases(_triples()))
def test_each_notice_is_not_owed_for_data_types_outside_its_laws_triggers(where, law, notice):
    others = frozenset(CATALOG) - set(law.triggers)
    people = max(notice.min_affected, 1)
    assert _key(where, notice) not in {o.rule for o in derive(_facts(where, law, people, others))}


SOME_ORGANISATIONS = [t for t in _triples() if t[1].organisations and set(ORGANISATIONS) - set(t[1].organisations)]


@pytest.mark.parametrize(("where", "law", "notice"), _cases(SOME_ORGANISATIONS))
def test_a_notice_for_some_organisations_is_not_owed_by_others(where, law, notice):
    other = next(o for o in ORGANISATIONS if o not in law.organisations)
    facts = _facts(where, law, max(notice.min_affected, 1), frozenset(law.triggers))
    elsewhere = replace(facts, organisation_type=other)
    assert _key(where, notice) not in {o.rule for o in derive(elsewhere)}


def test_federal_law_has_the_notices_the_portal_promises():
    keys = {n.key for law in table()[FEDERAL].laws for n in law.notices}
    assert {"hipaa-164.404-individuals", "hipaa-164.406-media", "hipaa-164.408-hhs", "hipaa-164.408-hhs-annual",
            "ftc-314.4j-ftc", "ftc-318.3-individuals", "ftc-318.5-ftc", "ftc-318.5-ftc-annual", "ftc-318.5-media",
            "ferpa-99.32-record"} <= keys  # fmt: skip


ORGANISATION_BOUND = [t for t in _triples() if t[1].applies == "organisation"]


@pytest.mark.parametrize(("where", "law", "notice"), _cases(ORGANISATION_BOUND))
def test_a_law_binding_organisations_there_is_not_owed_by_one_elsewhere(where, law, notice):
    people = max(notice.min_affected, 1)
    elsewhere = "GU" if where.code != "GU" else "MO"
    owed = {o.rule for o in derive(_facts(where, law, people, frozenset(law.triggers), located=elsewhere))}
    assert _key(where, notice) not in owed  # its residents are in the incident, the organisation is not there
    unknown = {o.rule for o in derive(_facts(where, law, people, frozenset(law.triggers), located=""))}
    assert _key(where, notice) in unknown  # while the organisation's state is not given, residents bring it in


def test_the_laws_that_bind_by_where_the_organisation_is_are_marked():
    bound = {law.key for where in table().values() for law in where.laws if law.applies == "organisation"}
    assert {"ny-edn-2-d", "il-soppa", "mo-162.1475", "va-32.1-127.1-05", "wa-42-56-590", "ky-61.933",
            "id-28-51-agency", "ca-hsc-1280.15", "ut-63a-19"} <= bound  # fmt: skip


def test_notices_counted_from_the_residents_notice_are_marked():
    counted = {n.key: (n.days, n.business_days) for where in table().values() for law in where.laws
               for n in law.notices if n.counted_from == "residents_notice"}  # fmt: skip
    assert counted == {
        "ca-1798.82-attorney-general": (15, False),
        "ia-715c.2-attorney-general": (5, True),
        "la-16-iii-701-attorney-general": (10, False),
        "ok-24-163-attorney-general": (60, False),
    }
