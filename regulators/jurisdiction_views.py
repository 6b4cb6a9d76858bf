"""The Jurisdictions page: the jurisdictions table as the `jurisdictions` command prints it, on an
incident's screens so that where its people live comes first."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incidents.access import IncidentAccess
from incidents.models import DataType
from people.models import Recipient
from portal.lib.us_states import STATE_NAMES
from regulators import coverage


def jurisdiction_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    """Every jurisdiction, the incident's own first, searchable by code or name (`q`)."""
    query = request.GET.get("q", "")[:60]
    counted = (
        Recipient.objects.filter(incident=found.incident)
        .exclude(state="")
        .values("state")
        .annotate(people=Count("individual", distinct=True))
    )
    involved = {row["state"].upper(): row["people"] for row in counted}
    labels = dict(DataType.objects.values_list("key", "label"))
    rows = [(row, coverage.shown_laws(row, labels)) for row in coverage.rows(involved, query, names=STATE_NAMES)]
    context = {"incident": found.incident, "rows": rows, "query": query, "total": len(coverage.rows())}
    return render(request, "regulators/jurisdiction_list.html", context)
