"""The auditors' screen over the audit trail.

It lives with incidents because which rows a user may read depends on
their incident roles; the audit app itself knows nothing of incidents.
"""

from datetime import datetime, time
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from audit.api import ACTIONS
from audit.models import AuditEvent
from incidents import access
from incidents.models import Incident
from portal.forms import StyledForm

PAGE_SIZE = 50


class AuditFilterForm(StyledForm):
    incident = forms.ChoiceField(label="Incident", required=False)
    actor = forms.CharField(label="User", required=False, max_length=150, help_text="Exact username.")
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "Any action"), *sorted(ACTIONS.items(), key=lambda kv: kv[1])]
    )
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    before = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: Any, incidents: QuerySet[Incident], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["incident"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "All my incidents"), *((str(i.pk), i.title) for i in incidents)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The end date is before the start date.")
        return data


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


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    allowed_ids = access.audited_incident_ids(request.user)
    incidents = Incident.objects.all() if allowed_ids is None else Incident.objects.filter(pk__in=allowed_ids)
    form = AuditFilterForm(request.GET or None, incidents=incidents.order_by("title"))
    events = AuditEvent.objects.order_by("-id")
    if allowed_ids is not None:
        events = events.filter(incident_id__in=allowed_ids)
    page: list[AuditEvent] = []
    if not form.is_bound or form.is_valid():
        # Keyset pagination: one row past the page says whether there is more; nothing is counted.
        page = list(_filtered(events, form.cleaned_data if form.is_bound else {})[: PAGE_SIZE + 1])
    has_more = len(page) > PAGE_SIZE
    page = page[:PAGE_SIZE]
    slugs = dict(incidents.filter(pk__in={e.incident_id for e in page}).values_list("pk", "title"))
    rows = [(event, ACTIONS.get(event.action, event.action), slugs.get(event.incident_id or 0, "")) for event in page]
    next_query = _next_page_query(request, page[-1].pk) if has_more else ""
    return render(request, "audit/event_list.html", {"form": form, "rows": rows, "next_query": next_query})


def _next_page_query(request: HttpRequest, last_id: int) -> str:
    query = request.GET.copy()
    query["before"] = str(last_id)
    return query.urlencode()
