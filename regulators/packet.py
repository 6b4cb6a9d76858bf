"""A regulator packet: what one agency is told about the incident, as CSV and as PDF.

The incident's facts, its people counted by state and by data type, and, for the Missouri State Auditor,
the fields of its school data breach form. Counts only: no person is named."""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import dateformat
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from incidents import figures
from incidents.models import Incident
from incidents.readers import Relationship
from people.models import Recipient
from portal.lib import pdf_lock
from portal.lib import phone as phones
from portal.lib.csvcell import neutralised
from regulators import obligations

STATE_AUDITOR = "mo-162.1475-state-auditor"
_NOT_YET = "Not yet"


@dataclass(frozen=True)
class Mailed:
    """The incident's letters marked mailed, as the letters' room counts them."""

    letters: int
    recipients: int  # each counted once, however many letters went to them
    first_on: date | None
    last_on: date | None
    returned: int  # letters that came back undeliverable


NONE_MAILED = Mailed(0, 0, None, None, 0)
_mailed_counter: list[Callable[[Incident], Mailed]] = []


def mailed_counted_by(count: Callable[[Incident], Mailed]) -> None:
    """Name the function that counts an incident's mailed letters (the letters' room does, in its ready)."""
    _mailed_counter[:] = [count]


def _mailed(incident: Incident) -> Mailed:
    return _mailed_counter[0](incident) if _mailed_counter else NONE_MAILED


@dataclass(frozen=True)
class Packet:
    title: str
    facts: list[tuple[str, str]]
    by_state: list[tuple[str, int]]
    by_data_type: list[tuple[str, int]]
    form: list[tuple[str, str]]  # the agency's own form, when the portal knows it


def _day(value: date | None) -> str:
    return dateformat.format(value, "F j, Y") if value else ""


def _yes_on(day: date | None) -> str:
    return f"Yes, on {_day(day)}" if day else _NOT_YET


def _done_on(entries: dict[str, obligations.Entry], key: str) -> str:
    found = entries.get(key)
    if found is None:
        return "Not owed under the jurisdictions table"
    return _yes_on(found.record.done_on if found.record is not None else None)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _letters_mailed(mailed: Mailed) -> str:
    if not mailed.letters:
        return _NOT_YET
    same_day = mailed.first_on == mailed.last_on
    when = f"on {_day(mailed.first_on)}" if same_day else f"from {_day(mailed.first_on)} to {_day(mailed.last_on)}"
    returned = f"; {_plural(mailed.returned, 'letter')} came back undeliverable" if mailed.returned else ""
    return f"{_plural(mailed.letters, 'letter')} to {_plural(mailed.recipients, 'recipient')}, mailed {when}{returned}"


def _families_notified(mailed: Mailed, entries: dict[str, obligations.Entry]) -> str:
    """From the letters marked mailed; without any, from the parents' notice marked done (given another way)."""
    if mailed.letters:
        return f"Yes: {_letters_mailed(mailed)}"
    found = entries.get("mo-162.1475-parents")
    done_on = found.record.done_on if found is not None and found.record is not None else None
    return f"Yes, on {_day(done_on)} (recorded as done)" if done_on else _NOT_YET


def build(incident: Incident, key: str) -> Packet | None:
    """The packet for obligation `key`; None when the incident owes no such obligation."""
    counted = figures.of(incident)
    entries = {found.key: found for found in obligations.entries(incident, counted)}
    entry = entries.get(key)
    if entry is None:
        return None
    people, by_state, by_type = counted.individuals, sorted(counted.by_state), counted.by_data_type
    mailed = _mailed(incident)
    facts = [
        ("Organisation", incident.organisation_name),
        ("Type of organisation", incident.get_organisation_type_display()),
        ("Organisation's state", incident.get_organisation_state_display() or "Not given"),
        ("Incident", incident.title),
        ("Began", _day(incident.occurred_on) or "Not known"),
        ("Discovered", _day(incident.discovered_on)),
        ("Contained", _day(incident.contained_on) or "Not yet"),
        ("Notice to individuals dated", _day(incident.notice_on) or "Not yet"),
        ("Letters mailed", _letters_mailed(mailed)),
        ("People affected", f"{people:,}"),
        ("What happened", incident.what_happened),
        ("What information was involved", incident.what_information),
        ("What we are doing", incident.what_we_are_doing),
        ("Contact", ", ".join(filter(None, [phones.for_display(incident.hotline_phone), incident.contact_email]))),
        ("Notice owed", f"{entry.notice} ({entry.citation})" if entry.citation else entry.notice),
    ]
    form: list[tuple[str, str]] = []
    if entry.key == STATE_AUDITOR:
        form = _state_auditor_form(incident, people, entries, mailed)
    return Packet(
        f"{entry.party}: {entry.notice}", facts, [(s or "No address on file", n) for s, n in by_state], by_type, form
    )


def _state_auditor_form(
    incident: Incident, people: int, entries: dict[str, obligations.Entry], mailed: Mailed
) -> list[tuple[str, str]]:
    """The Missouri State Auditor's school data breach form, field by field."""
    types = list(incident.data_types.all())
    beyond_directory = any(
        t.is_ssn or t.is_government_id or t.is_financial or t.is_medical or t.is_education_record for t in types
    )
    recipients = Recipient.objects.filter(incident=incident).values_list("relationship").annotate(n=Count("id"))
    by_relationship = dict(recipients)
    parties = (
        f"{people:,} people (students and others in the records); their letters go to "
        f"{by_relationship.get(Relationship.PARENT_GUARDIAN, 0):,} parents or guardians, "
        f"{by_relationship.get(Relationship.SELF, 0):,} adults themselves and "
        f"{by_relationship.get(Relationship.NEXT_OF_KIN, 0):,} next of kin"
    )
    span = " to ".join(filter(None, [_day(incident.records_from), _day(incident.records_to)])) or "Not recorded"
    return [
        ("When the incident began", _day(incident.occurred_on) or "Not known"),
        ("How it was detected", incident.detected_how or "Not recorded"),
        ("When it was detected", _day(incident.discovered_on)),
        ("Cause", incident.cause or "Not recorded"),
        ("Parties affected", parties),
        ("Number of records", f"{people:,}"),
        ("Time span of the records", span),
        (
            "Directory information or personal information",
            "Personal information beyond directory information" if beyond_directory else "Directory information only",
        ),
        ("Data types", ", ".join(t.label for t in types) or "None recorded"),
        ("Remediation", incident.what_we_are_doing or "Not recorded"),
        ("Families notified", _families_notified(mailed, entries)),
        ("Law enforcement notified", _yes_on(incident.law_enforcement_notified_on)),
        ("State education department (DESE) notified", _done_on(entries, "mo-162.1475-dese")),
    ]


def as_csv(packet: Packet) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "field", "value"])
    rows = [("facts", label, value) for label, value in packet.facts]
    rows += [("form", label, value) for label, value in packet.form]
    rows += [("people by state", state, str(n)) for state, n in packet.by_state]
    rows += [("people by data type", label, str(n)) for label, n in packet.by_data_type]
    writer.writerows([[neutralised(cell) for cell in row] for row in rows])
    return out.getvalue()


class _NothingFetched(URLFetcher):
    """The packet is the portal's own markup and the incident's text: it fetches nothing."""

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        raise ValueError("a regulator packet fetches nothing")


def as_pdf(incident: Incident, packet: Packet) -> bytes:
    html = render_to_string("regulators/packet.html", {"incident": incident, "packet": packet})
    with pdf_lock.LAYOUT:
        return HTML(string=html, url_fetcher=_NothingFetched(allowed_protocols=())).write_pdf()
