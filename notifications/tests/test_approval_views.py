"""Approving a batch."""

import re

import pytest

from audit.models import AuditEvent
from notifications.models import BatchStatus, LetterBatch
from notifications.tests.screens import _batch, _shown, _url


def test_the_creator_may_not_approve(client, creator, incident):
    rendered = _batch(incident, BatchStatus.RENDERED, 1, created_by=creator)
    client.force_login(creator)
    response = client.post(_url("batch-approve", incident, rendered.pk), follow=True)
    assert "Another mail administrator must approve this batch: you created it." in _shown(response)
    rendered.refresh_from_db()
    assert (rendered.status, rendered.approved_by) == (BatchStatus.RENDERED, None)
    assert not AuditEvent.objects.filter(action="letter_batch.approved").exists()


def test_another_mail_admin_approves_once_they_have_opened_the_proof(client, mail_admin, incident, rendered):
    client.force_login(mail_admin)
    response = client.post(_url("batch-approve", incident, rendered.pk), follow=True)
    assert "Open the proof and look at its letters before approving" in _shown(response)
    assert LetterBatch.objects.get(pk=rendered.pk).status == BatchStatus.RENDERED

    page = _shown(client.get(_url("batch-proof", incident, rendered.pk)))
    assert page.count('<img src="/letters/') == len(LetterBatch.objects.get(pk=rendered.pk).proof["pages"])
    assert "Proof page 1: the cover" in page
    assert re.search(r"Page 1 of \d+: the cover</figcaption>", page)
    assert re.search(
        r"Page 2 of \d+: Letter 000001: first letter of the variant “Standard letter \(English\)”[;,<]",
        page,
    )
    opened = AuditEvent.objects.get(action="letter_batch.proof_opened")
    assert (opened.actor_id, opened.details["round"]) == (mail_admin.pk, rendered.render_round)
    image = client.get(_url("batch-proof-page", incident, rendered.pk, 1))
    assert image["Content-Type"] == "image/png"
    assert b"".join(image).startswith(b"\x89PNG")
    assert "no-store" in image["Cache-Control"]

    response = client.post(_url("batch-approve", incident, rendered.pk), follow=True)
    assert "Batch approved: it can now be exported for the print house." in _shown(response)
    rendered.refresh_from_db()
    assert (rendered.status, rendered.approved_by) == (BatchStatus.APPROVED, mail_admin)
    assert rendered.approved_at is not None
    assert AuditEvent.objects.get(action="letter_batch.approved").actor_id == mail_admin.pk


def test_a_batch_still_rendering_is_not_approved(client, mail_admin, incident, rendering):
    client.force_login(mail_admin)
    response = client.post(_url("batch-approve", incident, rendering.pk), follow=True)
    assert "Only a rendered batch can be approved; this one is rendering." in _shown(response)
    rendering.refresh_from_db()
    assert rendering.status == BatchStatus.RENDERING


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("manager", 403), ("auditor", 403)])
def test_only_mail_admins_approve(client, people, incident, actor, status):
    batch = _batch(incident, BatchStatus.RENDERED)
    client.force_login(people[actor])
    assert client.post(_url("batch-approve", incident, batch.pk)).status_code == status
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
