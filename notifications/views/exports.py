"""Single letters taken out as files: one list for the incident's managers (the supervisors) and auditors."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.access import IncidentAccess
from incidents.models import Export
from notifications.models import LetterBatch

PAGE = 100


def _before(request: HttpRequest) -> int | None:
    value = request.GET.get("before", "")
    return int(value) if value.isdecimal() else None


def letter_exports(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    """Every single-letter export of the incident, newest first, a page at a time (by id, never counted)."""
    exports = Export.objects.filter(incident=found.incident, kind="letter").select_related("requested_by", "decided_by")
    if (before := _before(request)) is not None:
        exports = exports.filter(pk__lt=before)
    page = list(exports.order_by("-pk")[: PAGE + 1])
    batch_ids = {export.subject.get("batch") for export in page[:PAGE]}
    batches = dict(LetterBatch.objects.filter(incident=found.incident, pk__in=batch_ids).values_list("pk", "name"))
    rows = [
        (export, batches.get(export.subject.get("batch"), ""), export.subject.get("sequence")) for export in page[:PAGE]
    ]
    context = {
        "incident": found.incident,
        "rows": rows,
        "earlier": page[PAGE - 1].pk if len(page) > PAGE else None,
        "letters_per_day": settings.EXPORT_SINGLE_LETTERS_PER_DAY,
    }
    return render(request, "notifications/letter_exports.html", context)
