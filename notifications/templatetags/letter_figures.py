"""The incident page's letter figures, drawn from the batches' own counters (never by counting letters)."""

from typing import Any

from django import template
from django.db.models import Count, Q, Sum

from incidents.models import Incident
from notifications.models import BatchStatus, LetterBatch

register = template.Library()


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
    return {"incident": incident, "roles": roles, "figures": {k: v or 0 for k, v in figures.items()}}
