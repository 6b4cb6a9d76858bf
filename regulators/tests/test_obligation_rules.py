"""The engine, case by case, on table files written for each test: who counts, thresholds, day counts,
organisations, triggers, and the places the table does not cover."""

from dataclasses import replace
from datetime import date

import pytest

from incidents.models import DataType
from regulators.jurisdictions.table import read_all
from regulators.obligations import FEDERAL, Facts, catalog_keys, derive
from regulators.uncovered import NOT_THIS_ORGANISATION, ONLY_LOCATED_THERE, uncovered

DISCOVERED = date(2026, 9, 14)  # a Monday

FEDERAL_FILE = """
code = "US"
name = "Federal law"
kind = "federal"
checked_on = 2026-12-07
checked_against = ["https://example.gov/federal"]

[[law]]
key = "health"
title = "A health rule"
kind = "health"
citation = "1 CFR 1"
url = "https://example.gov/health"
organisations = ["health_care"]
triggers = ["medical_information"]
triggers_citation = "1 CFR 1.1"

[[law.notice]]
key = "health-individuals"
party = "Affected individuals"
owed_to = "individuals"
notice = "Notice"
citation = "1 CFR 1.2"
counted = "all"
days = 60
due_rule = "within 60 days"

[[law.notice]]
key = "health-media"
party = "Prominent media outlets"
owed_to = "media"
notice = "Media notice"
citation = "1 CFR 1.3"
counted = "each_state"
min_affected = 501
days = 60
due_rule = "within 60 days, more than 500 in a state"

[[law.notice]]
key = "health-agency"
party = "The agency"
owed_to = "regulator"
notice = "Report"
citation = "1 CFR 1.4"
counted = "all"
min_affected = 500
days = 60
due_rule = "within 60 days, 500 or more"

[[law.notice]]
key = "health-agency-annual"
party = "The agency"
owed_to = "regulator"
notice = "Yearly log"
citation = "1 CFR 1.5"
counted = "all"
max_affected = 499
days = 60
counted_from = "year_end"
due_rule = "within 60 days after the year's end, fewer than 500"
"""

STATE_FILE = """
code = "KS"
name = "Kansas"
kind = "state"
checked_on = 2026-12-07
checked_against = ["https://example.gov/kansas"]

[[law]]
key = "ks-breach"
title = "A breach law"
kind = "breach"
citation = "K.S.A. 1"
url = "https://example.gov/ks"
triggers = ["ssn", "financial_account"]
triggers_citation = "K.S.A. 1(a)"

[[law.notice]]
key = "ks-residents"
party = "Affected Kansas residents"
owed_to = "residents"
notice = "Notice"
citation = "K.S.A. 1(b)"
due_rule = "without unreasonable delay"

[[law.notice]]
key = "ks-attorney-general"
party = "Kansas Attorney General"
owed_to = "regulator"
notice = "Report"
citation = "K.S.A. 1(c)"
min_affected = 1001
days = 14
business_days = true
counted_from = "determination"
due_rule = "within 14 business days, more than 1,000 residents"
how = "By e-mail"
how_url = "mailto:breach@example.gov"

[[law.notice]]
key = "ks-everyone"
party = "Kansas agency"
owed_to = "regulator"
notice = "Report counted on everyone"
citation = "K.S.A. 1(d)"
counted = "all"
min_affected = 100
due_rule = "when 100 people in all are affected"

[[law]]
key = "ks-schools"
title = "A school data law"
kind = "education"
citation = "K.S.A. 2"
url = "https://example.gov/ks2"
organisations = ["school_district"]
triggers = ["state_student_id"]
triggers_citation = "K.S.A. 2(a)"

[[law.notice]]
key = "ks-education-department"
party = "Kansas State Department of Education"
owed_to = "education_department"
notice = "Notice"
citation = "K.S.A. 2(b)"
days = 30
due_rule = "within 30 days"
"""

EMPTY_FILE = """
code = "GU"
name = "Guam"
kind = "territory"
checked_on = 2026-12-07
checked_against = ["https://example.gov/guam"]
"""

ALABAMA_FILE = STATE_FILE.replace('"KS"', '"AL"').replace("Kansas", "Alabama").replace("ks-", "al-")


@pytest.fixture
def tables(tmp_path):
    for name, text in (("us", FEDERAL_FILE), ("ks", STATE_FILE), ("gu", EMPTY_FILE), ("al", ALABAMA_FILE)):
        (tmp_path / f"{name}.toml").write_text(text, encoding="utf-8")
    return {j.code: j for j in read_all(tmp_path)}


def _facts(organisation="business", types=("ssn",), discovered=DISCOVERED, total=None, **residents):
    return Facts(organisation, discovered, frozenset(types), residents, total)


def _owed(tables, facts):
    return {owed.rule: owed.due_on for owed in derive(facts, tables)}


def test_a_state_law_is_owed_to_its_residents_when_a_trigger_was_exposed(tables):
    assert _owed(tables, _facts(KS=3)) == {"ks-residents": None}
    assert _owed(tables, _facts(types=("name", "postal_address"), KS=3)) == {}
    assert _owed(tables, _facts(MO=3)) == {}  # no Kansan among them


def test_thresholds_count_the_jurisdictions_residents_or_everyone(tables):
    assert "ks-attorney-general" not in _owed(tables, _facts(KS=1000, MO=5000))
    assert _owed(tables, _facts(KS=1001))["ks-attorney-general"] == date(2026, 10, 2)  # 14 weekdays on
    assert "ks-everyone" in _owed(tables, _facts(KS=1, MO=99))  # 100 people in all, one of them a Kansan
    assert "ks-everyone" not in _owed(tables, _facts(KS=1, MO=98))


def test_an_organisations_law_applies_to_those_organisations_only(tables):
    assert _owed(tables, _facts("school_district", ("state_student_id",), KS=2)) == {
        "ks-education-department": date(2026, 10, 14)
    }
    assert _owed(tables, _facts("business", ("state_student_id",), KS=2)) == {}


def test_federal_law_counts_everyone_and_each_state_on_its_own(tables):
    facts = _facts("health_care", ("medical_information",), discovered=date(2026, 3, 1), MO=600, KS=400)
    assert _owed(tables, facts) == {
        "health-individuals": date(2026, 4, 30),
        "health-media-mo": date(2026, 4, 30),
        "health-agency": date(2026, 4, 30),
    }
    media = next(o for o in derive(facts, tables) if o.rule == "health-media-mo")
    assert media.party == "Prominent media outlets: Missouri"
    assert (media.jurisdiction, media.jurisdiction_name, media.owed_to) == (FEDERAL, "Federal law", "media")


def test_a_ceiling_keeps_the_yearly_log_to_fewer_than_500(tables):
    small = _facts("health_care", ("medical_information",), KS=499)
    assert _owed(tables, small)["health-agency-annual"] == date(2027, 3, 1)  # 60 days after December 31
    assert "health-agency" not in _owed(tables, small)
    assert "health-agency-annual" not in _owed(tables, _facts("health_care", ("medical_information",), KS=500))


def test_people_without_a_state_count_toward_everyone(tables):
    facts = _facts("health_care", ("medical_information",), total=600, KS=400)
    assert "health-agency" in _owed(tables, facts)


def test_federal_first_then_each_jurisdiction_by_name_and_each_entry_names_its_source(tables):
    facts = _facts("health_care", ("medical_information", "ssn"), KS=1001, AL=2)
    owed = derive(facts, tables)
    assert [o.jurisdiction for o in owed] == ["US", "US", "US", "AL", "AL", "KS", "KS", "KS"]
    ag = next(o for o in owed if o.rule == "ks-attorney-general")
    assert (ag.party, ag.citation, ag.how, ag.how_url) == (
        "Kansas Attorney General",
        "K.S.A. 1(c)",
        "By e-mail",
        "mailto:breach@example.gov",
    )


def test_places_the_table_does_not_cover_are_named_never_dropped(tables):
    facts = _facts(total=20, KS=3, GU=4, WY=5, AE=2, ZZ=1)
    assert [(u.code, u.name, u.people) for u in uncovered(facts, tables)] == [
        ("AE", "Armed Forces Europe", 2),
        ("GU", "Guam", 4),  # a file with no laws
        ("WY", "Wyoming", 5),  # no file
        ("ZZ", "ZZ", 1),  # outside the table and the postal codes
        ("", "No state on file", 5),
    ]
    assert uncovered(_facts(KS=3), tables) == []


def _named(tables, facts):
    return [(u.code, u.reason) for u in uncovered(facts, tables)]


def test_a_place_whose_laws_about_the_data_reach_no_organisation_of_this_kind_is_named(tables):
    # Kansas' law on student identifiers binds school districts only: a business exposing them is named
    assert _named(tables, _facts("business", ("state_student_id",), KS=2)) == [("KS", NOT_THIS_ORGANISATION)]
    assert _named(tables, _facts("school_district", ("state_student_id",), KS=2)) == []
    # a law that applies but whose notice is below its threshold still reaches the organisation
    assert _named(tables, _facts("business", ("ssn",), KS=2)) == []


def test_a_place_whose_laws_are_not_about_the_data_exposed_is_not_named(tables):
    assert _named(tables, _facts("business", ("email_address",), KS=2)) == []
    assert _named(tables, _facts("health_care", ("username_password",), KS=2, AL=1)) == []


def test_a_place_whose_only_law_binds_organisations_located_there_is_named_for_one_elsewhere(tmp_path):
    bound = STATE_FILE.replace(
        'organisations = ["school_district"]', 'organisations = ["school_district"]\napplies = "organisation"'
    )
    (tmp_path / "ks.toml").write_text(bound, encoding="utf-8")
    tables = {j.code: j for j in read_all(tmp_path)}
    facts = Facts("school_district", DISCOVERED, frozenset({"state_student_id"}), {"KS": 2}, None, "MO")
    assert _named(tables, facts) == [("KS", ONLY_LOCATED_THERE)]
    assert _named(tables, replace(facts, organisation_state="KS")) == []
    assert _named(tables, replace(facts, organisation_state="")) == []  # not yet known: residents bring it in


@pytest.mark.django_db
def test_a_data_type_added_later_counts_as_the_key_its_flags_name():
    added = DataType(key="tax_return", label="Tax return", is_ssn=True, is_financial=True)
    badge = DataType(key="staff_badge", label="Staff badge", is_government_id=True)
    chart = DataType(key="clinic_chart", label="Clinic chart", is_medical=True, is_education_record=True)
    assert catalog_keys([added, badge, chart]) == {
        "ssn",
        "financial_account",
        "drivers_license",
        "medical_information",
        "education_records",
    }
    assert catalog_keys(DataType.objects.filter(key__in=["state_student_id", "name"])) == {"state_student_id", "name"}
