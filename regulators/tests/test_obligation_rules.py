"""The rules table, case by case: crafted facts get the obligations and due dates the cited statutes give."""

import re
from datetime import date

import pytest

from regulators.obligations import HEALTH_CARE, RULES, SCHOOL_DISTRICT, Facts, derive

DISCOVERED = date(2026, 9, 14)  # a Monday
NO_DATE = None


def _facts(
    organisation=SCHOOL_DISTRICT, personal=True, education=False, medical=False, discovered=DISCOVERED, **residents
):
    return Facts(organisation, discovered, personal, education, medical, residents)


CASES = [
    pytest.param(
        _facts(education=True, medical=True, MO=1200),
        {
            "mo-407.1500-individuals": NO_DATE,
            "mo-407.1500-attorney-general": NO_DATE,
            "mo-407.1500-consumer-reporting-agencies": NO_DATE,
            "mo-162.1475-parents": NO_DATE,
            "mo-162.1475-dese": NO_DATE,
            "mo-162.1475-state-auditor": NO_DATE,
            "ferpa-99.32-record": NO_DATE,
        },
        id="Missouri district, 1,200 residents: the AG and the bureaus too; FERPA; no HIPAA for a district",
    ),
    pytest.param(
        _facts(education=True, MO=1000),
        {
            "mo-407.1500-individuals": NO_DATE,
            "mo-162.1475-parents": NO_DATE,
            "mo-162.1475-dese": NO_DATE,
            "mo-162.1475-state-auditor": NO_DATE,
            "ferpa-99.32-record": NO_DATE,
        },
        id="Missouri, exactly 1,000: the AG and bureaus only above 1,000",
    ),
    pytest.param(
        _facts(organisation=HEALTH_CARE, medical=True, discovered=date(2026, 3, 1), MO=600, KS=400),
        {
            "mo-407.1500-individuals": NO_DATE,
            "hipaa-164.404-individuals": date(2026, 4, 30),
            "hipaa-164.408-hhs": date(2026, 4, 30),
            "hipaa-164.406-media-mo": date(2026, 4, 30),
        },
        id="HIPAA, 1,000 people: individuals, HHS and the media of the state with more than 500, in 60 days",
    ),
    pytest.param(
        _facts(organisation=HEALTH_CARE, medical=True, KS=500),
        {"hipaa-164.404-individuals": date(2026, 11, 13), "hipaa-164.408-hhs": date(2026, 11, 13)},
        id="HIPAA, exactly 500 in one state: HHS at once, no media notice (more than 500)",
    ),
    pytest.param(
        _facts(organisation=HEALTH_CARE, medical=True, KS=100),
        {"hipaa-164.404-individuals": date(2026, 11, 13), "hipaa-164.408-hhs-annual": date(2027, 3, 1)},
        id="HIPAA, under 500: HHS within 60 days after the end of the year",
    ),
    pytest.param(
        _facts(organisation="business", CO=500, FL=499, TX=250, VT=1, CA=501),
        {
            "ca-1798.82-individuals": NO_DATE,
            "ca-1798.82-attorney-general": NO_DATE,
            "co-6-1-716-individuals": date(2026, 10, 14),
            "co-6-1-716-attorney-general": date(2026, 10, 14),
            "fl-501.171-individuals": date(2026, 10, 14),
            "tx-521.053-individuals": date(2026, 11, 13),
            "tx-521.053-attorney-general": date(2026, 10, 14),
            "vt-2435-individuals": date(2026, 10, 29),
            "vt-2435-attorney-general": date(2026, 10, 2),
        },
        id="Other states: day counts and Attorney General thresholds (Florida's at 500 not reached)",
    ),
    pytest.param(
        _facts(organisation="business", personal=False, MO=5000, CA=900),
        {},
        id="Names and addresses only: no state breach law's personal information",
    ),
    pytest.param(
        _facts(personal=False, education=True, KS=30),
        {"ferpa-99.32-record": NO_DATE},
        id="A district outside Missouri: FERPA's record only",
    ),
]


BOUNDARIES = [
    pytest.param(_facts(MO=1001), "mo-407.1500-attorney-general", True, id="Missouri AG: 1,001 is more than 1,000"),
    pytest.param(_facts(CA=500), "ca-1798.82-attorney-general", False, id="California AG: 500 is not more than 500"),
    pytest.param(_facts(CO=499), "co-6-1-716-attorney-general", False, id="Colorado AG: 499 is under 500"),
    pytest.param(_facts(CO=1001), "co-6-1-716-consumer-reporting-agencies", True, id="Colorado bureaus: over 1,000"),
    pytest.param(_facts(FL=1000), "fl-501.171-consumer-reporting-agencies", False, id="Florida bureaus: 1,000"),
    pytest.param(_facts(TX=249), "tx-521.053-attorney-general", False, id="Texas AG: 249 is under 250"),
    pytest.param(_facts(TX=10001), "tx-521.053-consumer-reporting-agencies", True, id="Texas bureaus: over 10,000"),
    pytest.param(_facts(VT=1001), "vt-2435-consumer-reporting-agencies", True, id="Vermont bureaus: over 1,000"),
    pytest.param(
        Facts(HEALTH_CARE, DISCOVERED, True, False, True, {"KS": 400}, total=600),
        "hipaa-164.408-hhs",
        True,
        id="HHS at once: 600 people, 200 of them without a state",
    ),
    pytest.param(
        _facts(education=True, personal=False, MO=50), "mo-162.1475-state-auditor", False, id="162.1475: no PI"
    ),
]


@pytest.mark.parametrize(("facts", "rule", "owed"), BOUNDARIES)
def test_thresholds_at_their_edges(facts, rule, owed):
    assert (rule in {o.rule for o in derive(facts)}) is owed


@pytest.mark.parametrize(("facts", "expected"), CASES)
def test_the_rules_derive_what_the_statutes_give(facts, expected):
    assert {owed.rule: owed.due_on for owed in derive(facts)} == expected


def test_every_rule_cites_its_statute_and_says_when_in_words():
    facts = _facts(organisation=HEALTH_CARE, education=True, medical=True, MO=20000, CA=20000, CO=20000, FL=20000,
                   TX=20000, VT=20000)  # fmt: skip
    owed = derive(facts)
    keys = [item.rule for item in owed]
    assert len(keys) == len(set(keys))  # a done mark is stored under the key: no two alike
    not_here = {"ferpa-99.32-record", "hipaa-164.408-hhs-annual"}  # not a district; 500 people or more
    assert {rule.key for rule in RULES if rule.key not in not_here and "162.1475" not in rule.key} <= set(keys)
    for item in owed:
        assert re.fullmatch(r"[a-z0-9.-]+", item.rule)
        assert item.citation
        assert item.party
        assert item.due_rule[0].islower()
