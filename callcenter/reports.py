"""Figures for the supervisor's screen, computed by the database (aggregates, never call rows).

Days and hours are those of the hotline's time zone, which is what the people answering the
phone mean by "Tuesday" or "10 a.m.", whatever the server's zone.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Avg, Count, DurationField, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractHour, TruncDate

from callcenter.models import AddressChange, Call, CallTally, Escalation
from incidents.models import Incident

WINDOW_DAYS = 14
NO_DISPOSITION = "Call still open"


@dataclass(frozen=True)
class CallFigures:
    first_day: date
    last_day: date
    per_day: list[tuple[date, int]]  # every day of the window, oldest first, zero days included
    per_hour: list[tuple[int, int]]  # hours of the day from the first to the last with calls
    by_disposition: list[tuple[str, int]]  # most frequent first
    total: int
    still_open: int
    average_handle_time: timedelta | None  # of closed calls; None when none closed
    open_escalations: int
    pending_address_changes: int


def _window_start(zone: ZoneInfo, now: datetime, days: int = WINDOW_DAYS) -> tuple[date, date, datetime]:
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    return first, today, datetime.combine(first, time.min, tzinfo=zone)


def _every_day(counted: dict[date, int], first: date, days: int) -> list[tuple[date, int]]:
    """`days` days from `first`, the days without calls included."""
    return [(day, counted.get(day, 0)) for day in (first + timedelta(days=n) for n in range(days))]


def _most_first(rows: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def _per_day(calls: QuerySet[Call], zone: ZoneInfo, first: date) -> list[tuple[date, int]]:
    counted = dict(
        calls.annotate(day=TruncDate("started_at", tzinfo=zone))
        .order_by("day")  # replaces the model's ordering, which would otherwise join the GROUP BY
        .values_list("day")
        .annotate(n=Count("id"))
    )
    return _every_day(counted, first, WINDOW_DAYS)


def _per_hour(calls: QuerySet[Call], zone: ZoneInfo) -> list[tuple[int, int]]:
    counted = dict(
        calls.annotate(hour=ExtractHour("started_at", tzinfo=zone))
        .order_by("hour")
        .values_list("hour")
        .annotate(n=Count("id"))
    )
    if not counted:
        return []
    return [(hour, counted.get(hour, 0)) for hour in range(min(counted), max(counted) + 1)]


def _by_disposition(calls: QuerySet[Call]) -> list[tuple[str, int]]:
    rows = calls.values_list("disposition__label").annotate(n=Count("id")).order_by()
    return _most_first((label or NO_DISPOSITION, n) for label, n in rows)


def call_figures(incident: Incident, now: datetime) -> CallFigures:
    zone = ZoneInfo(incident.hotline_time_zone)
    first, today, since = _window_start(zone, now)
    calls = Call.objects.filter(incident=incident, started_at__gte=since)
    totals = calls.aggregate(
        total=Count("id"),
        still_open=Count("id", filter=Q(ended_at__isnull=True)),
        handle=Avg(F("ended_at") - F("started_at"), output_field=DurationField()),
    )
    return CallFigures(
        first_day=first,
        last_day=today,
        per_day=_per_day(calls, zone, first),
        per_hour=_per_hour(calls, zone),
        by_disposition=_by_disposition(calls),
        total=totals["total"],
        still_open=totals["still_open"],
        average_handle_time=totals["handle"],
        open_escalations=Escalation.objects.filter(incident=incident, status=Escalation.Status.OPEN).count(),
        pending_address_changes=AddressChange.objects.filter(
            incident=incident, status=AddressChange.Status.PENDING
        ).count(),
    )


DASHBOARD_DAYS = 30


@dataclass(frozen=True)
class CallTallies:
    """The dashboard's call figures, read from the tallies `start_call` and `close_call` keep."""

    per_day: list[tuple[date, int]]  # the last DASHBOARD_DAYS days, oldest first, zero days included
    by_disposition: list[tuple[str, int]]  # all calls, most frequent first
    total: int
    still_open: int
    open_escalations: int


def call_tallies(incident: Incident, now: datetime) -> CallTallies:
    first, _, _ = _window_start(ZoneInfo(incident.hotline_time_zone), now, DASHBOARD_DAYS)
    tallies = CallTally.objects.filter(incident=incident)
    counted = dict(tallies.filter(day__gte=first).order_by("day").values_list("day").annotate(n=Sum("calls")))
    by_disposition = dict(tallies.order_by().values_list("disposition__label").annotate(n=Sum("calls")))
    still_open = by_disposition.pop(None, 0)
    return CallTallies(
        per_day=_every_day(counted, first, DASHBOARD_DAYS),
        by_disposition=_most_first((label, n) for label, n in by_disposition.items() if n),
        total=sum(by_disposition.values()) + still_open,
        still_open=still_open,
        # Counted through the partial index of open escalations: it holds only the open ones.
        open_escalations=Escalation.objects.filter(incident=incident, status=Escalation.Status.OPEN).count(),
    )
