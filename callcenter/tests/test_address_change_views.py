"""Address changes awaiting review."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from callcenter import actions
from callcenter.models import AddressChange
from callcenter.tests.screens import NEW_ADDRESS, _url, _verified_call
from portal.testing import RecipientFactory, UserFactory, member


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
