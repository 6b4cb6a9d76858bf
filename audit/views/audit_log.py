"""The auditors' screen over the audit trail.

Which rows a user may read depends on their incident roles: the screens ask
incidents' access rules, the one sanctioned import from audit/ to a room above it.
"""

from datetime import datetime, time
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit import checks
from audit.api import ACTIONS
from audit.forms import AuditFilterForm
from audit.models import AuditEvent
from incidents import access

PAGE_SIZE = 50


def _filtered(events: QuerySet[AuditEvent], data: dict[str, Any]) -> QuerySet[AuditEvent]:
    zone = timezone.get_current_timezone()
    if data.get("incident"):
        events = events.filter(incident_id=int(data["incident"]))
    if data.get("actor"):
        events = events.filter(actor_label=data["actor"])
    if data.get("action"):
        events = events.filter(action=data["action"])
    if data.get("start"):
        events = events.filter(occurred_at__gte=datetime.combine(data["start"], time.min, zone))
    if data.get("end"):
        events = events.filter(occurred_at__lte=datetime.combine(data["end"], time.max, zone))
    if data.get("before"):
        events = events.filter(id__lt=data["before"])
    return events


def audit_log(request: HttpRequest, audited: list[int] | None) -> HttpResponse:
    incidents, events = access.audit_trail_visible_to(audited)
    readable = list(incidents.order_by("title"))
    form = AuditFilterForm(request.GET or None, incidents=readable, installation_wide=request.user.is_superuser)
    valid = not form.is_bound or form.is_valid()
    page: list[AuditEvent] = []
    if valid:
        # Keyset pagination: one row past the page says whether there is more; nothing is counted.
        page = list(_filtered(events, form.cleaned_data if form.is_bound else {})[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    titles = {incident.pk: incident.title for incident in readable}
    rows = [(event, ACTIONS.get(event.action, event.action), titles.get(event.incident_id or 0, "")) for event in page]
    next_query = _next_page_query(request, page[-1].pk) if has_more else ""
    context = {
        "form": form,
        "rows": rows,
        "next_query": next_query,
        "filters_invalid": not valid,
        "check": checks.latest_check(),
    }
    return render(request, "audit/event_list.html", context)


def _next_page_query(request: HttpRequest, last_id: int) -> str:
    query = request.GET.copy()
    query["before"] = str(last_id)
    return query.urlencode()
