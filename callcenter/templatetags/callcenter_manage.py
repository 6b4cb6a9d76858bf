"""Formatting for the call center's manager screens, and their calls-per-day chart."""

from datetime import date, time, timedelta
from typing import Any

from django import template
from django.utils import timezone
from django.utils.dateformat import time_format

from callcenter.models import AddressChange
from callcenter.reports import call_tallies
from incidents.models import Incident
from portal.lib import charts

register = template.Library()

ADDRESS_PARTS = {
    "address_line1": "street",
    "address_line2": "second line",
    "city": "city",
    "state": "state",
    "postal_code": "ZIP code",
}


@register.inclusion_tag("portal/_day_chart.html")
def calls_chart(
    per_day: list[tuple[date, int]], chart_id: str = "calls-chart", caption: bool = False
) -> dict[str, Any]:
    chart = charts.day_chart(per_day)
    summary = f"{chart.total:,} call{'' if chart.total == 1 else 's'} in all"
    return {"chart": chart, "chart_id": chart_id, "title": "Calls per day", "one": "call", "many": "calls",
            "summary": summary, "caption": caption}  # fmt: skip


@register.inclusion_tag("callcenter/_call_dashboard.html")
def call_dashboard(incident: Incident) -> dict[str, Any]:
    """The dashboard's call figures, from the day-by-disposition tallies (never the calls themselves)."""
    return {"incident": incident, "calls": call_tallies(incident, timezone.now())}


@register.filter
def handle_time(value: timedelta | None) -> str:
    """A call's length as a supervisor reads it: '4 min 05 s', '1 h 02 min'."""
    if value is None:
        return "—"
    minutes, seconds = divmod(round(value.total_seconds()), 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {seconds:02d} s"


@register.filter
def hour_of_day(hour: int) -> str:
    """13 -> '1 p.m.', 0 -> 'midnight', 12 -> 'noon'."""
    return time_format(time(hour), "P")


@register.filter
def changed_parts(change: AddressChange) -> str:
    """Which parts of the address on file a requested change replaces, in words."""
    parts = [label for name, label in ADDRESS_PARTS.items() if getattr(change.recipient, name) != getattr(change, name)]
    return ", ".join(parts) if parts else "nothing: it is the address on file"
