"""Auditors check the audit trail's integrity from the browser; a worker does the checking."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from audit import checks
from audit.models import TrailCheck


def trail_check_start(request: HttpRequest, audited: list[int] | None) -> HttpResponse:
    """Any auditor may ask (`audited` goes unused): a check covers the whole chain."""
    checks.request_trail_check(request.user)
    return redirect("audit:audit-log")


def trail_check_detail(request: HttpRequest, audited: list[int] | None, check_id: int) -> HttpResponse:
    """The check's progress or result, polled by the audit screen while it runs."""
    check = get_object_or_404(TrailCheck, pk=check_id)
    return render(request, "audit/_trail_check.html", {"check": check, "polled": True})
