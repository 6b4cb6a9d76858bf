"""Running an import job's two steps in a worker (or from the command line).

The dry run reads the whole file, checks every row, stages the valid ones and
writes the report. The import writes the staged rows in one transaction. Each
step claims the job through portal.lib.claims (a token per run), saves progress
on the row and is safe to run twice. A check says it is alive from a thread
while it runs; an import holds its job's row from the start of its transaction,
which tells the sweep it is alive however long one statement takes.
"""

import csv
import logging
import os
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import api as audit
from incidents.models import Incident
from people import actions as people_actions
from people import figures as people_figures
from people.importing import changes, files, load, parallel
from people.importing.preview import checker_settings, file_info
from people.importing.report import REPORT_HEADER, Tally, merged_issue
from people.importing.rows import Issue
from people.models import ImportJob, ImportRow
from portal.lib import claims

logger = logging.getLogger(__name__)

JOB = claims.Claims()  # ImportJob.claim and heartbeat_at
CHUNK_ROWS = 20_000
BEAT_SECONDS = 30  # a check says how far it got at least this often, rejected rows or not


class Superseded(Exception):
    """Another run took the job over; this one stops quietly."""


class StagedRowsLost(Exception):
    """The checked rows are gone (a database restart clears them); the file must be checked again."""


def _take(job_id: int, status: str, claim: str) -> tuple[QuerySet[ImportJob], ImportJob] | None:
    """Claim the job in `status` (waiting, handed back, or its worker gone silent): the rows this run
    holds while the claim lasts, and the job; None when it is not ours to run."""
    rows = ImportJob.objects.filter(pk=job_id, status=status)
    if not JOB.take(rows, claim, progress_done=0, progress_total=0):
        return None
    return JOB.held(rows, claim), ImportJob.objects.get(pk=job_id)


def _fail(held: QuerySet[ImportJob], job: ImportJob, reason: str, **fields: Any) -> None:
    people_actions.move_import(
        job,
        ImportJob.Status.FAILED,
        actor=None,
        action="import.failed",
        details={"step": job.status},
        also={"reason": reason, "heartbeat_at": timezone.now(), **fields},
        rows=held,
    )


def _fail_unexpectedly(held: QuerySet[ImportJob], job: ImportJob, exc: Exception, reason: str) -> None:
    """Log only the exception's kind (its message may quote a person's data) and tell the manager."""
    logger.error("import %s: %s stopped with %s", job.pk, job.get_status_display().lower(), type(exc).__name__)
    _fail(held, job, reason)


def sweep() -> list[tuple[int, str]]:
    """The steps to send to a worker again, as (job, status): those whose worker went silent for
    CLAIM_SILENCE_SECONDS (it died), and those whose message no worker took for CLAIM_UNTAKEN_SECONDS (lost
    with a broker's restart). Each is handed back marked stopped, so the step's next task takes it and starts
    it over. An import holds its job's row from the start of its transaction, waiting for another import of
    the incident included, so on PostgreSQL it is passed over however long it takes; SQLite has one writer,
    so the sweep waits for it, and gives up this round when the wait runs out."""
    now = timezone.now()
    abandoned = Q(status__in=ImportJob.ACTIVE) & (JOB.silent(now) | JOB.untaken(now))
    try:
        # What is read stays as read until the update: the rows are locked (PostgreSQL), or the transaction
        # holds SQLite's one write lock from its start.
        with transaction.atomic():
            unlocked = ImportJob.objects.select_for_update(skip_locked=True)
            stalled = list(unlocked.filter(abandoned).only("status", "claim", "incident"))
            JOB.hand_back(ImportJob.objects.filter(pk__in=[job.pk for job in stalled]))
            for job in stalled:
                if job.claim not in ("", claims.STOPPED):  # a worker took the step and died
                    step = {"step": job.status}
                    audit.record("import.resumed", actor=None, incident_id=job.incident_id, target=job, details=step)
    except OperationalError:
        if connection.vendor != "sqlite":
            raise
        return []  # SQLite's one writer is busy, an import perhaps: nothing is silent while it writes
    return [(job.pk, job.status) for job in stalled]


def stopped(job: ImportJob) -> bool:
    """Whether the job's step waits for another worker because its own stopped (its page says so)."""
    return JOB.is_stopped(job)


# The dry run ---------------------------------------------------------------


def _check_rows(job: ImportJob, held: QuerySet[ImportJob], writer: Any) -> Tally:
    """Check every row (on every core for a large file, see parallel.py), staging the valid ones as they come."""
    tally = Tally()
    batch: list[parallel.Chunk] = []
    beat_at = time.monotonic()
    copy = connection.vendor == "postgresql"
    with job.file.open("rb") as stored:
        # The storage's own file object: through Django's File, each line read would ask File.closed again.
        f = stored
        while isinstance(f, File):
            f = f.file
        reader = files.Reader(f, file_info(job))
        count = parallel.processes(job.file.size)
        logger.info("import %s: checking its rows in %s", job.pk, f"{count} processes" if count > 1 else "one process")
        rows = reader.rows()
        chunks = parallel.checked(rows, checker_settings(job), job.pk, copy, count)
        with closing(rows), closing(chunks):  # stops the checking processes and the reading, however this ends
            for chunk in chunks:
                for issue in chunk.issues:
                    tally.add(issue, writer)
                tally.read += chunk.read
                tally.valid += chunk.valid
                tally.rejected += chunk.rejected
                batch.append(chunk)
                # Every CHUNK_ROWS valid rows, and every BEAT_SECONDS however few rows were valid.
                if sum(c.staged for c in batch) >= CHUNK_ROWS or time.monotonic() - beat_at > BEAT_SECONDS:
                    _stage(job.pk, batch, held, reader)
                    beat_at = time.monotonic()
        _stage(job.pk, batch, held, reader)
    return tally


def _stage(job_id: int, batch: list[parallel.Chunk], held: QuerySet[ImportJob], reader: files.Reader) -> None:
    """Stage the rows checked so far and say how far the check got, while this run still holds the job: a run
    that was handed on (the sweep took it for dead) stages nothing more, since its successor starts afresh."""
    with transaction.atomic():
        _still_held(held)
        if connection.vendor == "postgresql":
            load.stage_copy_text([chunk.copy_text for chunk in batch])
        else:
            load.stage_rows(job_id, [row for chunk in batch for row in chunk.rows])
        held.update(progress_done=reader.done(), progress_total=reader.total, heartbeat_at=timezone.now())
    batch.clear()


def _still_held(held: QuerySet[ImportJob]) -> None:
    """Lock the job's row for the transaction, or stop if another run holds the job now."""
    if not held.select_for_update().exists():
        raise Superseded


def _beat(held: QuerySet[ImportJob]) -> None:
    """Word from a run between its long steps, so that the sweep does not take it for dead."""
    if not JOB.beat_now(held):
        raise Superseded


def run_dry_run(job_id: int, claim: str) -> None:
    """Check every row of the job's file and stage the valid ones, or record why the file cannot be read."""
    if (taken := _take(job_id, ImportJob.Status.VALIDATING, claim)) is None:
        return
    held, job = taken
    staged = ImportRow.objects.filter(job_id=job_id)
    staged.delete()  # from an earlier, interrupted run
    fd, report_path = tempfile.mkstemp(suffix=".csv", dir=settings.FILE_UPLOAD_TEMP_DIR)
    beating = JOB.beating(held)  # from a thread, however long one statement of the check takes
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as report:
            writer = csv.writer(report)
            writer.writerow(REPORT_HEADER)
            tally = _check_rows(job, held, writer)  # its last staging said it was alive
            for dup in load.duplicates(job_id):
                tally.add(merged_issue(dup), writer)
            _beat(held)
            kept: list[Issue] = []
            tally.changes = changes.find(job_id, job.incident_id, kept, merged=tally.merged > 0).as_json()
            for issue in kept:
                tally.add(issue, writer)
        _beat(held)
        without = load.without_address(job_id)
        _beat(held)
        _finish_dry_run(job, held, tally, without, report_path)
    except Superseded:
        return
    except files.Unreadable as exc:
        _drop_staged(held, staged)
        _fail(held, job, str(exc))
    except Exception as exc:
        _drop_staged(held, staged)
        unexpected = (
            "The check stopped with an unexpected error. Try again; if it fails again, tell your administrator."
        )
        _fail_unexpectedly(held, job, exc, unexpected)
    finally:
        beating.stop()
        os.unlink(report_path)


def _drop_staged(held: QuerySet[ImportJob], staged: QuerySet[ImportRow]) -> None:
    """A failed check's staged rows go, unless another run holds the job now (its rows are its own)."""
    with transaction.atomic():
        if held.select_for_update().exists():
            staged.delete()


def _finish_dry_run(job: ImportJob, held: QuerySet[ImportJob], tally: Tally, without: int, path: str) -> None:
    earlier = job.error_report.name if job.error_report else ""
    with open(path, "rb") as f:  # under a name of its own: an earlier report goes only once this one is in
        job.error_report.save(f"{os.path.basename(job.file.name)}-report.csv", File(f), save=False)
    storage = job.error_report.storage
    report = {
        "validated_at": timezone.now(),
        "error_report": job.error_report.name,
        "rows_read": tally.read,
        "rows_valid": tally.valid,
        "rows_rejected": tally.rejected,
        "duplicates_merged": tally.merged,
        "warnings": tally.warnings,
        "without_address": without,
        "footer_rows": tally.footers,
        "first_issues": sorted(tally.first, key=lambda issue: issue["row"]),
        "changes": tally.changes,
        "reason": "",
        "claim": "",
    }
    details = {
        "rows_read": tally.read,
        "rows_valid": tally.valid,
        "rows_rejected": tally.rejected,
        "duplicates_merged": tally.merged,
        "warnings": tally.warnings,
    }
    done = people_actions.move_import(
        job, ImportJob.Status.VALIDATED, actor=None, action="import.checked", details=details, also=report, rows=held
    )
    if done and earlier:
        storage.delete(earlier)
    elif not done:
        storage.delete(job.error_report.name)  # another run holds the job now and writes its own


# The import ----------------------------------------------------------------


def progress_key(job_id: int) -> str:
    return f"import-progress:{job_id}"


def import_progress(job_id: int) -> tuple[int, int] | None:
    """(step, steps) of a running import's transaction, which the job row cannot show until it commits."""
    value = cache.get(progress_key(job_id))
    return (int(value[0]), int(value[1])) if value else None


def _report_progress(job_id: int) -> Callable[[int, int], None]:
    def report(step: int, steps: int) -> None:
        cache.set(progress_key(job_id), (step, steps), timeout=3600)

    return report


def run_import(job_id: int, claim: str) -> None:
    """Write the job's staged rows to its incident, all or nothing."""
    if (taken := _take(job_id, ImportJob.Status.IMPORTING, claim)) is None:
        return
    held, job = taken
    try:
        try:
            _write(job, held)
        except IntegrityError as exc:
            if "reference_code" not in str(exc):
                raise
            load.renew_colliding_codes(job_id)  # a new reference code matched one already used (very rare)
            _write(job, held)
    except Superseded:
        return
    except StagedRowsLost:
        lost = (
            "The checked rows were lost (the database restarted), so nothing was written. "
            "Check the file again, then import it."
        )
        _fail(held, job, lost, validated_at=None)
        return
    except Exception as exc:
        stopped = (
            "The import stopped with an error and nothing was written. Try the import again; if it fails again, "
            "tell your administrator."
        )
        _fail_unexpectedly(held, job, exc, stopped)
        return
    finally:
        cache.delete(progress_key(job_id))
    if job.file:  # its people are in the database now; the row names the file until it is gone
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job_id).update(file="")
    load.refresh_statistics()


def _write(job: ImportJob, held: QuerySet[ImportJob]) -> None:
    with transaction.atomic():
        # The job's row first: held while this waits for another import of the incident, it tells the
        # sweep that this run is alive.
        _still_held(held)
        incident = Incident.objects.select_for_update().get(pk=job.incident_id)  # one import at a time
        if ImportRow.objects.filter(job_id=job.pk).count() != job.rows_valid:
            raise StagedRowsLost
        now = timezone.now()
        outcome = load.write_people(
            job.pk, job.incident_id, now, merged=job.duplicates_merged > 0, progress=_report_progress(job.pk)
        )
        people_figures.count_now(incident)
        # The move is the transaction's last step: its audit row holds the trail's lock until the commit.
        people_actions.move_import(
            job,
            ImportJob.Status.IMPORTED,
            actor=job.confirmed_by,
            action="import.completed",
            details={"file_name": job.original_name, **outcome.__dict__},
            also={"imported_at": now, "claim": "", "reason": "", **outcome.__dict__},
            rows=held,
        )


# Both steps in this process: the command line, the benchmark and tests -------


def check_now(
    job: ImportJob,
    mapping: dict[str, int],
    file_data_type_ids: list[int],
    encoding: str = "",
    both_parents: bool = False,
) -> ImportJob:
    """Record the mapping and run the dry run here rather than on a worker."""
    people_actions.check_import(
        None, job, mapping, file_data_type_ids, encoding, queue=False, both_parents=both_parents
    )
    run_dry_run(job.pk, claim=f"in-process-{job.pk}")
    return ImportJob.objects.get(pk=job.pk)


def import_now(job: ImportJob) -> ImportJob:
    """Confirm a checked job and write it here rather than on a worker."""
    people_actions.confirm_import(None, job, queue=False)
    run_import(job.pk, claim=f"in-process-{job.pk}")
    return ImportJob.objects.get(pk=job.pk)
