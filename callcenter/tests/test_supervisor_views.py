"""The supervisor's figures and chart."""

from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from callcenter.reports import call_figures
from callcenter.tests.screens import _call, _disposition, _url


def test_figures_count_days_in_the_hotline_time_zone(incident, agent):
    confirmed, not_found = _disposition(incident), _disposition(incident, "Not found")
    now = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)  # noon in Chicago
    _call(incident, agent, datetime(2026, 11, 3, 15, 0, tzinfo=UTC), 4, confirmed)
    _call(incident, agent, datetime(2026, 11, 3, 16, 30, tzinfo=UTC), 6, confirmed)
    _call(incident, agent, datetime(2026, 11, 3, 5, 30, tzinfo=UTC), 2, not_found)  # 11:30 p.m. on Nov 2 there
    _call(incident, agent, datetime(2026, 11, 1, 14, 0, tzinfo=UTC))  # still open
    _call(incident, agent, datetime(2026, 10, 1, 14, 0, tzinfo=UTC), 9, confirmed)  # before the window

    figures = call_figures(incident, now)

    per_day = dict(figures.per_day)
    assert (figures.first_day, figures.last_day, len(per_day)) == (date(2026, 10, 21), date(2026, 11, 3), 14)
    assert (per_day[date(2026, 11, 3)], per_day[date(2026, 11, 2)], per_day[date(2026, 11, 1)]) == (2, 1, 1)
    assert sum(per_day.values()) == figures.total == 4
    assert figures.by_disposition == [("Confirmed impacted", 2), ("Call still open", 1), ("Not found", 1)]
    assert figures.average_handle_time == timedelta(minutes=4)
    assert figures.still_open == 1
    per_hour = dict(figures.per_hour)
    assert (per_hour[8], per_hour[9], per_hour[10], per_hour[23], per_hour[12]) == (1, 1, 1, 1, 0)
    assert (min(per_hour), max(per_hour)) == (8, 23)


def test_figures_of_an_incident_without_calls(incident):
    figures = call_figures(incident, timezone.now())
    assert figures.total == 0
    assert figures.average_handle_time is None
    assert figures.per_hour == []
    assert [calls for _, calls in figures.per_day] == [0] * 14


def test_supervisor_shows_the_figures_and_a_chart(client, manager, agent, incident, escalation):
    _call(incident, agent, timezone.now() - timedelta(minutes=30), 3, _disposition(incident))
    client.force_login(manager)
    response = client.get(_url("supervisor", incident))
    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg viewBox="0 0 640 250" role="img"' in page
    assert '<title id="calls-chart-title">Calls per day</title>' in page
    assert "2 calls in all" in page  # the chart's description, for screen readers
    assert "4 min 00 s" in page  # (5 + 3) / 2 minutes
    assert f'href="{_url("escalation-list", incident)}"' in page
    assert response.context["figures"].open_escalations == 1


def _supervisor_queries(client, incident):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("supervisor", incident)).status_code == 200
    return len(queries)


def test_supervisor_queries_do_not_grow_with_calls(client, manager, agent, incident):
    dispositions = [_disposition(incident, f"Outcome {n}") for n in range(3)]
    now = timezone.now()
    _call(incident, agent, now - timedelta(hours=1), 4, dispositions[0])
    client.force_login(manager)
    with_one = _supervisor_queries(client, incident)
    for n in range(29):
        _call(incident, agent, now - timedelta(hours=7 * n + 2), n % 9, dispositions[n % 3])
    assert _supervisor_queries(client, incident) == with_one
