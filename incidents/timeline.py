"""An incident's timeline: the milestones of its audit trail, newest first, in words.

The trail already holds every status change, import, batch, mailing, obligation and notice change with
its time and actor, so the timeline reads it rather than keeping a second record that could disagree.
Its details hold counts and dates, never personal data, and so does every line here.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import dateformat

from audit.models import MILESTONES, AuditEvent
from incidents import status_mail
from incidents.models import Incident, IncidentStatus

PAGE = 50


@dataclass(frozen=True)
class Line:
    event_id: int
    at: datetime
    who: str
    text: str
    url: str = ""


def _n(details: dict[str, Any], key: str, one: str, many: str) -> str:
    count = int(details.get(key) or 0)
    return f"{count:,} {one if count == 1 else many}"


def _status(value: str) -> str:
    return IncidentStatus(value).label.lower() if value in IncidentStatus.values else value


def _day(value: str) -> str:
    try:
        return dateformat.format(date.fromisoformat(value), "F j, Y")
    except (TypeError, ValueError):
        return "a day not recorded"


def _status_change(d: dict[str, Any]) -> str:
    moved = f"Status changed from {_status(d.get('from', ''))} to {_status(d.get('to', ''))}"
    because = status_mail.MOVED_BY.get(str(d.get("because", "")))
    return f"{moved}: {because}" if because else moved


def _mailed(d: dict[str, Any]) -> str:
    return f"{_n(d, 'letters', 'letter', 'letters')} mailed on {_day(d.get('mailed_on', ''))}"


def _imported(d: dict[str, Any]) -> str:
    return (
        f"Import of “{d.get('file_name', 'a file')}”: {_n(d, 'individuals_added', 'person', 'people')} added, "
        f"{_n(d, 'individuals_updated', 'person', 'people')} updated"
    )


_TEXT: dict[str, Callable[[dict[str, Any]], str]] = {
    "incident.created": lambda d: "Incident opened",
    "incident.status_changed": _status_change,
    "import.completed": _imported,
    "letter_batch.created": lambda d: f"Letter batch made of {_n(d, 'letters', 'letter', 'letters')}",
    "letter_batch.rendered": lambda d: f"Letter batch rendered: {_n(d, 'pages', 'page', 'pages')}",
    "letter_batch.approved": lambda d: "Letter batch approved for printing",
    "letter_batch.mailed": _mailed,
    "mail.returned": lambda d: f"{_n(d, 'letters', 'returned letter', 'returned letters')} recorded",
    "notice.published": lambda d: "Public notice published",
    "notice.unpublished": lambda d: "Public notice taken down",
    "notice.update_added": lambda d: "Update posted on the public notice",
    "incident.purged": lambda d: f"Personal data purged: {_n(d, 'individuals', 'person', 'people')} deleted",
}
_NAMED_TEXT = {  # events whose line names their target, by the name its room gives it
    "obligation.added": "Obligation added: {}",
    "obligation.done": "Notice given: {}",
    "obligation.not_notifying": "Decided not to notify: {}",
}


@dataclass(frozen=True)
class Target:
    """How the timeline shows one kind of target (the trail's `target_type`): its page, and, for the lines
    that name it, its records and their names. Rooms register theirs in their AppConfig.ready, so this
    module imports none of them."""

    link: Callable[[Incident, str, Any], str]  # (incident, target id, record or None) -> URL, or ""
    records: Callable[[Incident, set[str]], dict[str, Any]] | None = None  # target ids -> records
    name: Callable[[Any], str] = str
    gone: str = "a record since removed"


TARGETS: dict[str, Target] = {}


def register(target_type: str, target: Target) -> None:
    TARGETS[target_type] = target


def _line(incident: Incident, event: AuditEvent, records: dict[tuple[str, str], Any]) -> Line:
    target = TARGETS.get(event.target_type)
    record = records.get((event.target_type, event.target_id))
    if event.action in _NAMED_TEXT:
        named = target.name(record) if target is not None and record is not None else None
        text = _NAMED_TEXT[event.action].format(named or (target.gone if target else "a record since removed"))
    else:
        text = _TEXT[event.action](event.details)
    url = target.link(incident, event.target_id, record) if target is not None and event.target_id else ""
    who = event.actor_label or "the portal"
    return Line(event.pk, event.occurred_at, who, text, url)


def _records(incident: Incident, page: list[AuditEvent]) -> dict[tuple[str, str], Any]:
    """The records the page's lines name, one query per kind of target that has them."""
    found: dict[tuple[str, str], Any] = {}
    for target_type, target in TARGETS.items():
        ids = {e.target_id for e in page if e.target_type == target_type and e.target_id.isdigit()}
        if ids and target.records is not None:
            found |= {(target_type, key): record for key, record in target.records(incident, ids).items()}
    return found


def lines(incident: Incident, before: int | None = None, limit: int | None = None) -> list[Line]:
    """Up to `limit` (a page) milestones, newest first; `before` an event id, for the next page."""
    events = AuditEvent.objects.filter(incident_id=incident.pk, action__in=MILESTONES)
    if before is not None:
        events = events.filter(id__lt=before)
    page = list(events.order_by("-id")[: limit or PAGE])
    records = _records(incident, page)
    return [_line(incident, event, records) for event in page]
