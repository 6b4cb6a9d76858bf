"""What the incident's dashboard and timeline show of its obligations (registered in RegulatorsConfig.ready)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from incidents.access import IncidentAccess
from incidents.figures import PeopleFigures
from incidents.models import Incident
from incidents.timeline import Target
from regulators import obligations
from regulators.models import Obligation


def panel(found: IncidentAccess, people: PeopleFigures) -> dict[str, Any] | None:
    """The obligations overdue (or past the target date) and due soon, for the incident's managers."""
    if not found.is_manager:
        return None
    today = timezone.localdate()
    groups = obligations.grouped(found.incident, today, people)
    past_target = {entry.key for entry in groups["overdue"] if entry.past_target_only(today)}
    return {"obligations": groups, "obligations_past_target": past_target}


def _still_open(incident: Incident, people: PeopleFigures | None = None) -> list[obligations.Entry]:
    return [e for e in obligations.entries(incident, people) if not (e.done or e.not_notifying)]


def named(entry: obligations.Entry) -> str:
    """An obligation in a sentence: its party and source (its notice, for one a manager added)."""
    return f"{entry.party} ({entry.citation or entry.notice})"


def open_obligations(incident: Incident) -> list[str]:
    """What keeps the incident from closing (registered with incidents.closing): every obligation neither
    done nor documented as not owed."""
    return [named(e) for e in _still_open(incident)]


def closing_panel(found: IncidentAccess, people: PeopleFigures) -> dict[str, Any] | None:
    """For the managers of an incident being notified: closing offered once nothing is owed, else what is open."""
    if not found.is_manager or found.incident.status != Incident.Status.NOTIFYING:
        return None
    return {"closing_open": _still_open(found.incident, people)}


def _link(incident: Incident, _: str, record: Obligation | None) -> str:
    if record is None:
        return ""
    return reverse("regulators:obligation-detail", args=[incident.slug, record.rule or f"m{record.pk}"])


def _records(incident: Incident, ids: set[str]) -> dict[str, Obligation]:
    return {str(o.pk): o for o in Obligation.objects.filter(incident=incident, pk__in=ids)}


def timeline_target() -> Target:
    return Target(link=_link, records=_records, name=lambda record: record.party, gone="an obligation since removed")
