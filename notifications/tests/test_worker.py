"""Rendering through real Celery workers, including one killed with SIGKILL in the middle of a batch."""

import csv
import io
from collections import Counter
from pathlib import Path

from django.core.files.storage import default_storage

from notifications import actions
from notifications.letters.parts import StoredFile
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from portal.testing import pdfcheck
from portal.testing.letters import bodies_laid_out_per_letter, recipients

LETTERS = 40


def _mid_chunk(batch_id: int) -> bool:
    """Some letters rendered, and a chunk holding letters it has not finished."""
    batch = LetterBatch.objects.get(pk=batch_id)
    held = Letter.objects.filter(batch_id=batch_id, status=LetterStatus.PENDING).exclude(claim="")
    return batch.letters_rendered > 0 and held.exists()


def test_a_batch_survives_a_worker_killed_mid_chunk(transactional_db, celery_worker_process, incident, manager):
    worker = celery_worker_process
    # Small chunks so the kill lands inside one; a short claim timeout and sweep so the restart takes over soon;
    # print parts of 8 letters, most of them written while later chunks render.
    worker.kill()
    worker.start("--concurrency", "1", LETTER_CHUNK_SIZE="4", LETTER_PART_SIZE="8")
    try:
        recipients(incident, LETTERS, "name", "medical_information")
        actions.install_default_templates(manager, incident)
        bodies_laid_out_per_letter(incident)  # chunks long enough to be killed inside
        batch = actions.create_batch(manager, incident, "Killed mid-batch", Selection())  # sent to the worker on commit
        worker.wait_until(lambda: _mid_chunk(batch.pk), seconds=60)
        worker.kill()
        killed_at = LetterBatch.objects.get(pk=batch.pk)
        assert killed_at.letters_rendered < LETTERS

        worker.start(
            "--beat",
            "--schedule",
            str(worker.log.with_suffix(".beat")),
            LETTER_CHUNK_SIZE="4",
            LETTER_PART_SIZE="8",
            CLAIM_SILENCE_SECONDS="2",
            CLAIM_SWEEP_SECONDS="1",
        )
        worker.wait_until(lambda: LetterBatch.objects.get(pk=batch.pk).status != BatchStatus.RENDERING, seconds=120)
        # The proof the rendered batch sent: made by this worker, not by the next one while a later test runs.
        worker.wait_until(lambda: LetterBatch.objects.get(pk=batch.pk).has_proof, seconds=60)
    finally:
        worker.kill()
        worker.start()  # the next tests get the usual worker

    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    letters = list(Letter.objects.filter(batch=batch).order_by("sequence"))
    assert [letter.sequence for letter in letters] == list(range(1, LETTERS + 1))
    assert batch.letters_rendered == LETTERS
    assert batch.letters_failed == 0

    parts = [Path(default_storage.path(StoredFile.from_json(p).name)) for p in batch.parts]
    assert len(parts) == LETTERS // 8
    texts = [pdfcheck.page_texts(part) for part in parts]
    pages = [text for part in texts for text in part]
    assert len(pages) == batch.pages_total == sum(letter.page_count for letter in letters)
    pieces = Counter(text.split("Piece ")[1][:6] for text in pages)  # one footer per page
    assert pieces == {f"{letter.sequence:06d}": letter.page_count for letter in letters}
    for number, part in enumerate(texts, start=1):  # each part holds its eight letters, in sequence order
        in_part = list(dict.fromkeys(text.split("Piece ")[1][:6] for text in part))
        assert in_part == [f"{n:06d}" for n in range(8 * number - 7, 8 * number + 1)]

    with default_storage.open(batch.manifest.name) as f:
        sequences = [row["sequence"] for row in csv.DictReader(io.TextIOWrapper(f, encoding="utf-8"))]
    assert sequences == [f"{n:06d}" for n in range(1, LETTERS + 1)]
