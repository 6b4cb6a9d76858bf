"""A jurisdictions table for tests: files written to a folder and read in place of the real table.

The engine's tests write the files they need; the screens' tests use the real table with the sample
Missouri file below in place of Missouri's own, so that they show the screens at work whatever the real
Missouri file says. The sample is test data shaped like a state's rules, not a statement of the law.
"""

import importlib
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from portal.lib.us_states import STATE_NAMES

# The reader's module by name: the package's `table` is its function that reads the table.
jurisdictions: Any = importlib.import_module("regulators.jurisdictions.table")

SAMPLE_MISSOURI = """
code = "MO"
name = "Missouri"
kind = "state"
checked_on = 2026-12-07
checked_against = ["https://revisor.mo.gov/main/OneSection.aspx?section=407.1500"]

[[law]]
key = "mo-407.1500"
title = "Missouri breach of security law (sample for tests)"
kind = "breach"
citation = "RSMo 407.1500"
url = "https://revisor.mo.gov/main/OneSection.aspx?section=407.1500"
triggers = ["ssn", "drivers_license", "financial_account", "medical_information", "health_insurance"]
triggers_citation = "RSMo 407.1500.1(9)"

[[law.notice]]
key = "mo-407.1500-individuals"
party = "Affected Missouri residents"
owed_to = "residents"
notice = "Notice of the breach to each person affected"
citation = "RSMo 407.1500.2(1)"
due_rule = "without unreasonable delay"

[[law.notice]]
key = "mo-407.1500-attorney-general"
party = "Missouri Attorney General"
owed_to = "regulator"
notice = "Notice of the timing, distribution and content of the notice to residents"
citation = "RSMo 407.1500.2(8)"
min_affected = 1001
due_rule = "without unreasonable delay, when more than 1,000 residents are notified at one time"

[[law]]
key = "mo-162.1475"
title = "Missouri school data breach (sample for tests)"
kind = "education"
citation = "RSMo 162.1475"
url = "https://revisor.mo.gov/main/OneSection.aspx?section=162.1475"
organisations = ["school_district"]
triggers = ["ssn", "state_student_id", "drivers_license", "financial_account", "medical_information"]
triggers_citation = "RSMo 162.1475"

[[law.notice]]
key = "mo-162.1475-parents"
party = "Parents or guardians of affected students"
owed_to = "parents"
notice = "Notice of the breach of student data"
citation = "RSMo 162.1475"
due_rule = "without unreasonable delay"

[[law.notice]]
key = "mo-162.1475-dese"
party = "Missouri Department of Elementary and Secondary Education"
owed_to = "education_department"
notice = "Notice of the breach of student data"
citation = "RSMo 162.1475"
due_rule = "without unreasonable delay"

[[law.notice]]
key = "mo-162.1475-state-auditor"
party = "Missouri State Auditor"
owed_to = "regulator"
notice = "School data breach report"
citation = "RSMo 162.1475"
due_rule = "without unreasonable delay"
how = "The State Auditor's school data breach form"
"""


@contextmanager
def table_from(folder: Path) -> Iterator[Path]:
    """Read the jurisdictions table from `folder` while the block runs (the real one again after)."""
    real = jurisdictions.DATA
    jurisdictions.DATA = folder
    jurisdictions.table.cache_clear()
    try:
        yield folder
    finally:
        jurisdictions.DATA = real
        jurisdictions.table.cache_clear()


def real_copy(folder: Path) -> Path:
    """A copy of the real table's files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in jurisdictions.DATA.glob("*.toml"):
        shutil.copy(path, folder / path.name)
    return folder


def real_with_sample_missouri(folder: Path) -> Path:
    """A copy of the real table in `folder`, with the sample Missouri file in place of Missouri's own."""
    real_copy(folder)
    (folder / "mo.toml").write_text(SAMPLE_MISSOURI, encoding="utf-8")
    return folder


NOT_STATES = ("PR", "VI", "GU", "AS", "MP", "AA", "AE", "AP")
STATES_AND_DC = tuple(code for code in STATE_NAMES if code not in NOT_STATES)


def district_in_every_state(slug: str, texas: int = 260, **extra: int) -> Any:
    """A Missouri school district's incident with Social Security numbers exposed and one resident of each
    state and DC (`texas` of Texas), plus `extra` people by code (GU=2: two of Guam), counted."""
    from incidents.models import DataType, OrganisationType
    from people import figures as people_figures
    from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory

    incident = IncidentFactory.create(
        slug=slug,
        title="Student records copied",
        organisation_type=OrganisationType.SCHOOL_DISTRICT,
        organisation_state="MO",
    )
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn", "state_student_id"]))
    counts = {state: texas if state == "TX" else 1 for state in STATES_AND_DC} | extra
    for state, count in counts.items():
        for _ in range(count):
            RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state=state)
    people_figures.count_now(incident)
    return incident


def completed(folder: Path, codes: tuple[str, ...] = STATES_AND_DC) -> Path:
    """Fill `folder` with a sample breach file for each of `codes` it lacks: a notice to residents without
    unreasonable delay. For the tests that need every state before every state's own file is written."""
    for code in codes:
        path = folder / f"{code.lower()}.toml"
        if not path.exists():
            path.write_text(_sample_state(code), encoding="utf-8")
    return folder


def _sample_state(code: str) -> str:
    name, key = STATE_NAMES[code], code.lower()
    return f"""
code = "{code}"
name = "{name}"
kind = "{"district" if code == "DC" else "state"}"
checked_on = 2026-12-07
checked_against = ["https://example.gov/{key}"]

[[law]]
key = "{key}-sample"
title = "{name} breach law (sample for tests)"
kind = "breach"
citation = "{name} sample law"
url = "https://example.gov/{key}"
triggers = ["ssn"]
triggers_citation = "{name} sample law (a)"

[[law.notice]]
key = "{key}-sample-residents"
party = "Affected {name} residents"
owed_to = "residents"
notice = "Notice of the breach"
citation = "{name} sample law (b)"
due_rule = "without unreasonable delay"
"""
