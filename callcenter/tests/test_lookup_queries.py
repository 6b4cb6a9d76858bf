"""The lookup screen reads the user, their second factor and their roles in one query, and the agent's open
calls and escalations in another: its queries do not grow with either list."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from callcenter import actions
from callcenter.models import Call, Escalation
from callcenter.tests.screens import _call
from portal.testing import RecipientFactory

# The session, the user with their device and their roles on the incident, the agent's open work.
EMPTY_SCREEN_QUERIES = 3


def _screen(client, incident):
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("callcenter:lookup", args=[incident.slug]))
    assert page.status_code == 200
    return page.content.decode(), captured.captured_queries


def _open_calls(incident, agent, count, start=0):
    now = timezone.now()
    for n in range(start, start + count):
        recipient = RecipientFactory.create(
            individual__incident=incident, individual__first_name="Caller", individual__last_name=f"Number{n:02}"
        )
        _call(incident, agent, now - timedelta(minutes=60 - n), recipient=recipient)


def _escalations_owned(incident, agent, count):
    for n in range(count):
        call = _call(incident, agent, timezone.now() - timedelta(hours=2, minutes=n), caller_name=f"Escalated {n}")
        actions.escalate(agent, call, agent, f"Needs a call back about letter {n}.")
        Call.objects.filter(pk=call.pk).update(ended_at=timezone.now())


@pytest.fixture
def warm(signed_in, incident):
    """A first request stamps the session; the counts are of the requests after it."""
    _screen(signed_in, incident)
    return signed_in


def test_the_empty_screen_reads_user_device_and_roles_in_one_query(warm, incident, agent):
    _, queries = _screen(warm, incident)
    assert len(queries) == EMPTY_SCREEN_QUERIES, [q["sql"][:120] for q in queries]
    user_query = queries[1]["sql"]
    assert "accounts_user" in user_query
    assert "otp_totp_totpdevice" in user_query
    assert "accounts_membership" in user_query
    assert "incidents_incident" in user_query


def test_queries_do_not_grow_with_open_calls_and_escalations(warm, incident, agent):
    _open_calls(incident, agent, 1)
    _escalations_owned(incident, agent, 1)
    html, few = _screen(warm, incident)
    assert "about Caller Number00" in html
    assert "Escalation #" in html
    _open_calls(incident, agent, 14, start=1)
    _escalations_owned(incident, agent, 12)
    html, many = _screen(warm, incident)
    assert len(many) == len(few) == EMPTY_SCREEN_QUERIES
    assert html.count("about Caller Number") == 10  # the ten oldest open calls
    assert "about Caller Number09" in html
    assert "about Caller Number10" not in html
    assert html.count("Escalation #") == 10


def test_each_list_keeps_its_own_oldest_ten(warm, incident, agent):
    _escalations_owned(incident, agent, 3)  # their calls are the oldest, but closed: not open calls
    _open_calls(incident, agent, 12)
    html, _ = _screen(warm, incident)
    assert html.count("Escalation #") == 3
    assert html.count("about Caller Number") == 10
    assert "about Caller Number00" in html
    assert "about Caller Number11" not in html
    oldest = Escalation.objects.order_by("created_at").first()
    assert oldest is not None
    assert f"Escalation #{oldest.pk}" in html


def test_another_agents_calls_and_escalations_are_not_listed(warm, incident, agent, manager):
    _open_calls(incident, manager, 2)
    call = _call(incident, manager, timezone.now(), caller_name="Someone")
    actions.escalate(manager, call, manager, "For the manager.")
    html, _ = _screen(warm, incident)
    assert "Your open calls" not in html
    assert "Your open escalations" not in html
