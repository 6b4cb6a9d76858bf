"""A batch and its letters move only along their transitions tables, through one move function each, audited."""

import pytest

from audit.models import AuditEvent
from notifications import actions
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from portal.lib.transitions import StatusRefused
from portal.testing.letters import recipients, rendered_batch


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.LETTER_CHUNK_SIZE = 2
    settings.LETTER_PART_SIZE = 4


def test_every_status_has_a_row_in_each_table():
    assert set(LetterBatch.TRANSITIONS.table) == set(BatchStatus.values)
    assert set(Letter.TRANSITIONS.table) == set(LetterStatus.values)
    assert not LetterBatch.TRANSITIONS.allows(BatchStatus.MAILED, BatchStatus.RENDERING)
    assert not Letter.TRANSITIONS.allows(LetterStatus.RENDERED, LetterStatus.FAILED)


def test_a_move_the_table_refuses_names_the_status_and_changes_nothing(incident, manager):
    recipients(incident, 3)
    batch = rendered_batch(incident, manager)
    with pytest.raises(StatusRefused, match="This letter batch is rendered: it cannot become mailed"):
        actions.move_batch(manager, batch, BatchStatus.MAILED, "letter_batch.mailed")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert not AuditEvent.objects.filter(action="letter_batch.mailed").exists()


def test_a_workers_move_from_an_old_round_moves_nothing_and_records_nothing(incident, manager):
    recipients(incident, 3)
    batch = rendered_batch(incident, manager)
    actions.rerender_batch(manager, batch)  # round 2, rendering
    batch.refresh_from_db()
    stale = actions.move_batch(
        None, batch, BatchStatus.BLOCKED, "letter_batch.blocked", only_from=[BatchStatus.RENDERING], in_round=1
    )
    assert stale is False
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERING
    assert not AuditEvent.objects.filter(action="letter_batch.blocked").exists()


def test_render_chunks_move_letters_without_a_row_each_and_the_finish_records_them(incident, manager):
    recipients(incident, 5)
    batch = rendered_batch(incident, manager)  # three chunks of at most two letters
    assert not AuditEvent.objects.filter(action="letter_batch.letters_moved").exists()
    rendered = AuditEvent.objects.get(action="letter_batch.rendered")
    assert rendered.actor_id is None
    assert rendered.details["letters_rendered"] == 5
    assert rendered.details["letters_failed"] == 0
    assert set(Letter.objects.filter(batch=batch).values_list("status", flat=True)) == {LetterStatus.RENDERED}


def test_a_rerender_moves_the_letters_as_one_set_with_one_row(incident, manager):
    recipients(incident, 5)
    batch = rendered_batch(incident, manager)
    actions.rerender_batch(manager, batch)
    moved = AuditEvent.objects.get(action="letter_batch.letters_moved")
    assert moved.actor_id == manager.pk
    assert moved.details == {"to": LetterStatus.PENDING, "letters": 5}
    assert set(Letter.objects.filter(batch=batch).values_list("status", flat=True)) == {LetterStatus.PENDING}
    assert AuditEvent.objects.filter(action="letter_batch.rerender_requested", actor_id=manager.pk).count() == 1
