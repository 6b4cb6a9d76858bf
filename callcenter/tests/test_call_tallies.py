"""What the call center's actions keep for the dashboard: calls tallied by day and disposition, and the
people's figures counted again when an address changes."""

from datetime import UTC, date, datetime, timedelta

import pytest

from callcenter import actions
from callcenter.models import Call, CallTally, Disposition, Verification
from callcenter.reports import call_tallies
from incidents import figures
from people import figures as people_figures
from portal.testing import RecipientFactory

NEW_ADDRESS = {"address_line1": "1 New St", "address_line2": "", "city": "Topeka", "state": "KS",
               "postal_code": "66601"}  # fmt: skip


def _close(agent, call, label):
    disposition = Disposition.objects.get(incident=call.incident, label=label)
    actions.close_call(agent, call, disposition=disposition, caller_name="", relationship="", notes="")


def _tallies(incident):
    return sorted(
        (day, label or "open", calls)
        for day, label, calls in CallTally.objects.filter(incident=incident, calls__gt=0).values_list(
            "day", "disposition__label", "calls"
        )
    )


@pytest.mark.django_db
def test_calls_are_tallied_on_their_day_in_the_hotline_time_zone(incident, agent):
    late = datetime(2026, 11, 3, 4, 30, tzinfo=UTC)  # 10:30 p.m. on November 2 in Chicago
    first = actions.start_call(agent, incident, None, late)
    actions.start_call(agent, incident, None, datetime(2026, 11, 3, 16, 0, tzinfo=UTC))
    label = Disposition.objects.filter(incident=incident).order_by("sort_order")[0].label
    assert _tallies(incident)[0] == (date(2026, 11, 2), "open", 1)
    _close(agent, first, label)
    assert (date(2026, 11, 2), label, 1) in _tallies(incident)
    assert (date(2026, 11, 2), "open", 1) not in _tallies(incident)


@pytest.mark.django_db
def test_a_call_closes_on_the_day_it_was_counted_even_if_the_time_zone_changed(incident, agent):
    call = actions.start_call(agent, incident, None, datetime(2026, 11, 3, 4, 30, tzinfo=UTC))  # Nov 2 in Chicago
    incident.hotline_time_zone = "Europe/Berlin"  # where it started at 5:30 a.m. on November 3
    incident.save()
    call.incident.hotline_time_zone = incident.hotline_time_zone
    label = Disposition.objects.filter(incident=incident).order_by("sort_order")[0].label
    _close(agent, call, label)
    assert _tallies(incident) == [(date(2026, 11, 2), label, 1)]
    assert not CallTally.objects.filter(incident=incident, calls__lt=0).exists()


@pytest.mark.django_db
def test_the_dashboard_figures_read_the_tallies(incident, agent, manager):
    now = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    closed = actions.start_call(agent, incident, None, now)
    label = Disposition.objects.filter(incident=incident).order_by("sort_order")[0].label
    _close(agent, closed, label)
    open_call = actions.start_call(agent, incident, RecipientFactory.create(individual__incident=incident), now)
    actions.escalate(agent, open_call, manager, "Wants a callback.")
    figures_now = call_tallies(incident, now)
    assert (figures_now.total, figures_now.still_open, figures_now.open_escalations) == (2, 1, 1)
    assert figures_now.by_disposition == [(label, 1)]
    assert figures_now.per_day[-1] == (date(2026, 11, 20), 2)
    assert len(figures_now.per_day) == 30
    assert sum(n for _, n in figures_now.per_day) == 2


def test_an_approved_address_is_counted_again_by_a_worker(transactional_db, celery_worker_process, incident, people):
    manager, agent = people["manager"], people["agent"]
    recipient = RecipientFactory.create(individual__incident=incident, state="MO")
    people_figures.count_now(incident)
    call = actions.start_call(agent, incident, recipient, datetime.now(UTC))
    Call.objects.filter(pk=call.pk).update(verification=Verification.VERIFIED)
    change = actions.request_address_change(agent, call, NEW_ADDRESS)
    actions.review_address_change(manager, change, approve=True)
    celery_worker_process.wait_until(lambda: not figures.of(incident).behind)
    assert figures.of(incident).by_state == [("KS", 1)]


@pytest.mark.django_db
def test_the_demo_gets_two_weeks_of_calls_once(capsys):
    from django.core.management import call_command
    from django.utils import timezone

    from incidents.models import Incident

    call_command("seed_demo", "--force", "--size", "40")
    call_command("seed_demo_calls")
    incident = Incident.objects.get(slug="riverbend-student-records")
    calls = Call.objects.filter(incident=incident)
    made = calls.count()
    assert made > 0
    assert all(c.ended_at is not None and c.ended_at - c.started_at < timedelta(minutes=15) for c in calls)
    figures_now = call_tallies(incident, timezone.now())
    assert figures_now.total == made
    assert figures_now.still_open == 0
    call_command("seed_demo_calls")
    assert calls.count() == made
    assert "already there" in capsys.readouterr().out
