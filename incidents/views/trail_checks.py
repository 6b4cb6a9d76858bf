"""Auditors check the audit trail's integrity from the browser; a worker does the checking."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit import checks
from audit.models import TrailCheck
from incidents import access


@require_POST
@login_required
def trail_check_start(request: HttpRequest) -> HttpResponse:
    access.audited_incident_ids(request.user)
    checks.request_trail_check(request.user)
    return redirect("incidents:audit-log")


@login_required
def trail_check_detail(request: HttpRequest, check_id: int) -> HttpResponse:
    """The check's progress or result, polled by the audit screen while it runs."""
    access.audited_incident_ids(request.user)
    check = TrailCheck.objects.filter(pk=check_id).first()
    if check is None:
        raise Http404("No such check.")
    return render(request, "audit/_trail_check.html", {"check": check, "polled": True})
