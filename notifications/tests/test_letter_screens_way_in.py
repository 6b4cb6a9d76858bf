"""The way in to the letter screens, and the proof's page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import Role
from notifications import actions
from notifications.models import Letter, LetterBatch
from notifications.tests.screens import _shown, _url
from portal.testing.letters import recipients, rendered_batch


@pytest.mark.parametrize(
    ("actor", "linked", "not_linked"),
    [
        (Role.MANAGER, ["template-list", "batch-list"], ["returned-mail"]),
        (Role.MAIL_ADMIN, ["batch-list", "returned-mail"], ["template-list"]),
        (Role.AGENT, [], ["template-list", "batch-list", "returned-mail"]),
    ],
)
def test_the_incident_page_links_the_letter_screens_of_each_role(client, people, incident, actor, linked, not_linked):
    client.force_login(people[actor])
    page = client.get(reverse("incidents:incident-detail", args=[incident.slug])).content.decode()
    for name in linked:
        assert f'href="{_url(name, incident)}"' in page, name
    for name in not_linked:
        assert f'href="{_url(name, incident)}"' not in page, name


def test_a_mail_admins_empty_batch_list_says_who_creates_batches(client, mail_admin, manager, incident):
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-list", incident)))
    assert "No batches yet. Incident managers create letter batches." in page
    assert "Create and render" not in page
    client.force_login(manager)
    assert "Incident managers create letter batches" not in _shown(client.get(_url("batch-list", incident)))


def test_the_proof_of_a_batch_still_rendering_is_not_shown(client, mail_admin, incident, rendering):
    client.force_login(mail_admin)
    response = client.get(_url("batch-proof", incident, rendering.pk), follow=True)
    assert "The proof is made once every letter of the batch is rendered." in _shown(response)
    assert not AuditEvent.objects.filter(action="letter_batch.proof_opened").exists()
    assert client.get(_url("batch-proof-page", incident, rendering.pk, 1)).status_code == 404


def test_the_batch_page_warns_of_names_that_look_like_markup_by_reference_code(client, mail_admin, incident, creator):
    recipients(incident, 2, "name")
    odd = recipients(incident, 1, "name", name="=cmd|' /C calc'!A0")[0]
    batch = rendered_batch(incident, creator)
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-detail", incident, batch.pk)))
    assert "The proof is being made" in page  # no worker made it in this test
    client.get(_url("batch-proof", incident, batch.pk))
    page = _shown(client.get(_url("batch-detail", incident, batch.pk)))
    assert "1 letter prints a name or address that looks like markup, a formula or control characters" in page
    sequence = Letter.objects.get(recipient=odd).sequence
    shown = f"Piece {sequence:06d}, reference code <strong>{odd.reference_code_display}</strong>: recipient's name"
    assert f"{shown} (formula)" in page
    assert "calc" not in page
    assert "You opened this proof." in page


def test_while_a_worker_makes_the_proof_the_page_waits_then_reloads(client, mail_admin, incident, rendered, settings):
    LetterBatch.objects.filter(pk=rendered.pk).update(proof_claimed_at=timezone.now())
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-proof", incident, rendered.pk)))
    assert "A worker is making the proof of this batch." in page
    assert 'hx-trigger="every 2s"' in page
    assert not AuditEvent.objects.filter(action="letter_batch.proof_opened").exists()
    polled = client.get(_url("batch-proof", incident, rendered.pk), headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert "A worker is making the proof" in _shown(polled)

    # The worker died: its claim goes stale, and the next poll makes the proof and reloads the page.
    stale = timezone.now() - timedelta(seconds=settings.CLAIM_SILENCE_SECONDS + 1)
    LetterBatch.objects.filter(pk=rendered.pk).update(proof_claimed_at=stale)
    polled = client.get(_url("batch-proof", incident, rendered.pk), headers={"HX-Request": "true"})
    assert (polled.status_code, polled["HX-Refresh"]) == (204, "true")
    batch = LetterBatch.objects.get(pk=rendered.pk)
    assert batch.has_proof
    assert batch.proof_claimed_at is None
    assert not AuditEvent.objects.filter(action="letter_batch.proof_opened").exists()  # not seen yet
    assert "Proof page 1: the cover" in _shown(client.get(_url("batch-proof", incident, rendered.pk)))
    assert AuditEvent.objects.filter(action="letter_batch.proof_opened").count() == 1


def test_a_batch_whose_letters_were_deleted_has_no_proof(client, mail_admin, incident, rendered):
    actions.purge_letters(incident)
    client.force_login(mail_admin)
    assert "Open the proof" not in _shown(client.get(_url("batch-detail", incident, rendered.pk)))
    response = client.get(_url("batch-proof", incident, rendered.pk), follow=True)
    assert f"Batch {rendered.pk} has no print files any more (its letters were deleted), so no proof." in _shown(
        response
    )
