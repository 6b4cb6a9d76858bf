"""The dashboard's letter figures, drawn from the batches' own counters (never by counting letters)."""

from datetime import date, timedelta
from typing import Any

from django import template
from django.db.models import Count, Q, Sum
from django.utils import timezone

from incidents.models import Incident
from notifications.models import BatchStatus, LetterBatch
from portal.lib import charts

register = template.Library()

CHART_DAYS = 60  # at most; the running total still counts letters mailed before


def _mailed_over_time(incident: Incident, today: date) -> charts.DayChart | None:
    """The running total of letters mailed, a bar a day from the first mailing (or CHART_DAYS ago) to today."""
    per_day = dict(
        LetterBatch.objects.filter(incident=incident, status=BatchStatus.MAILED)
        .order_by("mailed_on")
        .values_list("mailed_on")
        .annotate(n=Sum("letters_total"))
    )
    if not per_day:
        return None
    first = max(min(per_day), today - timedelta(days=CHART_DAYS - 1))
    total = sum(n for day, n in per_day.items() if day < first)
    counts = []
    for offset in range((today - first).days + 1):
        day = first + timedelta(days=offset)
        total += per_day.get(day, 0)
        counts.append((day, total))
    return charts.day_chart(counts)


@register.inclusion_tag("notifications/_letter_figures.html")
def letter_figures(incident: Incident, roles: frozenset[str]) -> dict[str, Any]:
    batches = LetterBatch.objects.filter(incident=incident)
    mailed = Q(status=BatchStatus.MAILED)
    figures = batches.aggregate(
        batches=Count("pk"),
        rendered=Sum("letters_rendered"),
        approved=Sum(
            "letters_total", filter=Q(status__in=[BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.MAILED])
        ),
        mailed=Sum("letters_total", filter=mailed),
        returned=Sum("returned_count"),
        remailed=Sum("letters_total", filter=mailed & Q(is_remail=True)),
    )
    figures = {k: v or 0 for k, v in figures.items()}
    chart = _mailed_over_time(incident, timezone.localdate()) if figures["mailed"] else None
    return {"incident": incident, "roles": roles, "figures": figures, "chart": chart}
