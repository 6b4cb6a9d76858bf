"""The real table, jurisdiction by jurisdiction: for every notice in it, residents at its threshold with a
trigger are owed it by its due date; one fewer, or only data types outside the law's triggers, are not.
Generated from the files, so every jurisdiction added is tested the day it lands."""

from datetime import date, timedelta

import pytest

from regulators.jurisdictions import Jurisdiction, Law, Notice, table
from regulators.jurisdictions.table import CATALOG, ORGANISATIONS
from regulators.obligations import FEDERAL, Facts, derive

DISCOVERED = date(2026, 9, 14)  # a Monday
A_STATE = "KS"  # where federal law's people live in these cases (federal law counts them wherever they live)


def _triples() -> list[tuple[Jurisdiction, Law, Notice]]:
    return [(where, law, notice) for where in table().values() for law in where.laws for notice in law.notices]


def _cases(triples: list[tuple[Jurisdiction, Law, Notice]]) -> list[object]:
    return [pytest.param(*triple, id=f"{triple[0].code}:{triple[2].key}") for triple in triples]


def _expected_due(notice: Notice) -> date | None:
    """The due date the notice's own fields give, counted day by day."""
    if notice.days is None:
        return None
    start = date(DISCOVERED.year, 12, 31) if notice.counted_from == "year_end" else DISCOVERED
    day, counted = start, 0
    while counted < notice.days:
        day += timedelta(days=1)
        if not notice.business_days or day.isoweekday() <= 5:
            counted += 1
    return day


def _facts(where: Jurisdiction, law: Law, people: int, types: frozenset[str]) -> Facts:
    organisation = law.organisations[0] if law.organisations else "business"
    state = A_STATE if where.code == FEDERAL else where.code
    return Facts(organisation, DISCOVERED, types, {state: people} if people else {}, people)


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
    assert (found.citation, found.due_rule) == (notice.citation, notice.due_rule)
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
    elsewhere = Facts(other, facts.discovered_on, facts.data_types, facts.residents, facts.total)
    assert _key(where, notice) not in {o.rule for o in derive(elsewhere)}


def test_federal_law_has_the_notices_the_portal_promises():
    keys = {n.key for law in table()[FEDERAL].laws for n in law.notices}
    assert {"hipaa-164.404-individuals", "hipaa-164.406-media", "hipaa-164.408-hhs", "hipaa-164.408-hhs-annual",
            "ftc-314.4j-ftc", "ftc-318.3-individuals", "ftc-318.5-ftc", "ftc-318.5-ftc-annual", "ftc-318.5-media",
            "ferpa-99.32-record"} <= keys  # fmt: skip
