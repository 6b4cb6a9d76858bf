"""Exports of personal data: asked for with a reason, approved by a second person when large, fetched
once through a link that expires."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.access import signed_in_user
from accounts.views import fresh_code_needed, safe_referer
from incidents import access, actions, exports
from incidents.access import IncidentAccess
from incidents.models import Export
from portal.lib import errors
from portal.lib.refusals import attempt_then_redirect


def _export(found: access.IncidentAccess, public_id: str) -> Export:
    return get_object_or_404(Export.objects.select_related("requested_by", "decided_by"),
                             incident=found.incident, public_id=public_id)  # fmt: skip


def _may_decide(found: access.IncidentAccess, export: Export, user_id: int) -> bool:
    kind = exports.KINDS.get(export.kind)
    return bool(kind and found.roles & kind.approvers and export.requested_by_id != user_id)


def export_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponseBase:
    """GET: the exports waiting for approval and the user's own; POST: ask for a new one."""
    user = signed_in_user(request)
    if request.method == "POST":
        return _request(request, found)
    recent = Export.objects.filter(incident=found.incident).select_related("requested_by")
    awaiting = [e for e in recent.filter(status=Export.Status.AWAITING) if _may_decide(found, e, user.pk)]
    mine = recent.filter(requested_by=user)[:20]
    context = {
        "incident": found.incident,
        "access": found,
        "awaiting": awaiting,
        "mine": mine,
        "approval_rows": settings.EXPORT_APPROVAL_ROWS,
        "link_minutes": settings.EXPORT_LINK_SECONDS // 60,
    }
    return render(request, "incidents/export_list.html", context)


def _request(request: HttpRequest, found: access.IncidentAccess) -> HttpResponseBase:
    kind = exports.kind_of(request.POST.get("kind", ""))
    if not found.roles & kind.requesters:
        access.refuse()
    try:
        subject = kind.subject(request)
        title, rows = kind.describe(found.incident, subject)
        free_per_day = kind.free_per_day() if kind.free_per_day is not None else None
        export = actions.request_export(signed_in_user(request), found.incident, kind.key, subject, title, rows,
                                        request.POST.get("reason", ""), free_per_day)  # fmt: skip
    except (exports.SubjectRefused, errors.ActionRefused) as refusal:
        messages.error(request, str(refusal))
        return redirect(safe_referer(request) or reverse("incidents:export-list", args=[found.incident.slug]))
    return redirect("incidents:export-detail", slug=found.incident.slug, public_id=export.public_id)


def export_detail(request: HttpRequest, found: IncidentAccess, slug: str, public_id: str) -> HttpResponse:
    export = _export(found, public_id)
    user = signed_in_user(request)
    if export.requested_by_id != user.pk and not _may_decide(found, export, user.pk):
        access.refuse()
    context = {
        "incident": found.incident,
        "access": found,
        "export": export,
        "mine": export.requested_by_id == user.pk,
        "may_decide": _may_decide(found, export, user.pk),
        "approval_rows": settings.EXPORT_APPROVAL_ROWS,
        "letters_per_day": settings.EXPORT_SINGLE_LETTERS_PER_DAY,
    }
    return render(request, "incidents/export_detail.html", context)


def export_decide(request: HttpRequest, found: IncidentAccess, slug: str, public_id: str) -> HttpResponse:
    export = _export(found, public_id)
    user = signed_in_user(request)
    if not _may_decide(found, export, user.pk):
        access.refuse()
    if refused := fresh_code_needed(request):
        return refused
    approve = request.POST.get("decision") == "approve"
    verdict = "approved: its link now works for them" if approve else "refused"
    return attempt_then_redirect(
        request, lambda: actions.decide_export(user, export, approve), "incidents:export-list", slug=slug,
        done=f"{export.public_id} for {export.requested_by.get_username()} {verdict}.",
    )  # fmt: skip


def export_download(request: HttpRequest, found: IncidentAccess, slug: str, public_id: str) -> HttpResponseBase:
    """The file itself, made now with the export's ID inside; the link works once."""
    export = _export(found, public_id)
    user = signed_in_user(request)
    if export.requested_by_id != user.pk:
        access.refuse()
    if refused := fresh_code_needed(request):
        return refused
    kind = exports.kind_of(export.kind)
    try:
        _, rows = kind.describe(found.incident, export.subject)
    except exports.SubjectRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("incidents:export-detail", slug=slug, public_id=public_id)
    if rows > export.rows:  # the file grew since it was asked for (and perhaps approved)
        messages.error(request, f"The file now holds {rows:,} rows, not the {export.rows:,} asked for: ask again.")
        return redirect("incidents:export-detail", slug=slug, public_id=public_id)
    if not actions.claim_export(user, export):
        export.refresh_from_db()
        context = {"incident": found.incident, "access": found, "export": export}
        return render(request, "incidents/export_gone.html", context, status=410)
    try:
        return kind.respond(export, export.label(user.get_username()))
    except Exception:
        actions.release_export(export)  # nothing was handed over: the link works again
        raise
