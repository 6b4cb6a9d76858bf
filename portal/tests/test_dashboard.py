"""The incident dashboard: people, letters, calls, obligations and the timeline on one page, read from
counters the actions keep, so the page costs the same queries whatever the incident's size."""

import random
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from callcenter import actions as calls
from callcenter.models import Disposition
from demo import seed as demo
from incidents import actions
from incidents.models import Incident, Role
from notifications.models import BatchStatus, LetterBatch
from people.models import Recipient
from portal.testing import IncidentFactory, member
from regulators import actions as regulator_actions


def _fill(incident: Incident, size: int, manager, agent) -> None:
    """`size` people, two mailed batches, three calls (one escalated, one still open), an overdue
    obligation and a status change: every part of the dashboard has something to show."""
    demo.store(incident, demo.people(incident, random.Random(size), size))
    today = timezone.localdate()
    for days_ago, letters in ((9, size // 2), (2, size - size // 2)):
        LetterBatch.objects.create(
            incident=incident, name=f"Mailing {days_ago}", status=BatchStatus.MAILED, letters_total=letters,
            letters_rendered=letters, mailed_on=today - timedelta(days=days_ago),
        )  # fmt: skip
    someone = Recipient.objects.filter(incident=incident).first()
    for n in range(3):
        call = calls.start_call(agent, incident, someone, timezone.now() - timedelta(days=n))
        if n == 0:
            calls.escalate(agent, call, manager, "Asks for a supervisor.")
        if n < 2:
            disposition = Disposition.objects.filter(incident=incident).order_by("sort_order").first()
            calls.close_call(agent, call, disposition=disposition, caller_name="", relationship="", notes="")
    regulator_actions.add_obligation(
        manager, incident, "Cyber insurer", "Notice of claim", today - timedelta(days=1), "", ""
    )
    actions.change_status(manager, incident, Incident.Status.INVESTIGATING)


def _queries(client, incident) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("incidents:incident-detail", args=[incident.slug]))
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_dashboard_issues_the_same_queries_at_two_sizes(client, manager, agent, incident):
    large = IncidentFactory.create(slug="statewide", title="Statewide incident")
    member(manager, large, Role.MANAGER)
    member(agent, large, Role.AGENT)
    _fill(incident, 20, manager, agent)
    _fill(large, 2000, manager, agent)
    client.force_login(manager)
    small_queries, small_page = _queries(client, incident)
    large_queries, large_page = _queries(client, large)
    assert small_queries == large_queries
    assert large_queries <= 30
    assert ">2,000</span>" in large_page
    assert ">20</span>" in small_page


def test_the_dashboard_shows_every_part(client, manager, agent, incident):
    _fill(incident, 40, manager, agent)
    client.force_login(manager)
    _, page = _queries(client, incident)
    for heading in ("Obligations", "People", "Letters", "Calls", "Timeline"):
        assert f">{heading}</h2>" in page
    assert "Cyber insurer" in page
    assert "Overdue" in page
    assert '<title id="letters-mailed-chart-title">Letters mailed, running total</title>' in page
    assert '<title id="dashboard-calls-chart-title">Calls per day</title>' in page
    assert "3 calls in all" in page  # the calls chart's description
    assert ">40</span>" in page  # letters mailed in all
    assert "Status changed from draft to investigating" in page


def test_agents_see_the_people_but_not_the_managers_parts(client, agent, incident):
    client.force_login(agent)
    _, page = _queries(client, incident)
    assert ">People</h2>" in page
    for heading in ("Obligations", "Letters", "Calls", "Timeline"):
        assert f">{heading}</h2>" not in page


def test_auditors_see_the_timeline(client, auditor, manager, incident):
    actions.change_status(manager, incident, Incident.Status.INVESTIGATING)
    client.force_login(auditor)
    _, page = _queries(client, incident)
    assert ">Timeline</h2>" in page
    assert "Status changed from draft to investigating" in page
    assert ">Calls</h2>" not in page
