"""The notices an incident owes, derived from its facts by a table of rules in code.

Each rule names the party owed, what it is owed, the statute it comes from, when it applies and, where
the statute gives a day count, the due date. Rules that say "without unreasonable delay" or "in the most
expedient time possible" carry no date: the screen says so in words. This is a checklist that points at
the law, not legal advice; counsel confirms what applies, and managers add what the table does not know
as manual obligations.

State breach laws here apply when "personal information" as those statutes define it was exposed: in
the data type catalog, a Social Security number, another government identifier, financial or medical
information. Residents of a state are counted by the state of each person's letter recipient.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from incidents.figures import PeopleFigures
    from incidents.models import Incident
    from regulators.models import Obligation

SCHOOL_DISTRICT, HEALTH_CARE = "school_district", "health_care"


@dataclass(frozen=True)
class Facts:
    organisation_type: str
    discovered_on: date
    personal_information: bool  # exposed data a state breach law covers
    education_records: bool
    medical: bool
    residents: Mapping[str, int] = field(default_factory=dict)  # state code -> people
    total: int | None = None  # people in all (some have no state); the residents summed when not given

    @property
    def people(self) -> int:
        return self.total if self.total is not None else sum(self.residents.values())

    def in_state(self, state: str) -> int:
        return self.residents.get(state, 0)


@dataclass(frozen=True)
class Owed:
    rule: str  # stable key: what a done mark is stored under
    party: str
    notice: str
    citation: str
    due_on: date | None
    due_rule: str  # the timing in words


def _days(n: int) -> Callable[[Facts], date]:
    return lambda facts: facts.discovered_on + timedelta(days=n)


def _business_days(n: int) -> Callable[[Facts], date]:
    def due(facts: Facts) -> date:
        day, left = facts.discovered_on, n
        while left:
            day += timedelta(days=1)
            left -= day.weekday() < 5
        return day

    return due


@dataclass(frozen=True)
class Rule:
    key: str
    party: str
    notice: str
    citation: str
    applies: Callable[[Facts], bool]
    due_rule: str
    due: Callable[[Facts], date] | None = None

    def owed(self, facts: Facts) -> Owed:
        return Owed(self.key, self.party, self.notice, self.citation, self.due(facts) if self.due else None,
                    self.due_rule)  # fmt: skip


def _state_law(state: str) -> Callable[[Facts], bool]:
    return lambda facts: facts.personal_information and facts.in_state(state) > 0


def _state_law_over(state: str, threshold: int) -> Callable[[Facts], bool]:
    return lambda facts: facts.personal_information and facts.in_state(state) > threshold


def _missouri_district(facts: Facts) -> bool:
    """RSMo 162.1475: a school district's breach of students' personal information, its students living in
    Missouri (the district's own state is not among the facts yet)."""
    return facts.organisation_type == SCHOOL_DISTRICT and facts.personal_information and facts.in_state("MO") > 0


def _hipaa(facts: Facts) -> bool:
    return facts.organisation_type == HEALTH_CARE and facts.medical


NO_DELAY = "without unreasonable delay"
HIPAA_60 = "without unreasonable delay, and no later than 60 days after discovery"
DETERMINED_30 = "within 30 days of determining that a breach occurred (counted here from discovery, the earlier day)"
EXPEDIENT = "in the most expedient time possible, without unreasonable delay"

RULES: tuple[Rule, ...] = (
    # Missouri
    Rule("mo-407.1500-individuals", "Affected Missouri residents", "Notice of the breach to each person affected",
         "RSMo 407.1500.2(1)", _state_law("MO"), NO_DELAY),
    Rule("mo-407.1500-attorney-general", "Missouri Attorney General",
         "Notice of the timing, distribution and content of the notice to residents",
         "RSMo 407.1500.2(8)", _state_law_over("MO", 1000),
         "without unreasonable delay, when more than 1,000 residents are notified at one time"),
    Rule("mo-407.1500-consumer-reporting-agencies", "Nationwide consumer reporting agencies (Equifax, Experian, "
         "TransUnion)", "Notice of the timing, distribution and content of the notice to residents",
         "RSMo 407.1500.2(8)", _state_law_over("MO", 1000),
         "without unreasonable delay, when more than 1,000 residents are notified at one time"),
    Rule("mo-162.1475-parents", "Parents or guardians of affected students", "Notice of the breach of student data",
         "RSMo 162.1475", _missouri_district, NO_DELAY),
    Rule("mo-162.1475-dese", "Missouri Department of Elementary and Secondary Education",
         "Notice of the breach of student data", "RSMo 162.1475",
         _missouri_district, NO_DELAY),
    Rule("mo-162.1475-state-auditor", "Missouri State Auditor", "School data breach report",
         "RSMo 162.1475", _missouri_district, NO_DELAY),
    # HIPAA breach notification
    Rule("hipaa-164.404-individuals", "Affected individuals", "Notice of the breach of unsecured protected health "
         "information", "45 CFR 164.404", _hipaa, HIPAA_60, _days(60)),
    Rule("hipaa-164.408-hhs", "Secretary of Health and Human Services (OCR breach portal)",
         "Breach report (500 or more individuals)", "45 CFR 164.408(b)",
         lambda f: _hipaa(f) and f.people >= 500, HIPAA_60, _days(60)),
    Rule("hipaa-164.408-hhs-annual", "Secretary of Health and Human Services (OCR breach portal)",
         "Breach report (fewer than 500 individuals), in the yearly log", "45 CFR 164.408(c)",
         lambda f: _hipaa(f) and f.people < 500, "within 60 days after the end of the calendar year of discovery",
         lambda f: date(f.discovered_on.year, 12, 31) + timedelta(days=60)),
    # FERPA
    Rule("ferpa-99.32-record", "Each affected student's education record", "Record of the disclosure (the parties "
         "that received the records and their interest)", "34 CFR 99.32",
         lambda f: f.organisation_type == SCHOOL_DISTRICT and f.education_records,
         "kept with the student's record for as long as the records are kept"),
    # Other states with a day count or an Attorney General threshold
    Rule("ca-1798.82-individuals", "Affected California residents", "Notice of the breach in the statute's form",
         "Cal. Civ. Code 1798.82(a)", _state_law("CA"), EXPEDIENT),
    Rule("ca-1798.82-attorney-general", "California Attorney General", "A sample copy of the notice to residents",
         "Cal. Civ. Code 1798.82(f)", _state_law_over("CA", 500), "when more than 500 residents are notified"),
    Rule("co-6-1-716-individuals", "Affected Colorado residents", "Notice of the breach",
         "C.R.S. 6-1-716(2)(a)", _state_law("CO"), DETERMINED_30, _days(30)),
    Rule("co-6-1-716-attorney-general", "Colorado Attorney General", "Notice of the breach",
         "C.R.S. 6-1-716(2)(f)", lambda f: f.personal_information and f.in_state("CO") >= 500,
         f"{DETERMINED_30}, when 500 or more residents are affected", _days(30)),
    Rule("co-6-1-716-consumer-reporting-agencies", "Nationwide consumer reporting agencies", "Notice of the timing, "
         "distribution and content of the notice to residents", "C.R.S. 6-1-716(2)(d)",
         _state_law_over("CO", 1000), "without unreasonable delay, when more than 1,000 residents are notified"),
    Rule("fl-501.171-individuals", "Affected Florida residents", "Notice of the breach",
         "Fla. Stat. 501.171(4)(a)", _state_law("FL"), DETERMINED_30, _days(30)),
    Rule("fl-501.171-attorney-general", "Florida Department of Legal Affairs (Attorney General)",
         "Notice of the breach", "Fla. Stat. 501.171(3)(a)",
         lambda f: f.personal_information and f.in_state("FL") >= 500,
         f"{DETERMINED_30}, when 500 or more residents are affected", _days(30)),
    Rule("fl-501.171-consumer-reporting-agencies", "Nationwide consumer reporting agencies", "Notice of the timing, "
         "distribution and content of the notice to residents", "Fla. Stat. 501.171(5)",
         _state_law_over("FL", 1000), "without unreasonable delay, when more than 1,000 residents are notified at a "
         "single time"),
    Rule("tx-521.053-individuals", "Affected Texas residents", "Notice of the breach",
         "Tex. Bus. & Com. Code 521.053(b)", _state_law("TX"),
         "within 60 days of determining that a breach occurred (counted here from discovery, the earlier day)",
         _days(60)),
    Rule("tx-521.053-attorney-general", "Texas Attorney General", "Breach report (online form)",
         "Tex. Bus. & Com. Code 521.053(i)", lambda f: f.personal_information and f.in_state("TX") >= 250,
         f"{DETERMINED_30}, when 250 or more residents are affected", _days(30)),
    Rule("tx-521.053-consumer-reporting-agencies", "Nationwide consumer reporting agencies", "Notice of the breach",
         "Tex. Bus. & Com. Code 521.053(h)", _state_law_over("TX", 10000),
         "without unreasonable delay, when more than 10,000 residents are notified at one time"),
    Rule("vt-2435-individuals", "Affected Vermont residents", "Notice of the breach",
         "9 V.S.A. 2435(b)(1)", _state_law("VT"), "within 45 days of discovery", _days(45)),
    Rule("vt-2435-attorney-general", "Vermont Attorney General", "Preliminary notice of the breach",
         "9 V.S.A. 2435(b)(3)", _state_law("VT"),
         "within 14 business days of discovery (weekends skipped here; state holidays are not)", _business_days(14)),
    Rule("vt-2435-consumer-reporting-agencies", "Nationwide consumer reporting agencies", "Notice of the timing, "
         "distribution and number of notices to residents", "9 V.S.A. 2435(c)", _state_law_over("VT", 1000),
         "without unreasonable delay, when more than 1,000 residents are notified at one time"),
)  # fmt: skip


def _media(facts: Facts) -> Iterator[Owed]:
    """HIPAA's media notice: one for each state with more than 500 residents affected."""
    if not _hipaa(facts):
        return
    for state, count in sorted(facts.residents.items()):
        if count > 500:
            yield Owed(
                f"hipaa-164.406-media-{state.lower()}",
                f"Prominent media outlets serving {state}",
                "Notice of the breach to the media",
                "45 CFR 164.406",
                facts.discovered_on + timedelta(days=60),
                f"within 60 days of discovery, when more than 500 residents of {state} are affected",
            )


def derive(facts: Facts) -> list[Owed]:
    """Every notice the rules table says these facts owe, in the table's order."""
    return [rule.owed(facts) for rule in RULES if rule.applies(facts)] + list(_media(facts))


# What the screens show: the rules' obligations with their done marks, and the manual ones -----------------

DUE_SOON_DAYS = 14


def facts_of(incident: "Incident", people: "PeopleFigures | None" = None) -> Facts:
    """The facts the rules read: the incident's counted figures (read here unless the caller has them)
    and its data types in scope."""
    from incidents import figures

    types = list(incident.data_types.all())
    people = people or figures.of(incident)
    return Facts(
        organisation_type=incident.organisation_type,
        discovered_on=incident.discovered_on,
        personal_information=any(t.is_ssn or t.is_government_id or t.is_financial or t.is_medical for t in types),
        education_records=any(t.is_education_record for t in types),
        medical=any(t.is_medical for t in types),
        residents=people.residents(),
        total=people.individuals,
    )


@dataclass(frozen=True)
class Entry:
    """One line of the obligations screen: a rule's obligation (with its record once marked done), a
    manual one, or a rule's obligation marked done that the facts no longer call for."""

    key: str  # the rule's key, or "m<id>" for a manual obligation
    party: str
    notice: str
    citation: str
    due_on: date | None
    due_rule: str
    record: "Obligation | None"
    derived: bool

    @property
    def done(self) -> bool:
        return self.record is not None and self.record.done_on is not None

    @property
    def not_notifying(self) -> bool:
        return self.record is not None and self.record.not_notifying_on is not None

    def state(self, today: date) -> str:
        if self.done:
            return "done"
        if self.not_notifying:
            return "not_notifying"
        if self.due_on is None:
            return "open"
        if self.due_on < today:
            return "overdue"
        return "due_soon" if self.due_on <= today + timedelta(days=DUE_SOON_DAYS) else "open"


def entries(incident: "Incident", people: "PeopleFigures | None" = None) -> list[Entry]:
    from regulators.models import Obligation

    records = list(Obligation.objects.filter(incident=incident))
    by_rule = {record.rule: record for record in records if record.rule}
    found = [
        Entry(o.rule, o.party, o.notice, o.citation, o.due_on, o.due_rule, by_rule.get(o.rule), True)
        for o in derive(facts_of(incident, people))
    ]
    derived = {entry.key for entry in found}
    for record in records:
        if record.rule not in derived:
            key = record.rule or f"m{record.pk}"
            found.append(Entry(key, record.party, record.notice, record.citation, record.due_on, record.due_rule,
                               record, False))  # fmt: skip
    return sorted(found, key=lambda e: (e.done or e.not_notifying, e.due_on is None, e.due_on or date.max))


STATES = ("overdue", "due_soon", "open", "done", "not_notifying")


def grouped(incident: "Incident", today: date, people: "PeopleFigures | None" = None) -> dict[str, list[Entry]]:
    """The entries by their state on `today` (every state a key, in the screens' order)."""
    groups: dict[str, list[Entry]] = {state: [] for state in STATES}
    for found in entries(incident, people):
        groups[found.state(today)].append(found)
    return groups


def entry(incident: "Incident", key: str) -> Entry | None:
    return next((e for e in entries(incident) if e.key == key), None)
