"""Marking a letter batch mailed moves a draft or investigating incident to notifying: through the incident's
move function (audited, the mail administrator who marked it its actor), said on their screen, and told to
the incident's managers by an e-mail that names no person whose data was exposed."""

import html
from datetime import timedelta

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents import actions as incident_actions
from incidents.models import Incident
from notifications import actions
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from portal.testing.letters import recipients


def _mark_mailed(client, incident, batch):
    yesterday = timezone.localdate() - timedelta(days=1)
    url = reverse("notifications:batch-mailed", args=[incident.slug, batch.pk])
    return html.unescape(client.post(url, {"mailed_on": f"{yesterday:%m/%d/%Y}"}, follow=True).content.decode())


def _exported(incident, count):
    """An exported batch of `count` letters, made as rows: no worker renders it here."""
    batch = LetterBatch.objects.create(incident=incident, name="First mailing", status=BatchStatus.EXPORTED)
    for n, recipient in enumerate(recipients(incident, count), start=1):
        Letter.objects.create(batch=batch, incident=incident, recipient=recipient, sequence=n,
                              status=LetterStatus.RENDERED)  # fmt: skip
    return batch


def test_the_first_batch_mailed_moves_it_to_notifying(transactional_db, client, incident, manager, mail_admin):
    exported = _exported(incident, 3)
    incident_actions.change_status(manager, incident, Incident.Status.INVESTIGATING)
    manager.email = "manager@example.org"
    manager.save()
    client.force_login(mail_admin)
    page = _mark_mailed(client, incident, exported)
    assert "stamped mailed on" in page
    assert "The incident's status is now Notifying; its managers were told by e-mail." in page
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.NOTIFYING
    moved = AuditEvent.objects.filter(action="incident.status_changed").order_by("pk").last()
    assert moved is not None
    assert (moved.actor_id, moved.details) == (
        mail_admin.pk,
        {"from": "investigating", "to": "notifying", "because": "letter_batch.mailed"},
    )
    assert [message.to for message in mail.outbox] == [["manager@example.org"]]
    body = mail.outbox[0].body
    assert f"a letter batch was marked mailed ({mail_admin.username})" in body
    for recipient in incident.recipients.all():
        assert recipient.reference_code not in body
        assert recipient.name not in body


def test_a_second_batch_mailed_leaves_a_notifying_incident_as_it_is(
    client, incident, manager, mail_admin, exported, django_capture_on_commit_callbacks
):
    incident_actions.change_status(manager, incident, Incident.Status.NOTIFYING)
    client.force_login(mail_admin)
    with django_capture_on_commit_callbacks(execute=True):
        page = _mark_mailed(client, incident, exported)
    assert "stamped mailed on" in page
    assert "status is now Notifying" not in page
    assert AuditEvent.objects.filter(action="incident.status_changed").count() == 1
    assert mail.outbox == []


def test_a_draft_incident_moves_straight_to_notifying(incident, mail_admin, exported):
    actions.mark_mailed(mail_admin, exported, timezone.localdate())
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.NOTIFYING
    moved = AuditEvent.objects.get(action="incident.status_changed")
    assert moved.details["from"] == "draft"
