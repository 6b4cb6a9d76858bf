"""Escalations: the list, one escalation, callbacks, resolving, who reaches them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from callcenter import actions
from callcenter.models import CallbackAttempt, Escalation
from callcenter.tests.screens import _call, _url
from portal.testing import IncidentFactory, UserFactory, member


def test_escalation_list_shows_open_ones_with_their_callbacks_and_resolved_ones_below(
    client, manager, agent, incident, escalation
):
    actions.log_callback(manager, escalation, "no_answer", "")
    actions.log_callback(manager, escalation, "voicemail", "")
    done = actions.escalate(agent, _call(incident, agent, timezone.now()), manager, "Asked for a supervisor.")
    actions.resolve_escalation(manager, done, "Called back; questions answered.")
    client.force_login(manager)
    response = client.get(_url("escalation-list", incident))
    assert [(e.pk, e.callbacks) for e in response.context["open"]] == [(escalation.pk, 2)]
    assert [e.pk for e in response.context["resolved"]] == [done.pk]
    assert "Called back; questions answered." in response.content.decode()


def test_escalation_list_queries_do_not_grow(client, manager, agent, incident, escalation):
    client.force_login(manager)
    with CaptureQueriesContext(connection) as first:
        client.get(_url("escalation-list", incident))
    for n in range(5):
        more = actions.escalate(agent, _call(incident, agent, timezone.now()), manager, f"Reason {n}")
        actions.log_callback(agent, more, "reached", "")
        if n % 2:
            actions.resolve_escalation(agent, more, "Settled.")
    with CaptureQueriesContext(connection) as second:
        client.get(_url("escalation-list", incident))
    assert len(second) == len(first)


def test_agent_opens_an_escalation_without_the_callers_record(client, agent, incident, escalation, recipient):
    client.force_login(agent)
    response = client.get(_url("escalation-detail", incident, escalation.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Casey Caller" in page
    assert "Wants to know why the nurse" in page
    for value in (recipient.address_line1, recipient.reference_code, recipient.postal_code):
        assert value not in page
    viewed = AuditEvent.objects.get(action="escalation.viewed")
    assert viewed.actor_id == agent.pk
    assert viewed.target_id == str(escalation.pk)


def test_escalation_of_another_incident_is_not_found(client, manager, escalation, db):
    other = IncidentFactory.create()
    member(manager, other, "manager")
    client.force_login(manager)
    assert client.get(_url("escalation-detail", other, escalation.pk)).status_code == 404


def test_logging_a_callback(client, agent, incident, escalation):
    client.force_login(agent)
    response = client.post(
        _url("escalation-callback", incident, escalation.pk), {"outcome": "voicemail", "notes": "Left the number."}
    )
    assert response.status_code == 302
    attempt = CallbackAttempt.objects.get(escalation=escalation)
    assert (attempt.made_by, attempt.outcome, attempt.notes) == (agent, "voicemail", "Left the number.")
    assert AuditEvent.objects.get(action="escalation.callback_logged").details == {"outcome": "voicemail"}


def test_a_callback_without_an_outcome_is_reshown_with_a_message(client, agent, incident, escalation):
    client.force_login(agent)
    response = client.post(_url("escalation-callback", incident, escalation.pk), {"notes": "Rang twice."})
    assert response.status_code == 400
    assert "Choose how the callback went." in response.content.decode()
    assert "Rang twice.</textarea>" in response.content.decode()
    assert not CallbackAttempt.objects.exists()


def test_a_resolved_escalation_takes_no_callbacks(client, manager, incident, escalation):
    actions.resolve_escalation(manager, escalation, "Settled.")
    client.force_login(manager)
    response = client.post(_url("escalation-callback", incident, escalation.pk), {"outcome": "reached"}, follow=True)
    assert "This escalation is resolved." in response.content.decode()
    assert not CallbackAttempt.objects.exists()


def test_resolving_an_escalation(client, manager, incident, escalation):
    client.force_login(manager)
    response = client.post(_url("escalation-resolve", incident, escalation.pk), {"resolution": "Explained; calm."})
    assert response.status_code == 302
    escalation.refresh_from_db()
    assert (escalation.status, escalation.resolution) == (Escalation.Status.RESOLVED, "Explained; calm.")
    assert AuditEvent.objects.filter(action="escalation.resolved", target_id=str(escalation.pk)).exists()
    page = client.get(_url("escalation-detail", incident, escalation.pk)).content.decode()
    assert "Explained; calm." in page
    assert "Log the attempt" not in page


def test_a_resolution_must_be_written(client, manager, incident, escalation):
    client.force_login(manager)
    response = client.post(_url("escalation-resolve", incident, escalation.pk), {"resolution": "   "})
    assert response.status_code == 400
    assert "Write how the escalation was resolved." in response.content.decode()
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.OPEN


@pytest.mark.parametrize("name", ["escalation-callback", "escalation-resolve"])
def test_escalation_changes_are_post_only(client, agent, incident, escalation, name):
    client.force_login(agent)
    assert client.get(_url(name, incident, escalation.pk)).status_code == 405


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("auditor", 403), ("mail_admin", 403)])
@pytest.mark.parametrize(
    ("name", "data"), [("escalation-callback", {"outcome": "reached"}), ("escalation-resolve", {"resolution": "Done."})]
)
def test_escalation_changes_are_for_managers_and_agents(client, people, escalation, actor, status, name, data):
    client.force_login(people[actor])
    assert client.post(_url(name, escalation.incident, escalation.pk), data).status_code == status
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.OPEN
    assert not CallbackAttempt.objects.exists()


def test_an_agent_reaches_only_escalations_they_own_or_raised(client, incident, escalation, manager):
    colleague = UserFactory.create(username="another-agent")
    member(colleague, incident, "agent")
    client.force_login(colleague)
    assert client.get(_url("escalation-detail", incident, escalation.pk)).status_code == 404
    resolve = client.post(_url("escalation-resolve", incident, escalation.pk), {"resolution": "Done"})
    assert resolve.status_code == 404
    escalation.refresh_from_db()
    assert escalation.status == "open"
    client.force_login(manager)  # the owner, and a manager
    assert client.get(_url("escalation-detail", incident, escalation.pk)).status_code == 200


def test_the_owner_must_work_on_the_incident(incident, agent, outsider, recipient):
    call = actions.start_call(agent, incident, recipient, timezone.now())
    with pytest.raises(actions.ActionRefused, match="is not a manager or agent of this incident"):
        actions.escalate(agent, call, outsider, "Call back")
