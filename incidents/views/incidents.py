from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import signed_in_user
from incidents import access, actions, figures, panels, timeline
from incidents.access import IncidentAccess
from incidents.forms import IncidentForm, StatusForm
from incidents.models import Role
from portal.lib.refusals import Refused, attempt_on_form, attempt_then_redirect

TIMELINE_ON_DASHBOARD = 8


def incident_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    incidents = access.incidents_visible_to(user).order_by("-discovered_on", "title")
    roles: dict[int, list[str]] = {}
    for m in user.memberships.all():
        roles.setdefault(m.incident_id, []).append(m.get_role_display())
    rows = [(incident, sorted(roles.get(incident.pk, []))) for incident in incidents]
    return render(
        request, "incidents/incident_list.html", {"rows": rows, "can_create": access.can_create_incident(user)}
    )


def incident_create(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, fields, data_types = signed_in_user(request), form.incident_fields(), form.cleaned_data["data_types"]
        incident = attempt_on_form(form, lambda: actions.create_incident(user, fields, data_types), "slug")
        if not isinstance(incident, Refused):
            messages.success(request, f"Incident “{incident.title}” created. You are its incident manager.")
            return redirect("incidents:incident-detail", slug=incident.slug)
    return render(request, "incidents/incident_form.html", {"form": form, "creating": True})


def incident_detail(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    """The incident's dashboard. Every figure on it is read from counters the actions keep, so it
    issues the same queries for a thousand people as for ten million."""
    incident, sees_course = found.incident, found.is_manager or Role.AUDITOR in found.roles
    prefetch_related_objects([incident], "data_types")  # the facts and the obligations' rules both read them
    people = figures.of(incident)
    shown, panel_context = panels.shown(found, people)
    context = {
        "incident": incident,
        "access": found,
        "people": people,
        "data_types": incident.data_types.all(),
        "status_form": StatusForm(incident=incident) if found.is_manager else None,
        "panels": shown,
        **panel_context,
        "timeline": timeline.lines(incident, limit=TIMELINE_ON_DASHBOARD) if sees_course else None,
    }
    return render(request, "incidents/incident_detail.html", context)


def incident_timeline(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    before = request.GET.get("before", "")
    lines = timeline.lines(found.incident, before=int(before) if before.isdecimal() else None)
    older = lines[-1].event_id if len(lines) == timeline.PAGE else None
    context = {"incident": found.incident, "access": found, "lines": lines, "older": older, "paged": before.isdecimal()}
    return render(request, "incidents/timeline.html", context)


def incident_edit(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = IncidentForm(request.POST or None, instance=found.incident)
    if request.method == "POST" and form.is_valid():
        changed = actions.update_incident(
            signed_in_user(request), found.incident, form.incident_fields(), form.cleaned_data["data_types"]
        )
        messages.success(request, "Incident saved." if changed else "Nothing changed.")
        return redirect("incidents:incident-detail", slug=slug)
    return render(request, "incidents/incident_form.html", {"form": form, "incident": found.incident})


def incident_status(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = StatusForm(request.POST, incident=found.incident)
    if not form.is_valid():
        messages.error(request, "Choose one of the statuses offered.")
        return redirect("incidents:incident-detail", slug=slug)
    user, status = signed_in_user(request), form.cleaned_data["status"]
    # The message is written after the move: it names the status the incident now has.
    return attempt_then_redirect(
        request, lambda: actions.change_status(user, found.incident, status), "incidents:incident-detail", slug=slug,
        done=lambda _: f"Status is now {found.incident.get_status_display()}.",
    )  # fmt: skip
