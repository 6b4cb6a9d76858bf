"""Chunks and assembly on portal.lib.claims: a stopped worker is said on the batch's page, a live one that is
slow is never taken over, and a task message delivered twice renders each letter once."""

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications import actions, tasks
from notifications.letters import jobs
from notifications.letters.maker import LetterMaker
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from portal.lib import claims
from portal.testing.letters import recipients

STOPPED_MESSAGE = "The worker stopped; another will take this over."


def _progress(client, batch: LetterBatch) -> str:
    url = reverse("notifications:batch-progress", args=[batch.incident.slug, batch.pk])
    return html.unescape(client.get(url).content.decode())


@pytest.mark.django_db
def test_the_batch_page_says_a_worker_stopped_until_another_takes_its_chunk_over(client, incident, manager):
    recipients(incident, 3)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Stopped", Selection(), queue=False)
    client.force_login(manager)
    jobs.claim_letters(batch.pk, 1, 3, "run-of-a-dead-worker")
    assert STOPPED_MESSAGE not in _progress(client, batch)

    Letter.objects.filter(batch=batch).update(claimed_at=timezone.now() - claims.silence() - timedelta(seconds=1))
    swept = jobs.sweep()
    assert swept == [(batch.pk, batch.render_round, 1, 3)]
    assert set(Letter.objects.filter(batch=batch).values_list("claim", flat=True)) == {claims.STOPPED}
    assert STOPPED_MESSAGE in _progress(client, batch)

    jobs.render_chunk(*swept[0], assemble_with=lambda *a: None)
    assert STOPPED_MESSAGE not in _progress(client, batch)
    assert LetterBatch.objects.get(pk=batch.pk).letters_rendered == 3


def test_a_chunk_that_stays_alive_is_never_taken_over_however_long_its_step(
    transactional_db, incident, manager, settings, monkeypatch
):
    """A chunk whose rendering takes five silences keeps its claim: its thread says it is alive meanwhile."""
    settings.CLAIM_SILENCE_SECONDS = 1
    recipients(incident, 2)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Slow", Selection(), queue=False)
    swept_meanwhile: list[list[tuple[int, int, int, int]]] = []
    real_lay_out = LetterMaker._lay_out

    def slow_lay_out(self, prepared):
        made = real_lay_out(self, prepared)
        # One long statement, as a huge chunk would run: the sweep looks on while it runs.
        started = timezone.now()
        while timezone.now() - started < timedelta(seconds=2.5):
            swept_meanwhile.append(jobs.sweep())
        return made

    monkeypatch.setattr(LetterMaker, "_lay_out", slow_lay_out)
    jobs.render_chunk(batch.pk, batch.render_round, 1, 2, assemble_with=lambda *a: None)

    assert swept_meanwhile
    assert not any(swept_meanwhile)
    assert list(Letter.objects.filter(batch=batch).values_list("attempts", "status")) == [
        (1, LetterStatus.RENDERED),
        (1, LetterStatus.RENDERED),
    ]
    assert LetterBatch.objects.get(pk=batch.pk).worker_stopped_at is None


@pytest.mark.django_db
def test_a_chunk_message_delivered_twice_renders_each_letter_once(
    incident, manager, django_capture_on_commit_callbacks
):
    recipients(incident, 3)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Twice delivered", Selection(), queue=False)
    with django_capture_on_commit_callbacks(execute=False):
        for _ in range(2):  # the same message (same task id) arrives twice, as after Redis' visibility timeout
            tasks.render_letter_chunk.apply((batch.pk, batch.render_round, 1, 3), task_id="one-message")
    batch.refresh_from_db()
    assert (batch.letters_rendered, batch.letters_failed) == (3, 0)
    assert list(Letter.objects.filter(batch=batch).values_list("attempts", flat=True)) == [1, 1, 1]
    assert batch.assembly_claim  # claimed by the first delivery; the second found nothing to do
    assert batch.status == BatchStatus.RENDERING
