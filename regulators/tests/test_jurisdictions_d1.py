"""The jurisdictions table, Alabama to Missouri, read against a second statement of the law.

Each expectation below is written by hand from the statute (or the agency's page) as cited in the file,
independently of the file: who is owed a notice, from how many people on, within how many days and from
what day, and what data types bring the law in. A typo in a data file (1000 for "more than 1,000", a day
count from discovery for one from determination, a dropped notice) fails here.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from regulators.jurisdictions.table import Jurisdiction, Law, Notice, read_all

DISC, DET, NOTICE = "discovery", "determination", "residents_notice"
SSN_DL_FIN = {"ssn", "drivers_license", "financial_account"}
HEALTH = {"medical_information", "health_insurance"}


@dataclass(frozen=True)
class N:
    """A notice as the statute gives it."""

    owed_to: str
    min_affected: int = 1
    days: int | None = None
    counted_from: str = DISC
    business_days: bool = False
    counted: str = "residents"


def _resident(days: int | None = None, counted_from: str = DISC) -> N:
    return N("residents", days=days, counted_from=counted_from)


def _bureaus(min_affected: int, days: int | None = None, counted_from: str = DISC) -> N:
    return N("consumer_reporting_agencies", min_affected, days, counted_from)


# code -> law key -> (organisations, triggers, {notice key: N})
EXPECTED: dict[str, dict[str, tuple[set[str], set[str], dict[str, N]]]] = {
    "AK": {
        "ak-45.48": (set(), SSN_DL_FIN, {
            "ak-45.48.010-individuals": _resident(),
            "ak-45.48.040-consumer-reporting-agencies": _bureaus(1001),  # "more than 1,000"
        }),
    },
    "AL": {
        "al-8-38": (set(), SSN_DL_FIN | HEALTH | {"username_password"}, {
            "al-8-38-5-individuals": _resident(45, DET),
            "al-8-38-6-attorney-general": N("regulator", 1001, 45, DET),
            "al-8-38-7-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "AR": {
        "ar-4-110": (set(), SSN_DL_FIN | {"medical_information", "biometric_data"}, {
            "ar-4-110-105-individuals": _resident(),
            "ar-4-110-105-attorney-general": N("regulator", 1001, 45, DET),
        }),
    },
    "AZ": {
        "az-18-552": ({"school_district", "government", "business", "nonprofit", "health_app"},
                      SSN_DL_FIN | HEALTH | {"biometric_data", "username_password"}, {
            "az-18-552-individuals": _resident(45, DET),
            "az-18-552-attorney-general": N("regulator", 1001, 45, DET),
            "az-18-552-homeland-security": N("regulator", 1001, 45, DET),
            "az-18-552-consumer-reporting-agencies": _bureaus(1001, 45, DET),
        }),
    },
    "CA": {
        "ca-1798.82": (set(), SSN_DL_FIN | HEALTH | {"biometric_data", "username_password"}, {
            "ca-1798.82-individuals": _resident(30, DISC),  # SB 446: 30 calendar days
            "ca-1798.82-attorney-general": N("regulator", 501, 15, NOTICE),  # 15 days after the residents' notice
        }),
        "ca-hsc-1280.15": ({"health_care"}, {"medical_information"}, {
            "ca-1280.15-patients": N("individuals", 1, 15, DISC, True, "all"),
            "ca-1280.15-cdph": N("regulator", 1, 15, DISC, True, "all"),
        }),
    },
    "CO": {
        "co-6-1-716": (set(), SSN_DL_FIN | HEALTH | {"state_student_id", "biometric_data", "username_password"}, {
            "co-6-1-716-individuals": _resident(30, DET),
            "co-6-1-716-attorney-general": N("regulator", 500, 30, DET),  # "500 or more"
            "co-6-1-716-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "CT": {
        "ct-36a-701b": (set(), SSN_DL_FIN | HEALTH | {"biometric_data", "username_password"}, {
            "ct-36a-701b-individuals": _resident(60, DISC),
            "ct-36a-701b-attorney-general": N("regulator", 1, 60, DISC),  # no later than the residents
        }),
    },
    "DC": {
        "dc-28-3852": (set(), SSN_DL_FIN | HEALTH | {"biometric_data", "username_password"}, {
            "dc-28-3852-individuals": _resident(),
            "dc-28-3852-attorney-general": N("regulator", 50),  # "50 or more"
            "dc-28-3852-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "DE": {
        "de-12b": (set(), SSN_DL_FIN | HEALTH | {"biometric_data", "username_password"}, {
            "de-12b-102-individuals": _resident(60, DET),
            "de-12b-102-attorney-general": N("regulator", 501, 60, DET),  # "exceeds 500"
        }),
    },
    "FL": {
        "fl-501.171": (set(), SSN_DL_FIN | HEALTH | {"username_password"}, {
            "fl-501.171-individuals": _resident(30, DET),
            "fl-501.171-attorney-general": N("regulator", 500, 30, DET),  # "500 or more"
            "fl-501.171-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "GA": {
        "ga-10-1-912": ({"government", "school_district", "business"}, SSN_DL_FIN | {"username_password"}, {
            "ga-10-1-912-individuals": _resident(),
            "ga-10-1-912-consumer-reporting-agencies": _bureaus(10001),  # "more than 10,000"
        }),
    },
    "HI": {
        "hi-487n": (set(), SSN_DL_FIN, {
            "hi-487n-2-individuals": _resident(),
            "hi-487n-2-office-of-consumer-protection": N("regulator", 1001),
            "hi-487n-2-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "IA": {
        "ia-715c": (set(), SSN_DL_FIN | {"biometric_data"}, {
            "ia-715c.2-individuals": _resident(),
            "ia-715c.2-attorney-general": N("regulator", 501, 5, NOTICE, business_days=True),
        }),
    },
    "ID": {
        "id-28-51": (set(), SSN_DL_FIN, {"id-28-51-105-individuals": _resident()}),
        "id-28-51-agency": ({"government", "school_district"}, SSN_DL_FIN, {
            "id-28-51-105-attorney-general": N("regulator", 1, 1, DISC),  # 24 hours
        }),
    },
    "IL": {
        "il-530": (set(), SSN_DL_FIN | HEALTH | {"biometric_data", "username_password"}, {
            "il-530-10-individuals": _resident(),
            "il-530-10-attorney-general": N("regulator", 501),
        }),
        "il-soppa": ({"school_district"}, {
            "name", "postal_address", "date_of_birth", "ssn", "state_student_id", "education_records",
            "medical_information", "health_insurance", "financial_account", "drivers_license",
            "username_password", "email_address", "phone_number", "biometric_data",
        }, {
            "il-soppa-27-parents": N("parents", 1, 30, DET, counted="all"),
            "il-soppa-27-posted-list": N("record", counted="all"),
        }),
    },
    "IN": {
        "in-24-4.9": (set(), SSN_DL_FIN, {
            "in-24-4.9-3-1-individuals": _resident(45, DISC),
            "in-24-4.9-3-1-attorney-general": N("regulator", 1, 45, DISC),
            "in-24-4.9-3-1-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "KS": {
        "ks-50-7a02": (set(), SSN_DL_FIN, {
            "ks-50-7a02-individuals": _resident(),
            "ks-50-7a02-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "KY": {
        "ky-365.732": ({"business", "nonprofit", "health_care", "financial_institution", "health_app",
                        "school_district", "government"}, SSN_DL_FIN, {
            "ky-365.732-individuals": _resident(),
            "ky-365.732-consumer-reporting-agencies": _bureaus(1001),
        }),
        "ky-61.933": ({"government", "school_district"}, SSN_DL_FIN, {
            "ky-61.933-state-police": N("regulator", 1, 3, DET, counted="all"),  # 72 hours
            "ky-61.933-auditor": N("regulator", 1, 3, DET, counted="all"),
            "ky-61.933-attorney-general": N("regulator", 1, 3, DET, counted="all"),
            "ky-61.933-individuals": N("individuals", 1, 35, DET, counted="all"),
        }),
        "ky-61.933-school-district": ({"school_district"}, SSN_DL_FIN, {
            "ky-61.933-commissioner-of-education": N("education_department", 1, 3, DET, counted="all"),
        }),
    },
    "LA": {
        "la-51-3074": (set(), SSN_DL_FIN | {"biometric_data"}, {
            "la-51-3074-individuals": _resident(60, DISC),
            "la-16-iii-701-attorney-general": N("regulator", 1, 10, NOTICE),  # 10 days after the residents' notice
        }),
    },
    "MA": {
        "ma-93h": (set(), SSN_DL_FIN, {
            "ma-93h-3-individuals": _resident(),
            "ma-93h-3-attorney-general": N("regulator"),
            "ma-93h-3-ocabr": N("regulator"),
            "ma-93h-3-consumer-reporting-agencies": _bureaus(1),
        }),
    },
    "MD": {
        "md-14-35": (set(), SSN_DL_FIN | HEALTH | {"biometric_data", "username_password"}, {
            "md-14-3504-individuals": _resident(45, DISC),
            "md-14-3504-attorney-general": N("regulator", 1, 45, DISC),  # before the residents' notice
            "md-14-3506-consumer-reporting-agencies": _bureaus(1000),  # "1,000 or more"
        }),
    },
    "ME": {
        "me-1348": (set(), SSN_DL_FIN | {"username_password"}, {
            "me-1348-individuals": _resident(30, DISC),
            "me-1348-attorney-general": N("regulator"),
            "me-1348-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "MI": {
        "mi-445.72": (set(), SSN_DL_FIN, {
            "mi-445.72-individuals": _resident(),
            "mi-445.72-consumer-reporting-agencies": _bureaus(1001),
        }),
    },
    "MN": {
        "mn-325e.61": (set(), SSN_DL_FIN, {
            "mn-325e.61-individuals": _resident(),
            "mn-325e.61-consumer-reporting-agencies": _bureaus(501, 2, DISC),  # 48 hours, more than 500
        }),
    },
    "MO": {
        "mo-407.1500": (set(), SSN_DL_FIN | HEALTH | {"state_student_id"}, {
            "mo-407.1500-individuals": _resident(),
            "mo-407.1500-attorney-general": N("regulator", 1001),
            "mo-407.1500-consumer-reporting-agencies": _bureaus(1001),
        }),
        "mo-162.1475": ({"school_district"}, SSN_DL_FIN | HEALTH | {"state_student_id"}, {
            "mo-162.1475-parents": N("parents", counted="all"),
            "mo-162.1475-dese": N("education_department", counted="all"),
            "mo-162.1475-state-auditor": N("regulator", counted="all"),
        }),
    },
}  # fmt: skip

# The state blocks letters carried before the table (notifications/letters/states.py), word for word.
MOVED_INSERTS = {
    "DC": {
        "en": ("For District of Columbia residents", (
            "Office of the Attorney General for the District of Columbia",
            "400 6th Street NW, Washington, DC 20001",
            "(202) 727-3400 · oag.dc.gov",
        )),
        "es": ("Para residentes del Distrito de Columbia", (
            "Office of the Attorney General for the District of Columbia (Fiscalía General del Distrito de Columbia)",
            "400 6th Street NW, Washington, DC 20001",
            "(202) 727-3400 · oag.dc.gov",
        )),
    },
    "IA": {
        "en": ("For Iowa residents", (
            "You may report suspected identity theft to local law enforcement or to the Attorney General.",
            "Office of the Attorney General of Iowa, Consumer Protection Division",
            "1305 E. Walnut Street, Des Moines, IA 50319 · (515) 281-5926",
        )),
        "es": ("Para residentes de Iowa", (
            "Si sospecha que le robaron su identidad, puede denunciarlo ante la policía local o ante la Fiscalía "
            "General de Iowa.",
            "Office of the Attorney General of Iowa, Consumer Protection Division (Fiscalía General, Protección al "
            "Consumidor)",
            "1305 E. Walnut Street, Des Moines, IA 50319 · (515) 281-5926",
        )),
    },
    "MD": {
        "en": ("For Maryland residents", (
            "Maryland Office of the Attorney General, Consumer Protection Division",
            "200 St. Paul Place, Baltimore, MD 21202",
            "(888) 743-0023 · www.marylandattorneygeneral.gov",
        )),
        "es": ("Para residentes de Maryland", (
            "Maryland Office of the Attorney General, Consumer Protection Division (Fiscalía General, Protección al "
            "Consumidor)",
            "200 St. Paul Place, Baltimore, MD 21202",
            "(888) 743-0023 · www.marylandattorneygeneral.gov",
        )),
    },
    "MO": {
        "en": ("For Missouri residents", (
            "Missouri Attorney General's Office, Consumer Protection Unit",
            "Supreme Court Building, 207 West High Street, Jefferson City, MO 65101",
            "(800) 392-8222 · ago.mo.gov",
        )),
        "es": ("Para residentes de Missouri", (
            "Missouri Attorney General's Office, Consumer Protection Unit (Fiscalía General, Protección al "
            "Consumidor)",
            "Supreme Court Building, 207 West High Street, Jefferson City, MO 65101",
            "(800) 392-8222 · ago.mo.gov",
        )),
    },
}  # fmt: skip

# What a letter to a resident must leave out, by the statute: Massachusetts forbids the nature of the breach and
# the number of residents affected (93H, 3(b)); Illinois the number of Illinois residents affected (530/10(a)).
OMITTED = {"MA": {"what_happened", "number_affected"}, "IL": {"number_affected"}}
WITH_INSERT = {"DC", "IA", "MD", "MO", "MA"}

# Notice keys the rules in code used before the table: done marks are stored under them.
KEPT_KEYS = {
    "mo-407.1500-individuals", "mo-407.1500-attorney-general", "mo-407.1500-consumer-reporting-agencies",
    "mo-162.1475-parents", "mo-162.1475-dese", "mo-162.1475-state-auditor",
    "ca-1798.82-individuals", "ca-1798.82-attorney-general",
    "co-6-1-716-individuals", "co-6-1-716-attorney-general", "co-6-1-716-consumer-reporting-agencies",
    "fl-501.171-individuals", "fl-501.171-attorney-general", "fl-501.171-consumer-reporting-agencies",
}  # fmt: skip


@pytest.fixture(scope="module")
def table() -> dict[str, Jurisdiction]:
    return {j.code: j for j in read_all()}


def _laws(jurisdiction: Jurisdiction) -> dict[str, Law]:
    return {law.key: law for law in jurisdiction.laws}


def _as_stated(notice: Notice) -> N:
    return N(notice.owed_to, notice.min_affected, notice.days, notice.counted_from, notice.business_days,
             notice.counted)  # fmt: skip


def test_every_jurisdiction_of_this_list_has_its_file(table):
    assert set(EXPECTED) <= set(table)
    for code in EXPECTED:
        assert table[code].kind == ("district" if code == "DC" else "state")
        assert table[code].checked_on == date(2026, 12, 7)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_laws_and_their_triggers_are_the_statutes(table, code):
    laws = _laws(table[code])
    assert set(laws) == set(EXPECTED[code])
    for key, (organisations, triggers, _) in EXPECTED[code].items():
        assert set(laws[key].organisations) == organisations, key
        assert set(laws[key].triggers) == triggers, key


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_party_owed_with_its_threshold_and_day_count(table, code):
    laws = _laws(table[code])
    for key, (_, _, notices) in EXPECTED[code].items():
        found = {n.key: _as_stated(n) for n in laws[key].notices}
        assert found == notices, key


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_rules_without_a_day_count_say_their_timing_in_words(table, code):
    for law in table[code].laws:
        for notice in law.notices:
            assert notice.due_rule, notice.key
            if notice.days is not None:
                assert any(ch.isdigit() for ch in notice.due_rule) or "hours" in notice.due_rule, notice.key


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_what_letters_leave_out_and_carry(table, code):
    letters = [law.letter for law in table[code].laws if law.letter is not None]
    omitted = {part for letter in letters for part in letter.omit}
    assert omitted == OMITTED.get(code, set())
    inserts = [letter.inserts for letter in letters if letter.inserts]
    if code in WITH_INSERT:
        assert len(inserts) == 1
        assert set(inserts[0]) == {"en", "es"}
    else:
        assert inserts == []


@pytest.mark.parametrize("code", sorted(MOVED_INSERTS))
def test_the_letters_state_blocks_moved_word_for_word(table, code):
    (inserts,) = [law.letter.inserts for law in table[code].laws if law.letter and law.letter.inserts]
    for language, (title, lines) in MOVED_INSERTS[code].items():
        assert inserts[language].title == title
        assert inserts[language].lines == lines


def test_massachusetts_letter_names_the_police_report_and_the_free_freeze(table):
    (letter,) = [law.letter for law in table["MA"].laws if law.letter]
    english = " ".join(letter.inserts["en"].lines)
    assert "police report" in english
    assert "security freeze" in english
    assert "no cost" in english
    spanish = " ".join(letter.inserts["es"].lines)
    assert "informe de la policía" in spanish
    assert "congelamiento" in spanish


def test_the_rules_in_code_keep_their_keys(table):
    keys = {n.key for code in EXPECTED for law in table[code].laws for n in law.notices}
    assert keys >= KEPT_KEYS


def test_an_entry_not_compared_with_a_source_says_so(table):
    for code in EXPECTED:
        jurisdiction = table[code]
        for law in jurisdiction.laws:
            assert law.url.startswith(("https://", "http://")), law.key
            if not jurisdiction.checked_against:
                assert "could not be compared" in law.notes or "no source" in law.notes, law.key


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_a_school_district_that_exposed_ssns_owes_each_resident_a_notice(table, code):
    """A Missouri district whose students moved away owes every state's individual notice where SSNs count."""
    owed = [
        notice
        for law in table[code].laws
        if "ssn" in law.triggers and (not law.organisations or "school_district" in law.organisations)
        for notice in law.notices
        if notice.owed_to in {"residents", "individuals"} and notice.min_affected == 1
    ]
    assert owed, code
