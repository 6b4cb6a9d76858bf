"""The notices an incident owes, derived from its facts by the jurisdictions table (regulators/jurisdictions).

Every notice comes from a law in the table: the law applies when the organisation is of a type it names
(or it names none) and one of its trigger data types was exposed; each of its notices is owed from its
`min_affected` people on, counted as the notice says (the jurisdiction's residents, everyone, or each
state on its own), and falls due `days` (or business days) after discovery, or after the end of the
year of discovery, or after the jurisdiction's residents were first sent their letters. A notice
without a day count ("without unreasonable delay") has no legal date: the manager's target date for
the incident is what the screens work toward. This is a checklist that points at the law, not legal
advice; counsel confirms what applies, and managers add what the table does not know as manual
obligations.

Most laws bind an organisation for the residents it holds data about; a school's or a public body's law
(`applies = "organisation"`) binds the organisations located in its jurisdiction, whoever their people are,
and comes in when the incident's organisation is there. While the incident does not say where the
organisation is, such a law comes in as the others do, when some of its residents are in the incident.

Residents are counted by the state of each person's letter recipient. Residents of a place the table
does not cover are named, never dropped (regulators.uncovered): "Guam: check with counsel".
"""

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

from portal.lib.us_states import STATE_NAMES
from regulators.jurisdictions import Jurisdiction, Law, Notice, table
from regulators.jurisdictions.table import CATALOG

if TYPE_CHECKING:
    from incidents.figures import PeopleFigures
    from incidents.models import DataType, Incident
    from regulators.models import Obligation

SCHOOL_DISTRICT, HEALTH_CARE = "school_district", "health_care"
FEDERAL = "US"

# A data type added to the catalog later counts as the catalog key its flags name.
FLAG_KEYS = (("is_ssn", "ssn"), ("is_financial", "financial_account"), ("is_medical", "medical_information"),
             ("is_education_record", "education_records"), ("is_government_id", "drivers_license"))  # fmt: skip


@dataclass(frozen=True)
class Facts:
    organisation_type: str
    discovered_on: date
    data_types: frozenset[str]  # catalog keys of the data exposed
    residents: Mapping[str, int] = field(default_factory=dict)  # state code -> people
    total: int | None = None  # people in all (some have no state); the residents summed when not given
    organisation_state: str = ""  # where the organisation is: a postal code, or "" while not known
    notified_on: Mapping[str, date] = field(default_factory=dict)  # state -> its residents' first letter mailed

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
    jurisdiction: str = FEDERAL  # the table's code: a two-letter postal code, or US
    jurisdiction_name: str = ""
    how: str = ""
    how_url: str = ""
    owed_to: str = ""  # the table's kind of party: residents, individuals, regulator, ...


def catalog_keys(types: Iterable["DataType"]) -> frozenset[str]:
    """The catalog keys of these data types: a type of the catalog by its key, one added later by its flags."""
    keys: set[str] = set()
    for found in types:
        if found.key in CATALOG:
            keys.add(found.key)
        else:
            keys.update(key for flag, key in FLAG_KEYS if getattr(found, flag))
    return frozenset(keys)


def _start(notice: Notice, facts: Facts, where: str) -> date | None:
    if notice.counted_from == "residents_notice":
        return facts.notified_on.get(where)
    discovered_on = facts.discovered_on
    return date(discovered_on.year, 12, 31) if notice.counted_from == "year_end" else discovered_on


def _due(notice: Notice, facts: Facts, where: str) -> date | None:
    start = _start(notice, facts, where)
    if notice.days is None or start is None:
        return None
    if not notice.business_days:
        return start + timedelta(days=notice.days)
    day, left = start, notice.days
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return day


def _due_rule(notice: Notice) -> str:
    """The timing in words; a count from the notice to residents says it is dated once they are notified."""
    if notice.counted_from != "residents_notice" or notice.days is None:
        return notice.due_rule
    days = f"{notice.days} {'business ' if notice.business_days else ''}day{'' if notice.days == 1 else 's'}"
    return (f"{notice.due_rule} ({days} after the notice to residents, dated once their letters are mailed "
            "or their notice is marked done)")  # fmt: skip


def applies(law: Law, facts: Facts, where: str) -> bool:
    if law.applies == "organisation" and facts.organisation_state:
        located = facts.organisation_state == where
    else:  # a residents' law, or the organisation's state not yet known: residents there bring it in
        located = facts.in_state(where) > 0 or where == FEDERAL
    organisation = not law.organisations or facts.organisation_type in law.organisations
    return located and organisation and not facts.data_types.isdisjoint(law.triggers)


def unsettled(facts: Facts, jurisdictions: Mapping[str, Jurisdiction] | None = None) -> bool:
    """Whether the organisation's state, not yet given, could change which laws apply: a law that binds by
    where the organisation is would reach this organisation and these data types."""
    if facts.organisation_state:
        return False
    jurisdictions = table() if jurisdictions is None else jurisdictions
    return any(
        law.applies == "organisation"
        and (not law.organisations or facts.organisation_type in law.organisations)
        and not facts.data_types.isdisjoint(law.triggers)
        for j in jurisdictions.values()
        for law in j.laws
    )


def state_name(code: str, jurisdictions: Mapping[str, Jurisdiction]) -> str:
    known = jurisdictions.get(code)
    return known.name if known else STATE_NAMES.get(code, code or "No state on file")


def _notices(where: Jurisdiction, notice: Notice, facts: Facts, names: Mapping[str, Jurisdiction]) -> Iterator[Owed]:
    federal = where.code == FEDERAL
    owed = Owed(notice.key, notice.party, notice.notice, notice.citation, _due(notice, facts, where.code),
                _due_rule(notice), where.code, where.name, notice.how, notice.how_url, notice.owed_to)  # fmt: skip
    if notice.counted == "each_state":
        for state, count in sorted(facts.residents.items()):
            reached = notice.min_affected <= count <= (notice.max_affected or count)
            if state and reached and (federal or state == where.code):
                yield replace(owed, rule=f"{notice.key}-{state.lower()}",
                              party=f"{notice.party}: {state_name(state, names)}")  # fmt: skip
        return
    counted = facts.people if notice.counted == "all" or federal else facts.in_state(where.code)
    if notice.min_affected <= counted <= (notice.max_affected or counted):
        yield owed


def derive(facts: Facts, jurisdictions: Mapping[str, Jurisdiction] | None = None) -> list[Owed]:
    """Every notice the table says these facts owe: federal law first, then each jurisdiction with residents
    in the incident (or the organisation in it), by name; within one, in the table's order."""
    jurisdictions = table() if jurisdictions is None else jurisdictions
    found: list[Owed] = []
    for where in sorted(jurisdictions.values(), key=lambda j: (j.code != FEDERAL, j.name)):
        for law in where.laws:
            if applies(law, facts, where.code):
                for notice in law.notices:
                    found += _notices(where, notice, facts, jurisdictions)
    return found


_notified_on: list[Callable[["Incident"], Mapping[str, date]]] = []


def notified_dated_by(first_mailed: Callable[["Incident"], Mapping[str, date]]) -> None:
    """Name the function that gives, by recipients' state, the day an incident's letters there were first
    marked mailed (the letters' room does, in its ready)."""
    _notified_on[:] = [first_mailed]


RESIDENTS_NOTICES = ("residents", "individuals")


def _residents_done_on(incident: "Incident", jurisdictions: Mapping[str, Jurisdiction]) -> dict[str, date]:
    """By jurisdiction, the earliest day one of its notices to residents or individuals was marked done."""
    from regulators.models import Obligation

    done = dict(
        Obligation.objects.filter(incident=incident, done_on__isnull=False)
        .exclude(rule="")
        .values_list("rule", "done_on")
    )
    found: dict[str, date] = {}
    for where in jurisdictions.values():
        for law in where.laws:
            for notice in law.notices:
                day = done.get(notice.key) if notice.owed_to in RESIDENTS_NOTICES else None
                if day is not None and day < found.get(where.code, date.max):
                    found[where.code] = day
    return found


def notified_on_of(incident: "Incident") -> dict[str, date]:
    """By state, the day its residents were first notified: their first letter marked mailed, else (notified
    another way) the earliest done mark of the state's notices to residents or individuals."""
    mailed = dict(_notified_on[0](incident)) if _notified_on else {}
    return _residents_done_on(incident, table()) | mailed


def facts_of(incident: "Incident", people: "PeopleFigures | None" = None) -> Facts:
    """The facts the table reads: the incident's counted figures (read here unless the caller has them),
    its data types in scope, where the organisation is and when each state's residents were first notified."""
    from incidents import figures

    people = people or figures.of(incident)
    return Facts(
        organisation_type=incident.organisation_type,
        discovered_on=incident.discovered_on,
        data_types=catalog_keys(incident.data_types.all()),
        residents=people.residents(),
        total=people.individuals,
        organisation_state=incident.organisation_state,
        notified_on=notified_on_of(incident),
    )


# What the screens show: the table's obligations with their done marks, and the manual ones ------------------

DUE_SOON_DAYS = 14


@dataclass(frozen=True)
class Entry:
    """One line of the obligations screen: a table's obligation (with its record once marked done), a
    manual one, or a table's obligation marked done that the facts no longer call for."""

    key: str  # the notice's key, or "m<id>" for a manual obligation
    party: str
    notice: str
    citation: str
    due_on: date | None  # the legal due date
    due_rule: str
    record: "Obligation | None"
    derived: bool
    jurisdiction: str = ""  # the table's code ("" for a manual obligation)
    jurisdiction_name: str = ""
    how: str = ""
    how_url: str = ""
    target_on: date | None = None  # the incident's target date, while the notice is open and it comes first
    owed_to: str = ""

    @property
    def done(self) -> bool:
        return self.record is not None and self.record.done_on is not None

    @property
    def not_notifying(self) -> bool:
        return self.record is not None and self.record.not_notifying_on is not None

    @property
    def work_by(self) -> date | None:
        """The nearer of the legal due date and the target date."""
        dates = [d for d in (self.due_on, self.target_on) if d is not None]
        return min(dates) if dates else None

    def past_target_only(self, today: date) -> bool:
        """Overdue by the target date alone: the legal date, if any, is still ahead."""
        return (self.due_on is None or self.due_on >= today) and self.target_on is not None and self.target_on < today

    def state(self, today: date) -> str:
        if self.done:
            return "done"
        if self.not_notifying:
            return "not_notifying"
        when = self.work_by
        if when is None:
            return "open"
        if when < today:
            return "overdue"
        return "due_soon" if when <= today + timedelta(days=DUE_SOON_DAYS) else "open"


def _order(entry: Entry) -> tuple[bool, bool, date]:
    return (entry.done or entry.not_notifying, entry.work_by is None, entry.work_by or date.max)


def _targeted(entry: Entry) -> bool:
    """Whether the target date is what this entry works toward: open, and no earlier legal date."""
    if entry.target_on is None or entry.done or entry.not_notifying:
        return False
    return entry.due_on is None or entry.target_on < entry.due_on


def _entry(owed: Owed, record: "Obligation | None", target: date | None) -> Entry:
    return Entry(owed.rule, owed.party, owed.notice, owed.citation, owed.due_on, owed.due_rule, record, True,
                 owed.jurisdiction, owed.jurisdiction_name, owed.how, owed.how_url, target, owed.owed_to)  # fmt: skip


def entries(incident: "Incident", people: "PeopleFigures | None" = None) -> list[Entry]:
    """The incident's obligations, open ones first, by the nearer of their legal and target dates."""
    from regulators.models import Obligation

    records = list(Obligation.objects.filter(incident=incident))
    by_rule = {record.rule: record for record in records if record.rule}
    target = incident.target_on
    found = [_entry(o, by_rule.get(o.rule), target) for o in derive(facts_of(incident, people))]
    derived = {entry.key for entry in found}
    for record in records:
        if record.rule not in derived:
            key = record.rule or f"m{record.pk}"
            found.append(Entry(key, record.party, record.notice, record.citation, record.due_on, record.due_rule,
                               record, False, target_on=target))  # fmt: skip
    found = [e if _targeted(e) else replace(e, target_on=None) for e in found]
    return sorted(found, key=_order)


STATES = ("overdue", "due_soon", "open", "done", "not_notifying")


def grouped(incident: "Incident", today: date, people: "PeopleFigures | None" = None) -> dict[str, list[Entry]]:
    """The entries by their state on `today` (every state a key, in the screens' order)."""
    groups: dict[str, list[Entry]] = {state: [] for state in STATES}
    for found in entries(incident, people):
        groups[found.state(today)].append(found)
    return groups


def entry(incident: "Incident", key: str) -> Entry | None:
    return next((e for e in entries(incident) if e.key == key), None)


def offered_target(incident: "Incident", people: "PeopleFigures | None" = None) -> date:
    """The target date offered to the manager: the earliest legal due date among the table's notices still
    open (not a manager's own), else 30 days after discovery."""
    found = entries(incident, people)
    dates = [e.due_on for e in found if e.derived and e.due_on and not (e.done or e.not_notifying)]
    return min(dates) if dates else incident.discovered_on + timedelta(days=30)


@dataclass(frozen=True)
class Group:
    """The obligations of one jurisdiction, for the screen grouped by jurisdiction."""

    code: str  # the table's code; "" for the manager's own obligations
    name: str
    entries: list[Entry]


def by_jurisdiction(found: list[Entry]) -> list[Group]:
    """Federal law first, then each jurisdiction by name, then the obligations a manager added (and the
    table's ones marked done that the facts no longer call for); each keeps the entries' order."""
    groups: dict[str, Group] = {}
    for one in found:
        code = one.jurisdiction if one.derived else ""
        name = one.jurisdiction_name if one.derived else "Added by a manager, or no longer called for"
        groups.setdefault(code, Group(code, name, [])).entries.append(one)
    return sorted(groups.values(), key=lambda g: (g.code == "", g.code != FEDERAL, g.name))


def unsettled_of(incident: "Incident") -> bool:
    """Whether the incident's obligations wait on the organisation's state (see `unsettled`)."""
    return not incident.organisation_state and unsettled(
        Facts(incident.organisation_type, incident.discovered_on, catalog_keys(incident.data_types.all()))
    )
