"""Publishing the public notice moves a draft or investigating incident to notifying: through the
incident's move function (audited, the publisher its actor), said on the publisher's screen, and told to
the incident's managers by an e-mail that names no person whose data was exposed."""

import html

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from incidents import actions, timeline
from incidents.models import Incident, Role
from portal.testing import IndividualFactory, RecipientFactory, UserFactory, member
from public import actions as public_actions

SECTIONS = {
    "what_happened": "A staff member copied student files to a personal mailbox.",
    "what_information": "Names, addresses and education records.",
    "what_we_are_doing": "We disabled the account and notified law enforcement.",
    "what_you_can_do": "Review account statements and order your free credit reports.",
    "for_more_information": "Call the hotline on weekdays.",
}


@pytest.fixture
def ready(incident, manager):
    """A draft incident whose notice is written, with a family on file and two managers who read e-mail."""
    Incident.objects.filter(pk=incident.pk).update(hotline_phone="+18005550100", **SECTIONS)
    incident.refresh_from_db()
    manager.email = "first-manager@example.org"
    manager.save()
    second = UserFactory.create(username="second-manager", email="second-manager@example.org")
    member(second, incident, Role.MANAGER)
    person = IndividualFactory.create(incident=incident, first_name="Zelda", last_name="Quintero")
    RecipientFactory.create(individual=person, name="Ramona Quintero")
    return incident


def _publish(client, incident):
    return client.post(reverse("public:notice-publish", args=[incident.slug]), follow=True)


def test_publishing_moves_a_draft_incident_to_notifying_and_tells_managers(transactional_db, client, ready, manager):
    client.force_login(manager)
    page = html.unescape(_publish(client, ready).content.decode())
    assert "The notice is public. The incident's status is now Notifying; its managers were told by e-mail." in page
    ready.refresh_from_db()
    assert ready.status == Incident.Status.NOTIFYING
    moved = AuditEvent.objects.get(action="incident.status_changed")
    assert (moved.actor_id, moved.details) == (
        manager.pk,
        {"from": "draft", "to": "notifying", "because": "notice.published"},
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "first-manager@example.org",
        "second-manager@example.org",
    ]
    message = mail.outbox[0]
    assert message.subject == f"{ready.title}: status is now Notifying"
    assert f"The incident's status is now Notifying: the public notice was published ({manager.username})." in (
        message.body
    )
    recipient = ready.recipients.get()
    for personal in ("Zelda", "Quintero", recipient.reference_code):
        assert personal not in message.body
    assert "Status changed from draft to notifying: the public notice was published" in [
        line.text for line in timeline.lines(ready)
    ]


def test_an_investigating_incident_moves_too(ready, manager, django_capture_on_commit_callbacks):
    actions.change_status(manager, ready, Incident.Status.INVESTIGATING)
    with django_capture_on_commit_callbacks(execute=True):
        assert public_actions.publish_notice(manager, ready) is True
    assert Incident.objects.get(pk=ready.pk).status == Incident.Status.NOTIFYING
    assert len(mail.outbox) == 2


def test_an_incident_already_notifying_or_closed_stays_as_it_is(ready, manager, django_capture_on_commit_callbacks):
    for status in (Incident.Status.INVESTIGATING, Incident.Status.NOTIFYING):
        actions.change_status(manager, ready, status)
    with django_capture_on_commit_callbacks(execute=True):
        assert public_actions.publish_notice(manager, ready) is False
    public_actions.unpublish_notice(manager, ready)
    actions.change_status(manager, ready, Incident.Status.CLOSED)  # nothing is owed: no data type in scope
    with django_capture_on_commit_callbacks(execute=True):
        assert public_actions.publish_notice(manager, ready) is False
    assert Incident.objects.get(pk=ready.pk).status == Incident.Status.CLOSED
    assert AuditEvent.objects.filter(action="incident.status_changed").count() == 3
    assert mail.outbox == []


def test_a_refused_publication_moves_nothing(incident, manager, client):
    client.force_login(manager)
    page = html.unescape(_publish(client, incident).content.decode())
    assert "Before the notice goes public, fill in:" in page
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.DRAFT
    assert not AuditEvent.objects.filter(action="incident.status_changed").exists()
