"""Dead workers replaced in under two minutes, through real worker processes and the default claim settings.

One worker renders a batch, another imports a file; each is killed with SIGKILL, mid-chunk and mid-import. A
worker started afterwards, with beat inside it as `make run` has, takes both over: every letter rendered once,
every person imported once, each within two minutes of the kill. A chunk that runs many times longer than the
silence that counts as dead keeps its claim throughout.
"""

import csv
import io
import sys
import time
from collections import Counter
from pathlib import Path

from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import QuerySet

from audit.models import AuditEvent
from notifications import actions
from notifications import tasks as letter_tasks
from notifications.letters.parts import StoredFile
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from people import actions as people_actions
from people import tasks as import_tasks
from people.importing import jobs as import_jobs
from people.models import ImportJob, ImportRow, Individual
from portal.testing import WorkerProcess, pdfcheck
from portal.testing.imports import csv_bytes, upload
from portal.testing.letters import bodies_laid_out_per_letter, recipients

LETTERS = 40
ONE_CHUNK = 150
PEOPLE = 4000
RECOVERY_LIMIT = 120  # seconds, with the default CLAIM_SILENCE_SECONDS and CLAIM_SWEEP_SECONDS


def _mid_chunk(batch_id: int) -> bool:
    """Some letters rendered, and a chunk holding letters it has not finished."""
    batch = LetterBatch.objects.get(pk=batch_id)
    held = Letter.objects.filter(batch_id=batch_id, status=LetterStatus.PENDING).exclude(claim="")
    return batch.letters_rendered > 0 and held.exists()


def _import_rows() -> bytes:
    return csv_bytes(*(f"{n},Lee{n},Kim,2015-01-01,{n} Oak St,Town,MO,65801,,,Name" for n in range(1, PEOPLE + 1)))


def _imported() -> "QuerySet[Individual]":
    return Individual.objects.filter(last_name__startswith="Lee")


def _every_letter_once(batch: LetterBatch, count: int = LETTERS) -> None:
    assert batch.status == BatchStatus.RENDERED
    letters = list(Letter.objects.filter(batch=batch).order_by("sequence"))
    assert [letter.sequence for letter in letters] == list(range(1, count + 1))
    assert (batch.letters_rendered, batch.letters_failed) == (count, 0)
    parts = [Path(default_storage.path(StoredFile.from_json(p).name)) for p in batch.parts]
    pages = [text for part in parts for text in pdfcheck.page_texts(part)]
    assert len(pages) == batch.pages_total == sum(letter.page_count for letter in letters)
    pieces = Counter(text.split("Piece ")[1][:6] for text in pages)  # one footer per page
    assert pieces == {f"{letter.sequence:06d}": letter.page_count for letter in letters}
    with default_storage.open(batch.manifest.name) as f:
        sequences = [row["sequence"] for row in csv.DictReader(io.TextIOWrapper(f, encoding="utf-8"))]
    assert sequences == [f"{n:06d}" for n in range(1, count + 1)]


def _seconds_until(worker: WorkerProcess, done: object, since: float) -> float:
    worker.wait_until(done, seconds=RECOVERY_LIMIT + 60)  # type: ignore[arg-type]
    return time.monotonic() - since


def test_work_of_workers_killed_mid_chunk_and_mid_import_is_finished_by_another_within_two_minutes(
    transactional_db, celery_worker_process, incident, manager, tmp_path
):
    database = str(connection.settings_dict["NAME"])
    renderer = celery_worker_process
    renderer.kill()
    # Small chunks so the kill lands inside one. One worker takes only rendering, the other only imports
    # (and the batch's plan), so each is mid-way through its own step when both are killed.
    renderer.start("--concurrency", "1", "--exclude-queues", "celery", LETTER_CHUNK_SIZE="4")
    importer = WorkerProcess(database, tmp_path / "importer.log", tmp_path / "mail", "--concurrency", "1",
                             "--exclude-queues", "letters", LETTER_CHUNK_SIZE="4")  # fmt: skip
    rescuer = None
    try:
        uploaded = upload(incident, _import_rows())
        job = import_jobs.check_now(uploaded, uploaded.mapping, [])
        assert job.rows_valid == PEOPLE, job.reason
        recipients(incident, LETTERS, "name", "medical_information")
        actions.install_default_templates(manager, incident)
        bodies_laid_out_per_letter(incident)  # chunks long enough to be killed inside
        batch = actions.create_batch(manager, incident, "Killed mid-chunk", Selection())
        renderer.wait_until(lambda: _mid_chunk(batch.pk), seconds=60)
        renderer.kill()
        chunk_killed_at = time.monotonic()
        people_actions.confirm_import(manager, job)
        importer.wait_until(lambda: import_jobs.import_progress(job.pk) is not None, seconds=60)
        importer.kill()
        import_killed_at = time.monotonic()
        assert _mid_chunk(batch.pk)
        assert LetterBatch.objects.get(pk=batch.pk).letters_rendered < LETTERS
        assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.IMPORTING
        assert not _imported().exists()  # the import's transaction died with its worker

        # Another worker, with beat inside it and every claim setting at its default.
        schedule = str(tmp_path / "beat-schedule")
        rescuer = WorkerProcess(database, tmp_path / "rescuer.log", tmp_path / "mail", "--beat", "--schedule", schedule,
                                LETTER_CHUNK_SIZE="4")  # fmt: skip
        imported = _seconds_until(
            rescuer, lambda: ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.IMPORTED, import_killed_at
        )
        rendered = _seconds_until(
            rescuer, lambda: LetterBatch.objects.get(pk=batch.pk).status != BatchStatus.RENDERING, chunk_killed_at
        )
        # The proof the rendered batch sent: made here, not by a worker of a later test while it runs.
        rescuer.wait_until(lambda: LetterBatch.objects.get(pk=batch.pk).has_proof, seconds=60)
    finally:
        for worker in (rescuer, importer, renderer):
            if worker is not None and worker.process.poll() is None:
                worker.kill()
        renderer.start()  # the next tests get the usual worker

    gap = import_killed_at - chunk_killed_at
    print(f"\nrecovery after SIGKILL: import {imported:.0f} s, batch {rendered:.0f} s ({gap:.0f} s between the kills)",
          file=sys.stderr)  # fmt: skip
    log = (tmp_path / "rescuer.log").read_text(errors="replace")[-30000:]
    assert imported < RECOVERY_LIMIT, log
    assert rendered < RECOVERY_LIMIT, log
    _every_letter_once(LetterBatch.objects.get(pk=batch.pk))
    done = ImportJob.objects.get(pk=job.pk)
    assert done.individuals_added == _imported().count() == PEOPLE


def test_a_chunk_far_longer_than_the_silence_is_never_taken_over(
    transactional_db, celery_worker_process, incident, manager
):
    worker = celery_worker_process
    worker.kill()
    # The whole batch in one chunk, which renders for many times the one second of silence that counts as
    # dead; beat sweeps every second meanwhile.
    schedule = str(worker.log.with_suffix(".slow-beat"))
    worker.start("--beat", "--schedule", schedule, LETTER_CHUNK_SIZE=str(ONE_CHUNK), CLAIM_SILENCE_SECONDS="1",
                 CLAIM_SWEEP_SECONDS="1")  # fmt: skip
    try:
        recipients(incident, ONE_CHUNK, "name", "medical_information")
        actions.install_default_templates(manager, incident)
        # Each body is laid out for its letter alone (the slow path): the chunk renders for seconds, where
        # shared bodies under drawn frames would take about one.
        bodies_laid_out_per_letter(incident)
        batch = actions.create_batch(manager, incident, "One long chunk", Selection())
        worker.wait_until(lambda: LetterBatch.objects.get(pk=batch.pk).status != BatchStatus.RENDERING, seconds=300)
    finally:
        worker.kill()
        worker.start()

    batch.refresh_from_db()
    assert batch.rendered_at is not None
    assert batch.render_started_at is not None
    took = (batch.rendered_at - batch.render_started_at).total_seconds()
    print(f"\none chunk of {ONE_CHUNK} letters rendered in {took:.0f} s, a second's silence counting as dead",
          file=sys.stderr)  # fmt: skip
    assert took > 3  # the step was long against the silence
    assert batch.worker_stopped_at is None
    assert set(Letter.objects.filter(batch=batch).values_list("attempts", flat=True)) == {1}
    _every_letter_once(batch, ONE_CHUNK)


def test_the_same_task_message_delivered_twice_to_a_worker_does_the_work_once(
    transactional_db, celery_worker_process, incident, manager
):
    """Redis delivers an unacknowledged message again after its visibility timeout, perhaps while the first
    delivery still runs: here both copies of each message reach a worker of two threads together."""
    recipients(incident, 8, "name")
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Delivered twice", Selection(), queue=False)
    uploaded = upload(
        incident, csv_bytes(*(f"{n},Lee{n},Kim,2015-01-01,1 Oak St,Town,MO,65801,,,Name" for n in (1, 2)))
    )
    people_actions.check_import(manager, uploaded, uploaded.mapping, [], queue=False)
    for _ in range(2):
        letter_tasks.render_letter_chunk.apply_async((batch.pk, batch.render_round, 1, 8), task_id="chunk-message")
        import_tasks.check_import_file.apply_async((uploaded.pk,), task_id="check-message")

    worker = celery_worker_process
    worker.wait_until(lambda: LetterBatch.objects.get(pk=batch.pk).status != BatchStatus.RENDERING, seconds=60)
    worker.wait_until(lambda: ImportJob.objects.get(pk=uploaded.pk).status != ImportJob.Status.VALIDATING, seconds=60)
    _every_letter_once(LetterBatch.objects.get(pk=batch.pk), 8)
    assert set(Letter.objects.filter(batch=batch).values_list("attempts", flat=True)) == {1}
    checked = ImportJob.objects.get(pk=uploaded.pk)
    assert (checked.status, checked.rows_valid) == (ImportJob.Status.VALIDATED, 2)
    assert ImportRow.objects.filter(job=checked).count() == 2
    assert AuditEvent.objects.filter(action="import.checked").count() == 1
