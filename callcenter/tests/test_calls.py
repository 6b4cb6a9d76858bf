"""One call, from opening a record to its disposition."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from callcenter.actions import ActionRefused, close_call
from callcenter.models import AddressChange, Call, Disposition, Escalation, LetterResend, Verification
from portal.testing import UserFactory, member
from portal.testing.callers import family, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(signed_in, incident, grace):
    search(signed_in, incident, reference_code=grace.reference_code)
    signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": grace.pk})
    return Call.objects.get()


def _url(name, incident, call):
    return reverse(f"callcenter:{name}", args=[incident.slug, call.pk])


def _verify(client, incident, call, **said):
    fields = {"reference_code": "", "date_of_birth": "", "postal_code": "", "street_address": "", "name": ""}
    return client.post(_url("call-verify", incident, call), {**fields, **said})


def test_before_verification_nothing_is_disclosed(signed_in, incident, call):
    html = signed_in.get(_url("call-detail", incident, call)).content.decode()
    assert "Ada Nguyen" in html
    assert "born 2012" in html
    for hidden in ("Medical information", "100 North Fictional Way", "65999", "What to tell the caller"):
        assert hidden not in html, hidden
    assert "no-store" in signed_in.get(_url("call-detail", incident, call))["Cache-Control"]


def test_two_points_leave_the_caller_unverified_with_the_script(signed_in, incident, call):
    response = _verify(signed_in, incident, call, date_of_birth="05/01/2012", postal_code="65999")
    page = response.content.decode()
    assert "Not verified: what the caller said does not verify them. 2 more checks on this call." in page
    assert 'value="65999"' in page  # kept for the next detail
    assert "Points that matched" not in page  # no hint of what matched
    call.refresh_from_db()
    assert call.verification == Verification.UNVERIFIED
    assert call.verified_points == []
    html = signed_in.get(_url("call-detail", incident, call)).content.decode()
    assert "I can only discuss a record once I have verified who you are" in html
    assert "Medical information" not in html


def test_three_points_verify_and_open_the_disclosure_card(signed_in, incident, call):
    response = _verify(
        signed_in, incident, call, date_of_birth="2012-05-01", postal_code="65999", street_address="100 N Fictional Way"
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.is_verified
    html = signed_in.get(_url("call-detail", incident, call)).content.decode()
    assert "What to tell the caller" in html
    assert "Medical information" in html
    assert "Name" in html
    assert "No letter to Grace Okafor has been mailed yet." in html


def test_reference_code_and_one_more_verify(signed_in, incident, call, grace):
    _verify(signed_in, incident, call, reference_code=grace.reference_code.lower(), name="Grace Okafor")
    call.refresh_from_db()
    assert call.is_verified


def test_verification_is_audited_by_point_names_only(signed_in, incident, call, grace):
    _verify(signed_in, incident, call, reference_code=grace.reference_code, postal_code="65998")
    event = AuditEvent.objects.get(action="call.verification_checked")
    assert event.details == {
        "asked": ["reference_code", "postal_code"],
        "matched": ["reference_code"],
        "outcome": "unverified",
        "locked": False,
    }


def test_every_record_view_is_audited(signed_in, incident, call):
    signed_in.get(_url("call-detail", incident, call))
    signed_in.get(_url("call-detail", incident, call))
    events = AuditEvent.objects.filter(action="call.record_viewed")
    assert events.count() == 2
    assert "nguyen" not in json.dumps(events[0].details).lower()


def test_an_empty_verification_is_refused(signed_in, incident, call):
    response = _verify(signed_in, incident, call)
    assert response.status_code == 400
    assert "Type at least one thing the caller told you." in response.content.decode()


def test_a_call_cannot_be_closed_without_a_disposition(signed_in, incident, call):
    response = signed_in.post(_url("call-close", incident, call), {"caller_name": "Grace", "notes": "asked"})
    assert response.status_code == 400
    assert "Choose a disposition before closing the call." in response.content.decode()
    call.refresh_from_db()
    assert call.is_open


def test_closing_logs_the_call(signed_in, incident, call):
    disposition = Disposition.objects.get(incident=incident, key="confirmed_impacted")
    response = signed_in.post(
        _url("call-close", incident, call),
        {"caller_name": " Grace  Okafor ", "caller_relationship": "parent_guardian", "disposition": disposition.pk},
    )
    assert response.url == reverse("callcenter:lookup", args=[incident.slug])
    call.refresh_from_db()
    assert call.ended_at is not None
    assert call.disposition == disposition
    assert call.caller_name == "Grace Okafor"
    assert call.caller_relationship == "parent_guardian"
    closed = AuditEvent.objects.get(action="call.closed")
    assert closed.details["disposition"] == disposition.pk


def test_the_default_dispositions_come_with_the_first_call(call, incident):
    labels = list(Disposition.objects.filter(incident=incident).values_list("label", flat=True))
    assert labels == [label for _, label in Disposition.DEFAULTS]


def test_not_found_call_is_logged_with_the_script(signed_in, incident):
    response = signed_in.post(reverse("callcenter:call-not-found", args=[incident.slug]))
    call = Call.objects.get()
    assert call.recipient is None
    assert call.verification == Verification.NOT_FOUND
    html = signed_in.get(response.url).content.decode()
    assert "I could not find you in the records" in html
    not_found = Disposition.objects.get(incident=incident, key="not_found")
    signed_in.post(_url("call-close", incident, call), {"disposition": not_found.pk})
    call.refresh_from_db()
    assert call.disposition == not_found


def test_actions_need_a_verified_caller(signed_in, incident, call):
    signed_in.post(_url("call-resend", incident, call))
    signed_in.post(
        _url("call-address", incident, call),
        {"address_line1": "1 New St", "city": "X", "state": "MO", "postal_code": "65801"},
    )
    assert not LetterResend.objects.exists()
    assert not AddressChange.objects.exists()


@pytest.fixture
def verified(signed_in, incident, call, grace):
    _verify(signed_in, incident, call, reference_code=grace.reference_code, postal_code="65999")
    call.refresh_from_db()
    assert call.is_verified
    return call


def test_resend_queues_the_recipient_once(signed_in, incident, verified, grace):
    signed_in.post(_url("call-resend", incident, verified))
    second = signed_in.post(_url("call-resend", incident, verified), follow=True)
    assert LetterResend.objects.filter(recipient=grace, batched_at__isnull=True).count() == 1
    assert "already waiting for the next batch" in second.content.decode()


def test_address_change_goes_to_review_without_touching_the_recipient(signed_in, incident, verified, grace):
    response = signed_in.post(
        _url("call-address", incident, verified),
        {"address_line1": "7 Elm Street", "city": "Columbia", "state": "Missouri", "postal_code": "65201"},
    )
    assert response.status_code == 302
    change = AddressChange.objects.get()
    assert (change.address_line1, change.state, change.status) == ("7 Elm Street", "MO", "pending")
    grace.refresh_from_db()
    assert grace.address_line1 == "100 North Fictional Way"
    event = AuditEvent.objects.get(action="call.address_change_requested")
    assert "elm" not in json.dumps(event.details).lower()


def test_bad_address_is_shown_again_with_the_value(signed_in, incident, verified):
    response = signed_in.post(
        _url("call-address", incident, verified),
        {"address_line1": "7 Elm Street", "city": "Columbia", "state": "Narnia", "postal_code": "652"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "“Narnia”" in html
    assert "“652” is not a ZIP code" in html


def test_escalation_with_an_owner(signed_in, incident, call, manager):
    response = signed_in.post(
        _url("call-escalate", incident, call), {"owner": manager.pk, "reason": "Wants a call back"}
    )
    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.owner == manager
    assert escalation.call == call
    assert escalation.status == "open"
    again = signed_in.post(_url("call-escalate", incident, call), {"owner": manager.pk, "reason": "again"}, follow=True)
    assert "already escalated" in again.content.decode()


def test_an_outsider_cannot_own_an_escalation(signed_in, incident, call, outsider):
    response = signed_in.post(_url("call-escalate", incident, call), {"owner": outsider.pk, "reason": "x"})
    assert response.status_code == 400
    assert not Escalation.objects.exists()


def test_another_agents_call_is_not_found(client, incident, call):
    colleague = UserFactory.create()
    member(colleague, incident, "agent")
    client.force_login(colleague)
    assert client.get(_url("call-detail", incident, call)).status_code == 404
    assert client.post(_url("call-close", incident, call)).status_code == 404


def test_a_closed_call_refuses_changes(signed_in, incident, verified):
    Call.objects.filter(pk=verified.pk).update(ended_at=timezone.now())
    response = signed_in.post(_url("call-resend", incident, verified), follow=True)
    assert "This call is closed." in response.content.decode()


def test_the_close_action_itself_refuses_a_call_without_disposition(call, agent):
    with pytest.raises(ActionRefused, match="Choose a disposition"):
        close_call(agent, call, disposition=None, caller_name="", relationship="", notes="")
    call.refresh_from_db()
    assert call.is_open


def test_verification_locks_after_three_failed_checks(signed_in, incident, call, grace):
    for typed in ("1/1/2012", "1/2/2012", "1/3/2012"):
        _verify(signed_in, incident, call, date_of_birth=typed, postal_code="65999")
    # The right answer now changes nothing: guessing stops here.
    response = _verify(signed_in, incident, call, reference_code=grace.reference_code, date_of_birth="5/1/2012")
    call.refresh_from_db()
    assert not call.is_verified
    assert call.failed_checks == 3
    html = signed_in.get(_url("call-detail", incident, call)).content.decode()
    assert "Verification is locked after 3 failed checks on this record today." in html
    assert 'name="street_address"' not in html
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="call.verification_checked", details__locked=True).count() == 1


def test_a_closed_call_discloses_nothing_more(signed_in, incident, verified):
    Call.objects.filter(pk=verified.pk).update(ended_at=timezone.now())
    html = signed_in.get(_url("call-detail", incident, verified)).content.decode()
    assert "What to tell the caller" not in html
    assert "Medical information" not in html
    assert "This call is closed: the record is no longer shown." in html


def test_an_abandoned_call_discloses_nothing_more(signed_in, incident, verified):
    Call.objects.filter(pk=verified.pk).update(
        started_at=timezone.now() - Call.DISCLOSURE_WINDOW - timedelta(minutes=1)
    )
    html = signed_in.get(_url("call-detail", incident, verified)).content.decode()
    assert "What to tell the caller" not in html


def test_a_second_address_change_waits_for_the_first(signed_in, incident, verified):
    address = {"address_line1": "7 Elm Street", "city": "Columbia", "state": "MO", "postal_code": "65201"}
    signed_in.post(_url("call-address", incident, verified), address)
    second = signed_in.post(_url("call-address", incident, verified), address, follow=True)
    assert AddressChange.objects.count() == 1
    assert "already waiting for a manager" in second.content.decode()


def test_escalation_keeps_a_callback_number(signed_in, incident, call, manager):
    signed_in.post(
        _url("call-escalate", incident, call),
        {"owner": manager.pk, "reason": "Call back", "callback_phone": "573 555 0199"},
    )
    assert Escalation.objects.get().callback_phone == "+15735550199"


def test_a_closed_call_shows_its_log_with_the_duration(signed_in, incident, call):
    disposition = Disposition.objects.get(incident=incident, key="general_question")
    signed_in.post(_url("call-close", incident, call), {"disposition": disposition.pk, "notes": "Asked about dates"})
    Call.objects.filter(pk=call.pk).update(started_at=timezone.now() - timedelta(minutes=4, seconds=30))
    html = signed_in.get(_url("call-detail", incident, call)).content.decode()
    assert "General question" in html
    assert "Asked about dates" in html
    assert "4 min" in html


def test_a_new_call_does_not_give_three_more_guesses(signed_in, incident, call, grace):
    for typed in ("1/1/2012", "1/2/2012", "1/3/2012"):
        _verify(signed_in, incident, call, date_of_birth=typed, postal_code="65999")
    Call.objects.filter(pk=call.pk).update(ended_at=timezone.now())
    search(signed_in, incident, reference_code=grace.reference_code)
    signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": grace.pk})
    second = Call.objects.exclude(pk=call.pk).get()
    response = _verify(signed_in, incident, second, reference_code=grace.reference_code, postal_code="65999")
    assert response.status_code == 302
    second.refresh_from_db()
    assert not second.is_verified


def test_an_old_open_call_is_not_reused_for_the_next_caller(signed_in, incident, verified, grace):
    Call.objects.filter(pk=verified.pk).update(started_at=timezone.now() - timedelta(minutes=40))
    search(signed_in, incident, reference_code=grace.reference_code)
    response = signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": grace.pk})
    fresh = Call.objects.exclude(pk=verified.pk).get()
    assert response.url.endswith(f"/calls/{fresh.pk}/")
    assert not fresh.is_verified
    assert "What to tell the caller" not in signed_in.get(response.url).content.decode()


def test_a_stale_verification_cannot_change_the_address(signed_in, incident, verified):
    Call.objects.filter(pk=verified.pk).update(
        started_at=timezone.now() - Call.DISCLOSURE_WINDOW - timedelta(minutes=1)
    )
    address = {"address_line1": "7 Elm Street", "city": "Columbia", "state": "MO", "postal_code": "65201"}
    response = signed_in.post(_url("call-address", incident, verified), address, follow=True)
    assert not AddressChange.objects.exists()
    assert "open too long" in response.content.decode()


def test_the_code_searched_by_is_carried_into_verification_with_focus_on_the_next_field(signed_in, incident, call):
    html = signed_in.get(_url("call-detail", incident, call)).content.decode()
    code = call.recipient.reference_code_display
    assert f'name="reference_code" value="{code}"' in html
    assert "autofocus" in html.split('name="date_of_birth"')[1].split(">")[0]
    assert "autofocus" not in html.split('name="reference_code"')[1].split(">")[0]


def test_a_search_by_name_carries_no_code_and_focus_starts_on_the_first_field(signed_in, incident, grace):
    search(signed_in, incident, last_name="Nguyen", date_of_birth="2012-05-01")
    signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": grace.pk})
    html = signed_in.get(_url("call-detail", incident, Call.objects.get())).content.decode()
    field = html.split('name="reference_code"')[1].split(">")[0]
    assert "value=" not in field
    assert "autofocus" in field


def test_a_code_searched_on_an_earlier_call_is_not_carried_into_the_next(signed_in, incident, grace):
    other = family(incident, first_name="Ben")
    search(signed_in, incident, reference_code=other.reference_code)
    signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": other.pk})
    search(signed_in, incident, last_name="Nguyen", date_of_birth="2012-05-01")  # the next caller's, by name
    signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": grace.pk})
    html = signed_in.get(_url("call-detail", incident, Call.objects.get(recipient=grace))).content.decode()
    assert grace.reference_code_display not in html


def test_after_verifying_focus_moves_to_the_disclosure_card_once(signed_in, incident, call, grace):
    _verify(signed_in, incident, call, reference_code=grace.reference_code_display, date_of_birth="05/01/2012")
    html = signed_in.get(_url("call-detail", incident, call)).content.decode()
    card = html.split('id="disclosure"')[1].split(">")[0]
    assert 'tabindex="-1" autofocus' in card
    assert "Verified by reference code and date of birth. Ada Nguyen is affected by this incident." in html
    assert '<a class="portal-jump" href="#id_disposition" data-jump>Skip to the disposition</a>' in html
    again = signed_in.get(_url("call-detail", incident, call)).content.decode()
    assert "autofocus" not in again.split('id="disclosure"')[1].split(">")[0]
