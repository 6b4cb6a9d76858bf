"""Formatting for the call center's manager screens, and the calls-per-day chart drawn as inline SVG
(no chart library: the portal works offline and the figures are few)."""

from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from django import template
from django.utils.dateformat import time_format

from callcenter.models import AddressChange

register = template.Library()

# The chart's drawing box, in SVG units; the page scales it to the width available.
WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 24, 44
BAR_SHARE = 0.62  # of each day's slot; the rest is the gap between bars

ADDRESS_PARTS = {
    "address_line1": "street",
    "address_line2": "second line",
    "city": "city",
    "state": "state",
    "postal_code": "ZIP code",
}


@dataclass(frozen=True)
class Bar:
    day: date
    calls: int
    x: float
    y: float
    width: float
    height: float

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


def nice_top(largest: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least `largest`: the scale's top."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if multiple * step >= largest:
                return multiple * step
        step *= 10


def _bars(per_day: list[tuple[date, int]], top: int) -> list[Bar]:
    slot = (WIDTH - LEFT - RIGHT) / max(len(per_day), 1)
    plot_height = HEIGHT - TOP - BOTTOM
    bars = []
    for n, (day, calls) in enumerate(per_day):
        height = round(plot_height * calls / top, 1)
        x = round(LEFT + n * slot + slot * (1 - BAR_SHARE) / 2, 1)
        bars.append(Bar(day, calls, x, TOP + plot_height - height, round(slot * BAR_SHARE, 1), height))
    return bars


def _ticks(top: int) -> list[tuple[int, float]]:
    """Values on the vertical scale with their heights: zero, the top, and the middle when it is whole."""
    plot_height = HEIGHT - TOP - BOTTOM
    values = [0, top // 2, top] if top % 2 == 0 else [0, top]
    return [(value, TOP + plot_height - plot_height * value / top) for value in values]


@register.inclusion_tag("callcenter/_calls_chart.html")
def calls_chart(per_day: list[tuple[date, int]]) -> dict[str, Any]:
    top = nice_top(max((calls for _, calls in per_day), default=0))
    busiest = max(per_day, key=lambda row: row[1], default=None)
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": HEIGHT - BOTTOM,
        "bars": _bars(per_day, top),
        "ticks": _ticks(top),
        "total": sum(calls for _, calls in per_day),
        "busiest": busiest if busiest and busiest[1] else None,
        "per_day": per_day,
        "first_day": per_day[0][0] if per_day else None,
        "last_day": per_day[-1][0] if per_day else None,
    }


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
