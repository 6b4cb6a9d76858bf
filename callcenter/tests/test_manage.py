import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from callcenter import actions
from callcenter.models import AddressChange, Call, CallbackAttempt, Disposition, Escalation, LetterResend, Verification
from callcenter.reports import call_figures
from notifications import actions as letters
from notifications.models import Letter, LetterBatch
from portal.testing import IncidentFactory, RecipientFactory, UserFactory, member
from portal.testing.letters import recipients

NEW_ADDRESS = {
    "address_line1": "42 Imaginary Lane",
    "address_line2": "Unit 7",
    "city": "Faraway",
    "state": "KS",
    "postal_code": "66999",
}


def _url(name, incident, *ids):
    return reverse(f"callcenter:{name}", args=[incident.slug, *ids])


def _disposition(incident, label="Confirmed impacted"):
    return Disposition.objects.create(incident=incident, label=label)


def _call(incident, agent, started_at, minutes=None, disposition=None, **fields):
    ended_at = started_at + timedelta(minutes=minutes) if minutes is not None else None
    return Call.objects.create(
        incident=incident, agent=agent, started_at=started_at, ended_at=ended_at, disposition=disposition, **fields
    )


@pytest.fixture
def recipient(incident):
    return RecipientFactory.create(individual__incident=incident, name="Grace Testparent")


@pytest.fixture
def escalation(incident, agent, manager, recipient):
    started = timezone.now() - timedelta(hours=3)
    call = _call(incident, agent, started, caller_name="Casey Caller", recipient=recipient)
    escalation = actions.escalate(agent, call, manager, "Wants to know why the nurse's records were in the files.")
    Call.objects.filter(pk=call.pk).update(ended_at=started + timedelta(minutes=5))  # escalated during the call
    return escalation


def _verified_call(actor, incident, recipient):
    call = actions.start_call(actor, incident, recipient, timezone.now())
    Call.objects.filter(pk=call.pk).update(verification=Verification.VERIFIED)
    return call


@pytest.fixture
def change(agent, incident, recipient):
    return actions.request_address_change(agent, _verified_call(agent, incident, recipient), NEW_ADDRESS)


# Supervisor


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


# Escalations


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


# Address changes


def test_pending_changes_show_both_addresses(client, manager, incident, change, recipient):
    client.force_login(manager)
    response = client.get(_url("address-change-list", incident))
    page = response.content.decode()
    assert recipient.address_line1 in page
    assert NEW_ADDRESS["address_line1"] in page
    assert "Changes the street, second line, city, state, ZIP code" in page
    assert f'action="{_url("address-change-review", incident, change.pk)}"' in page
    viewed = AuditEvent.objects.get(action="address_change.list_viewed")
    assert viewed.details == {"shown": [change.pk]}


def test_approval_updates_the_recipient_and_audits_no_address(client, manager, incident, change, recipient):
    client.force_login(manager)
    response = client.post(_url("address-change-review", incident, change.pk), {"decision": "approve"}, follow=True)
    assert "letters now go to the new address" in response.content.decode()
    recipient.refresh_from_db()
    assert {name: getattr(recipient, name) for name in NEW_ADDRESS} == NEW_ADDRESS
    change.refresh_from_db()
    assert (change.status, change.reviewed_by) == (AddressChange.Status.APPROVED, manager)
    event = AuditEvent.objects.get(action="address_change.approved")
    assert event.details["fields"] == list(NEW_ADDRESS)
    written = json.dumps(event.details)
    assert not [value for value in NEW_ADDRESS.values() if value in written]
    assert "100 Fictional Way" not in written


def test_rejection_keeps_the_address_on_file(client, manager, incident, change, recipient):
    client.force_login(manager)
    client.post(_url("address-change-review", incident, change.pk), {"decision": "reject"})
    recipient.refresh_from_db()
    assert recipient.address_line1 == "100 Fictional Way"
    change.refresh_from_db()
    assert change.status == AddressChange.Status.REJECTED
    assert AuditEvent.objects.get(action="address_change.rejected").details == {"recipient": recipient.pk, "fields": []}


def test_a_manager_cannot_approve_a_change_they_took(client, manager, incident, recipient):
    own = actions.request_address_change(manager, _verified_call(manager, incident, recipient), NEW_ADDRESS)
    client.force_login(manager)
    page = client.get(_url("address-change-list", incident)).content.decode()
    assert "another manager reviews it" in page
    assert f'action="{_url("address-change-review", incident, own.pk)}"' not in page
    response = client.post(_url("address-change-review", incident, own.pk), {"decision": "approve"}, follow=True)
    assert "Another manager must review a change you asked for." in response.content.decode()
    own.refresh_from_db()
    assert own.status == AddressChange.Status.PENDING
    recipient.refresh_from_db()
    assert recipient.address_line1 == "100 Fictional Way"


def test_a_review_without_a_decision_changes_nothing(client, manager, incident, change):
    client.force_login(manager)
    response = client.post(_url("address-change-review", incident, change.pk), {"decision": "maybe"}, follow=True)
    assert "Choose Approve or Reject." in response.content.decode()
    change.refresh_from_db()
    assert change.status == AddressChange.Status.PENDING


def test_a_change_is_reviewed_once(client, manager, incident, change, db):
    second = UserFactory.create(username="second-manager")
    member(second, incident, "manager")
    actions.review_address_change(second, change, approve=False)
    client.force_login(manager)
    response = client.post(_url("address-change-review", incident, change.pk), {"decision": "approve"}, follow=True)
    assert "This request was already rejected." in response.content.decode()


def test_review_is_post_only(client, manager, incident, change):
    client.force_login(manager)
    assert client.get(_url("address-change-review", incident, change.pk)).status_code == 405


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("auditor", 403)])
def test_review_is_for_managers(client, people, incident, change, actor, status):
    client.force_login(people[actor])
    response = client.post(_url("address-change-review", incident, change.pk), {"decision": "approve"})
    assert response.status_code == status
    change.refresh_from_db()
    assert change.status == AddressChange.Status.PENDING


def test_address_change_list_queries_do_not_grow(client, manager, agent, incident, change):
    client.force_login(manager)
    with CaptureQueriesContext(connection) as first:
        client.get(_url("address-change-list", incident))
    for _ in range(4):
        other = RecipientFactory.create(individual__incident=incident)
        more = actions.request_address_change(agent, _verified_call(agent, incident, other), NEW_ADDRESS)
        actions.review_address_change(manager, more, approve=True)
        actions.request_address_change(agent, _verified_call(agent, incident, other), NEW_ADDRESS)
    with CaptureQueriesContext(connection) as second:
        client.get(_url("address-change-list", incident))
    assert len(second) == len(first)


# Dispositions


def test_the_defaults_show_before_they_are_saved(client, manager, incident):
    client.force_login(manager)
    response = client.get(_url("disposition-list", incident))
    assert [d.label for d in response.context["dispositions"]] == [label for _, label in Disposition.DEFAULTS]
    assert "Save the defaults" in response.content.decode()
    assert not Disposition.objects.filter(incident=incident).exists()


def test_saving_the_defaults(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("disposition-list", incident), {"save_defaults": "1"})
    assert response.status_code == 302
    assert Disposition.objects.filter(incident=incident).count() == len(Disposition.DEFAULTS)
    assert "Save the defaults" not in client.get(_url("disposition-list", incident)).content.decode()


def test_adding_a_disposition(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("disposition-list", incident), {"label": "  Asked for a  Spanish letter "})
    assert response.status_code == 302
    added = Disposition.objects.get(incident=incident, key="")
    assert (added.label, added.is_active) == ("Asked for a Spanish letter", True)
    assert Disposition.objects.filter(incident=incident).count() == len(Disposition.DEFAULTS) + 1
    added_events = list(AuditEvent.objects.filter(action="disposition.added").order_by("id"))
    assert [e.details for e in added_events] == [{"defaults": len(Disposition.DEFAULTS)}, {}]
    assert added_events[-1].target_id == str(added.pk)


@pytest.mark.parametrize(
    ("label", "message"), [("", "Write the name of the disposition."), ("not FOUND", "There is already a disposition")]
)
def test_a_bad_disposition_is_reshown_with_a_message(client, manager, incident, label, message):
    actions.ensure_dispositions(incident)
    client.force_login(manager)
    response = client.post(_url("disposition-list", incident), {"label": label})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Disposition.objects.filter(incident=incident).count() == len(Disposition.DEFAULTS)


def test_hiding_and_showing_a_disposition(client, manager, incident):
    hung_up = _disposition(incident, "Caller hung up")
    _disposition(incident, "General question")
    client.force_login(manager)
    client.post(_url("disposition-toggle", incident, hung_up.pk), {"active": "no"})
    hung_up.refresh_from_db()
    assert not hung_up.is_active
    client.post(_url("disposition-toggle", incident, hung_up.pk), {"active": "yes"})
    hung_up.refresh_from_db()
    assert hung_up.is_active
    events = AuditEvent.objects.filter(action="disposition.changed").order_by("id")
    assert [e.details for e in events] == [{"active": False}, {"active": True}]


def test_the_last_shown_disposition_stays(client, manager, incident):
    only = _disposition(incident)
    client.force_login(manager)
    response = client.post(_url("disposition-toggle", incident, only.pk), {"active": "no"}, follow=True)
    assert "Keep at least one disposition shown" in response.content.decode()
    only.refresh_from_db()
    assert only.is_active


def test_a_toggle_without_a_choice_changes_nothing(client, manager, incident):
    shown = _disposition(incident)
    client.force_login(manager)
    response = client.post(_url("disposition-toggle", incident, shown.pk), {}, follow=True)
    assert "Choose Show or Hide." in response.content.decode()
    shown.refresh_from_db()
    assert shown.is_active


def test_toggle_is_post_only(client, manager, incident):
    client.force_login(manager)
    assert client.get(_url("disposition-toggle", incident, _disposition(incident).pk)).status_code == 405


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("auditor", 403)])
def test_dispositions_are_for_managers(client, people, incident, actor, status):
    target = _disposition(incident)
    _disposition(incident, "Another")
    client.force_login(people[actor])
    assert client.post(_url("disposition-toggle", incident, target.pk), {"active": "no"}).status_code == status
    assert client.post(_url("disposition-list", incident), {"label": "Sneaky"}).status_code == status
    target.refresh_from_db()
    assert target.is_active
    assert not Disposition.objects.filter(label="Sneaky").exists()


def test_a_disposition_of_another_incident_is_not_found(client, manager, incident, db):
    foreign = _disposition(IncidentFactory.create())
    client.force_login(manager)
    assert client.post(_url("disposition-toggle", incident, foreign.pk), {"active": "no"}).status_code == 404


# Caching


@pytest.mark.parametrize(
    "name", ["supervisor", "escalation-list", "escalation-detail", "address-change-list", "disposition-list"]
)
def test_manager_screens_are_not_cached(client, manager, incident, escalation, name):
    client.force_login(manager)
    ids = [escalation.pk] if name == "escalation-detail" else []
    response = client.get(_url(name, incident, *ids))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


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


def test_letters_asked_for_on_calls_go_into_a_resend_batch(client, incident, manager, agent):
    asked, other = recipients(incident, 2)
    letters.install_default_templates(manager, incident)
    call = Call.objects.create(incident=incident, agent=agent, started_at=timezone.now(), recipient=asked)
    LetterResend.objects.create(incident=incident, recipient=asked, call=call, requested_by=agent)
    client.force_login(manager)
    page = client.get(reverse("callcenter:address-change-list", args=[incident.slug])).content.decode()
    assert "1 caller asked for the letter to be sent again" in page

    response = client.post(reverse("callcenter:resend-batch", args=[incident.slug]))
    batch = LetterBatch.objects.get()
    assert response.url == reverse("notifications:batch-detail", args=[incident.slug, batch.pk])
    assert list(Letter.objects.values_list("recipient", flat=True)) == [asked.pk]  # not the one who did not ask
    assert LetterResend.objects.get().batched_at is not None
    assert other.pk not in batch.letters.values_list("recipient", flat=True)

    response = client.post(reverse("callcenter:resend-batch", args=[incident.slug]), follow=True)
    assert "No letter is waiting to be sent again." in response.content.decode()
