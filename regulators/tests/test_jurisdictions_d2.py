"""The jurisdictions table, Mississippi to Wyoming with the territories: a second statement of each law.

The expectations below are written by hand from the statutes (the notice keys owed to each party, the
thresholds and the day counts), apart from the data files, so that a typo in a file fails here.
"""

import re
from dataclasses import dataclass
from datetime import date

import pytest

from regulators.jurisdictions.table import CATALOG, ORGANISATIONS, Jurisdiction, Law, read_all

CHECKED_ON = date(2026, 12, 7)
CRA = "consumer_reporting_agencies"


@dataclass(frozen=True)
class N:
    """A notice as read in the statute: who is owed it, from how many on, and by when."""

    owed_to: str
    min_affected: int = 1
    days: int | None = None
    counted_from: str = "discovery"
    business_days: bool = False
    counted: str = "residents"  # whose number min_affected is compared with


def residents(days=None, counted_from="discovery"):
    return N("residents", 1, days, counted_from)


def regulator(min_affected=1, days=None, counted_from="discovery", business_days=False):
    return N("regulator", min_affected, days, counted_from, business_days)


def bureaus(min_affected):
    return N(CRA, min_affected)


@dataclass(frozen=True)
class L:
    """A law: its kind, whom it binds (empty: everyone), what triggers it and the notices it owes."""

    triggers: frozenset[str]
    notices: dict[str, N]
    kind: str = "breach"
    organisations: frozenset[str] = frozenset()
    inserts: frozenset[str] = frozenset()  # languages of the letter's block, if the law asks for one
    omit: frozenset[str] = frozenset()


def law(triggers, notices, kind="breach", **sets):
    return L(frozenset(triggers), notices, kind, **{name: frozenset(v) for name, v in sets.items()})


BASIC = ("ssn", "drivers_license", "financial_account")
EN_ES = ("en", "es")
AGENCIES = ("school_district", "government")
# personally identifiable information from student records (FERPA's definition, which 8 NYCRR 121.1 takes)
STUDENT_DATA = ("education_records", "state_student_id", "ssn", "date_of_birth", "postal_address", "biometric_data",
                "medical_information", "health_insurance")  # fmt: skip
WASHINGTON = (*BASIC, "date_of_birth", "state_student_id", "health_insurance", "medical_information", "biometric_data",
              "username_password")  # fmt: skip

EXPECTED: dict[str, dict[str, L]] = {
    "MS": {"ms-75-24-29": law(BASIC, {"ms-75-24-29-individuals": residents()})},
    "MT": {
        "mt-30-14-1704": law(
            (*BASIC, "medical_information"),
            {"mt-30-14-1704-individuals": residents(), "mt-30-14-1704-attorney-general": regulator()},
        )
    },
    "NC": {
        "nc-75-65": law(
            (*BASIC, "biometric_data"),
            {
                "nc-75-65-individuals": residents(),
                "nc-75-65-attorney-general": regulator(),
                "nc-75-65-consumer-reporting-agencies": bureaus(1001),
            },
            inserts=EN_ES,
        )
    },
    "ND": {
        "nd-51-30": law(
            (*BASIC, "date_of_birth", "medical_information", "health_insurance"),
            {
                "nd-51-30-02-individuals": residents(),
                "nd-51-30-02-attorney-general": N("regulator", 251, counted="all"),
            },
        )
    },
    "NE": {
        "ne-87-803": law(
            (*BASIC, "biometric_data", "username_password"),
            {"ne-87-803-individuals": residents(), "ne-87-803-attorney-general": regulator()},
        )
    },
    "NH": {
        "nh-359-c": law(
            BASIC,
            {
                "nh-359-c-20-individuals": residents(),
                "nh-359-c-20-attorney-general": regulator(),
                "nh-359-c-20-consumer-reporting-agencies": bureaus(1001),
            },
        )
    },
    "NJ": {
        "nj-56-8-163": law(
            (*BASIC, "username_password"),
            {
                "nj-56-8-163-individuals": residents(),
                "nj-56-8-163-state-police": regulator(),
                "nj-56-8-163-consumer-reporting-agencies": bureaus(1001),
            },
        )
    },
    "NM": {
        "nm-57-12c": law(
            (*BASIC, "biometric_data"),
            {
                "nm-57-12c-6-individuals": residents(45),
                "nm-57-12c-10-attorney-general": regulator(1001, 45),
                "nm-57-12c-10-consumer-reporting-agencies": N(CRA, 1001, 45),
            },
        )
    },
    "NV": {
        "nv-603a-220": law(
            (*BASIC, "health_insurance", "username_password"),
            {"nv-603a-220-individuals": residents(), "nv-603a-220-consumer-reporting-agencies": bureaus(1001)},
        )
    },
    "NY": {
        "ny-899-aa": law(
            (*BASIC, "biometric_data", "username_password"),
            {
                "ny-899-aa-individuals": residents(30),
                "ny-899-aa-attorney-general": regulator(),
                "ny-899-aa-department-of-state": regulator(),
                "ny-899-aa-state-police": regulator(),
                "ny-899-aa-consumer-reporting-agencies": bureaus(5001),
            },
            inserts=EN_ES,
        ),
        "ny-edn-2-d": law(
            STUDENT_DATA,
            {
                "ny-2-d-parents": N("parents", 1, 60, counted="all"),
                "ny-2-d-chief-privacy-officer": N("education_department", 1, 10, counted="all"),
            },
            kind="education",
            organisations=("school_district",),
        ),
    },
    "OH": {
        "oh-1349-19": law(
            BASIC,
            {"oh-1349-19-individuals": residents(45), "oh-1349-19-consumer-reporting-agencies": bureaus(1001)},
        )
    },
    "OK": {
        "ok-24-163": law(
            (*BASIC, "biometric_data", "state_student_id"),
            {
                "ok-24-163-individuals": residents(),
                "ok-24-163-attorney-general": regulator(500, 60, "residents_notice"),
            },
        )
    },
    "OR": {
        "or-646a-604": law(
            (*BASIC, "biometric_data", "health_insurance", "medical_information", "username_password"),
            {
                "or-646a-604-individuals": residents(45),
                "or-646a-604-attorney-general": regulator(251, 45),
                "or-646a-604-consumer-reporting-agencies": bureaus(1001),
            },
        )
    },
    "PA": {
        "pa-73-2303": law(
            (*BASIC, "medical_information", "health_insurance", "username_password"),
            {
                "pa-73-2303-individuals": residents(),
                "pa-73-2303-attorney-general": regulator(501),
                "pa-73-2305-consumer-reporting-agencies": bureaus(501),
            },
        )
    },
    "RI": {
        "ri-11-49-3": law(
            (*BASIC, "medical_information", "health_insurance", "username_password"),
            {
                "ri-11-49-3-4-individuals": residents(45, "determination"),
                "ri-11-49-3-4-attorney-general": regulator(501),
                "ri-11-49-3-4-consumer-reporting-agencies": bureaus(501),
            },
            inserts=EN_ES,
        )
    },
    "SC": {
        "sc-39-1-90": law(
            (*BASIC, "state_student_id"),
            {
                "sc-39-1-90-individuals": residents(),
                "sc-39-1-90-consumer-affairs": regulator(1001),
                "sc-39-1-90-consumer-reporting-agencies": bureaus(1001),
            },
        )
    },
    "SD": {
        "sd-22-40": law(
            (*BASIC, "medical_information", "health_insurance", "username_password"),
            {
                "sd-22-40-20-individuals": residents(60),
                "sd-22-40-20-attorney-general": regulator(251),
                "sd-22-40-24-consumer-reporting-agencies": bureaus(1),
            },
        )
    },
    "TN": {
        "tn-47-18-2107": law(
            BASIC,
            {"tn-47-18-2107-individuals": residents(45), "tn-47-18-2107-consumer-reporting-agencies": bureaus(1001)},
        )
    },
    "TX": {
        "tx-521": law(
            (*BASIC, "medical_information", "health_insurance"),
            {
                "tx-521.053-individuals": residents(60, "determination"),
                "tx-521.053-attorney-general": regulator(250, 30, "determination"),
                "tx-521.053-consumer-reporting-agencies": bureaus(10001),
            },
        )
    },
    "UT": {
        "ut-13-44": law(
            BASIC,
            {
                "ut-13-44-202-individuals": residents(),
                "ut-13-44-202-attorney-general": regulator(500),
                "ut-13-44-202-cyber-center": regulator(500),
                "ut-13-44-202-consumer-reporting-agencies": bureaus(1000),
            },
        ),
        "ut-63a-19": law(
            set(CATALOG) - {"name"},
            {
                "ut-63a-19-406-individuals": N("individuals", counted="all"),
                "ut-63a-19-405-cyber-center": N("regulator", 500, 5, counted="all"),
                "ut-63a-19-405-attorney-general": N("regulator", 500, 5, counted="all"),
            },
            organisations=AGENCIES,
        ),
    },
    "VA": {
        "va-18.2-186.6": law(
            BASIC,
            {
                "va-18.2-186.6-individuals": residents(),
                "va-18.2-186.6-attorney-general": regulator(),
                "va-18.2-186.6-attorney-general-distribution": regulator(1001),
                "va-18.2-186.6-consumer-reporting-agencies": bureaus(1001),
            },
        ),
        "va-32.1-127.1-05": law(
            ("medical_information", "health_insurance"),
            {
                "va-32.1-127.1-05-individuals": residents(),
                "va-32.1-127.1-05-attorney-general": regulator(),
                "va-32.1-127.1-05-commissioner-of-health": regulator(1001),
            },
            kind="health",
            # the Commonwealth's and its political subdivisions' bodies (school boards named)
            organisations=AGENCIES,
        ),
    },
    "VT": {
        "vt-2435": law(
            (*BASIC, "biometric_data", "medical_information", "health_insurance", "username_password"),
            {
                "vt-2435-individuals": residents(45),
                "vt-2435-attorney-general": regulator(1, 14, business_days=True),
                "vt-2435-attorney-general-copy": regulator(),
                "vt-2435-consumer-reporting-agencies": bureaus(1001),
            },
        )
    },
    "WA": {
        "wa-19-255": law(
            WASHINGTON,
            {"wa-19-255-010-individuals": residents(30), "wa-19-255-010-attorney-general": regulator(501, 30)},
            # every organisation: a public body elsewhere with Washington residents is owed their notice
            organisations=ORGANISATIONS,
        ),
        # the same duties for the state's and local agencies (an in-state one sees both laws' notices)
        "wa-42-56-590": law(
            WASHINGTON,
            {"wa-42-56-590-individuals": residents(30), "wa-42-56-590-attorney-general": regulator(501, 30)},
            organisations=AGENCIES,
        ),
    },
    "WI": {
        "wi-134-98": law(
            (*BASIC, "biometric_data"),
            {"wi-134-98-individuals": residents(45), "wi-134-98-consumer-reporting-agencies": bureaus(1000)},
        )
    },
    "WV": {
        "wv-46a-2a": law(
            BASIC,
            {"wv-46a-2a-102-individuals": residents(), "wv-46a-2a-102-consumer-reporting-agencies": bureaus(1001)},
        )
    },
    "WY": {
        "wy-40-12-502": law(
            (*BASIC, "username_password", "medical_information", "health_insurance", "biometric_data"),
            {"wy-40-12-502-individuals": residents()},
        )
    },
    "PR": {
        "pr-4051": law(
            (*BASIC, "username_password", "medical_information", "health_insurance"),
            {"pr-4052-individuals": residents(), "pr-4052-consumer-affairs": regulator(1, 10)},
        )
    },
    "VI": {"vi-2208": law(BASIC, {"vi-2208-individuals": residents()})},
    "GU": {"gu-48": law(BASIC, {"gu-48-30-individuals": residents()})},
}

# The blocks the letters carried before the table, word for word (notifications/letters/states.py).
INSERTS = {
    "NC": {
        "en": ("For North Carolina residents", (
            "North Carolina Attorney General's Office, Consumer Protection Division",
            "9001 Mail Service Center, Raleigh, NC 27699-9001",
            "(877) 566-7226 · www.ncdoj.gov",
        )),
        "es": ("Para residentes de Carolina del Norte", (
            "North Carolina Attorney General's Office, Consumer Protection Division "
            "(Fiscalía General, Protección al Consumidor)",
            "9001 Mail Service Center, Raleigh, NC 27699-9001",
            "(877) 566-7226 · www.ncdoj.gov",
        )),
    },
    "NY": {
        "en": ("For New York residents", (
            "New York Attorney General, Bureau of Internet and Technology",
            "The Capitol, Albany, NY 12224-0341",
            "(800) 771-7755 · ag.ny.gov",
        )),
        "es": ("Para residentes de Nueva York", (
            "New York Attorney General, Bureau of Internet and Technology (Fiscalía General, Oficina de Internet y "
            "Tecnología)",
            "The Capitol, Albany, NY 12224-0341",
            "(800) 771-7755 · ag.ny.gov",
        )),
    },
    "RI": {
        "en": ("For Rhode Island residents", (
            "Rhode Island Office of the Attorney General",
            "150 South Main Street, Providence, RI 02903",
            "(401) 274-4400 · www.riag.ri.gov",
            "You have the right to obtain a police report and to place a security freeze.",
        )),
        "es": ("Para residentes de Rhode Island", (
            "Rhode Island Office of the Attorney General (Fiscalía General de Rhode Island)",
            "150 South Main Street, Providence, RI 02903",
            "(401) 274-4400 · www.riag.ri.gov",
            "Tiene derecho a obtener un informe de la policía y a pedir el congelamiento de su crédito.",
        )),
    },
}  # fmt: skip

TABLE = {j.code: j for j in read_all()}
CODES = sorted(EXPECTED)


def _laws(code: str) -> dict[str, Law]:
    return {law.key: law for law in TABLE[code].laws}


def test_every_jurisdiction_of_this_part_is_in_the_table():
    assert set(CODES) <= set(TABLE), f"missing: {sorted(set(CODES) - set(TABLE))}"
    assert {TABLE[c].kind for c in ("PR", "VI", "GU")} == {"territory"}
    assert {TABLE[c].kind for c in CODES if c not in ("PR", "VI", "GU")} == {"state"}


@pytest.mark.parametrize("code", CODES)
def test_the_laws_and_their_notices_are_those_read_in_the_statutes(code):
    laws = _laws(code)
    assert set(laws) == set(EXPECTED[code])
    for key, expected in EXPECTED[code].items():
        found = laws[key]
        assert found.kind == expected.kind, key
        assert set(found.organisations) == expected.organisations, key
        assert set(found.triggers) == expected.triggers, key
        notices = {n.key: n for n in found.notices}
        assert set(notices) == set(expected.notices), key
        for notice_key, want in expected.notices.items():
            got = notices[notice_key]
            read = N(got.owed_to, got.min_affected, got.days, got.counted_from if got.days else "discovery",
                     got.business_days, got.counted)  # fmt: skip
            assert read == want, notice_key


@pytest.mark.parametrize("code", CODES)
def test_the_timing_in_words_agrees_with_the_day_count(code):
    for law in TABLE[code].laws:
        for notice in law.notices:
            if notice.days is None:
                assert not re.search(r"\b\d+ (calendar |business )?days\b", notice.due_rule) or "after the notice" in (
                    notice.due_rule
                ), notice.key
            else:
                assert re.search(rf"\b{notice.days}(th)? (calendar |business )?day", notice.due_rule), notice.key
            if notice.min_affected > 1:
                least, below = f"{notice.min_affected:,}", f"{notice.min_affected - 1:,}"
                words = (f"more than {below}", f"{least} or more", f"at least {least}")
                assert any(w in notice.due_rule for w in words), notice.key


def test_a_school_district_owes_residents_of_each_jurisdiction_a_notice_when_ssns_are_exposed():
    """A Missouri district whose students moved: every one of these jurisdictions names an individual notice."""
    for code in CODES:
        owed = [
            n.key
            for law in TABLE[code].laws
            if law.kind == "breach" and "ssn" in law.triggers
            and (not law.organisations or "school_district" in law.organisations)
            for n in law.notices
            if n.owed_to == "residents" and n.min_affected == 1
        ]  # fmt: skip
        assert owed, code


def test_washingtons_general_law_binds_every_organisation_and_its_agencies_law_only_those_located_there():
    laws = {law.key: law for law in TABLE["WA"].laws}
    general, agencies = laws["wa-19-255"], laws["wa-42-56-590"]
    assert sorted(general.organisations) == sorted(ORGANISATIONS)
    assert (sorted(agencies.organisations), agencies.applies) == (sorted(AGENCIES), "organisation")


@pytest.mark.parametrize("code", sorted(INSERTS))
def test_the_letter_blocks_moved_into_the_table_unchanged(code):
    letters = [law.letter for law in TABLE[code].laws if law.letter and law.letter.inserts]
    assert len(letters) == 1
    inserts = letters[0].inserts
    assert {lang: (i.title, i.lines) for lang, i in inserts.items()} == INSERTS[code]


@pytest.mark.parametrize("code", CODES)
def test_letter_blocks_follow_the_house_style(code):
    for law in TABLE[code].laws:
        expected = EXPECTED[code][law.key]
        letter = law.letter
        assert set(letter.inserts if letter else ()) == expected.inserts, law.key
        assert set(letter.omit if letter else ()) == expected.omit, law.key
        for insert in letter.inserts.values() if letter else ():
            for line in insert.lines:
                for phone in re.findall(r"(?<![\d-])\(?\d{3}\)?[ .-]?\d{3}[.-]\d{4}\b", line):
                    assert re.fullmatch(r"\(\d{3}\) \d{3}-\d{4}", phone), f"{law.key}: {phone}, not (202) 727-3400"
        if letter and "es" in letter.inserts:
            # agencies keep their English names, the Spanish in parentheses after them
            assert letter.inserts["es"].lines[0].startswith(letter.inserts["en"].lines[0]), law.key


@pytest.mark.parametrize("code", CODES)
def test_each_file_says_when_and_against_what_it_was_checked(code):
    jurisdiction: Jurisdiction = TABLE[code]
    assert jurisdiction.checked_on == CHECKED_ON
    for law in jurisdiction.laws:
        assert law.url.startswith(("https://", "http://")), law.key
        assert set(law.triggers) <= set(CATALOG)
        if not jurisdiction.checked_against:
            assert "no source could be compared today" in law.notes, law.key


def test_notice_keys_already_marked_done_are_kept():
    keys = {n.key for code in ("TX", "VT") for law in TABLE[code].laws for n in law.notices}
    assert {
        "tx-521.053-individuals", "tx-521.053-attorney-general", "tx-521.053-consumer-reporting-agencies",
        "vt-2435-individuals", "vt-2435-attorney-general", "vt-2435-consumer-reporting-agencies",
    } <= keys  # fmt: skip
