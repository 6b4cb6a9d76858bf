"""State changes on people and their imports. Each is atomic and audited."""

import functools
import uuid
from collections.abc import Collection, Iterable
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from incidents.models import DataType, Export, Incident
from people.importing import files
from people.importing.fields import automap, data_type_words
from people.models import Exposure, ImportJob, ImportRow, Individual, Recipient
from portal.lib.bulk import delete_where
from portal.lib.errors import ActionRefused

_CHECKABLE = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATED, ImportJob.Status.FAILED)


def _queue(task: Any, job_id: int) -> None:
    transaction.on_commit(lambda: task.delay(job_id))


def _locked(job: ImportJob, allowed: Iterable[str], refusal: str) -> ImportJob:
    """The job's row, locked, when its status allows the action; else the refusal, after its status."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status not in allowed:
        raise ActionRefused(f"This import is {locked.get_status_display().lower()}{refusal}")
    return locked


@transaction.atomic
def move_import(
    job: ImportJob,
    to: str,
    *,
    actor: User | None,
    action: str,
    details: dict[str, Any] | None = None,
    only_from: Collection[str] | None = None,
    also: dict[str, Any] | None = None,
    rows: QuerySet[ImportJob] | None = None,
) -> bool:
    """The import's one move function, for a person's moves and a worker's (actor None): its transitions table
    decides, the audit row records it. With `rows` (the job's row as a worker's run holds it) a move that finds
    the job no longer held is no refusal: it returns False and records nothing; without, a move the table does
    not allow is refused. Details are computed before the move: `job` holds the new values after it."""
    if rows is None:
        ImportJob.TRANSITIONS.move_one(job, to, only_from=only_from, also=also)
    elif not ImportJob.TRANSITIONS.move(rows.filter(pk=job.pk), to, only_from=only_from, also=also):
        return False
    audit.record(action, actor=actor, incident_id=job.incident_id, target=job, details=details)
    return True


def automatic_mapping(header: list[str], sample: list[tuple[int, list[str]]] | None = None) -> dict[str, int]:
    """The columns recognised in a file's header, by field key (data types by the catalog's labels); the
    first rows tell which way round a column of whole names is written."""
    words = data_type_words(DataType.objects.values_list("pk", "key", "label"))
    return automap(header, words, [cells for _, cells in sample or []])


@transaction.atomic
def upload_import(actor: User | None, incident: Incident, f: IO[bytes], name: str, info: files.FileInfo) -> ImportJob:
    """Keep an uploaded file that `files.inspect` read, with the columns recognised in its header."""
    job = ImportJob(
        incident=incident, created_by=actor, original_name=name[:255], kind=info.kind, encoding=info.encoding,
        encoding_sure=info.encoding_sure, delimiter=info.delimiter, header=info.header,
        mapping=automatic_mapping(info.header, info.sample), header_row=info.header_row,
        header_found=info.header_found, sheet=info.sheet[:100], sheets=info.sheets,
    )  # fmt: skip
    f.seek(0, 2)
    job.size = f.tell()
    f.seek(0)
    job.file.save(f"{uuid.uuid4().hex}.{info.kind}", File(f), save=False)
    try:
        job.save()
    except Exception:
        job.file.delete(save=False)
        raise
    details = {"file_name": job.original_name, "size": job.size, "kind": job.kind, "columns": len(info.header)}
    audit.record("import.uploaded", actor=actor, incident_id=incident.pk, target=job, details=details)
    return job


@transaction.atomic
def reread_import(actor: User, job: ImportJob, info: files.FileInfo) -> None:
    """Read the kept file from another header row or sheet (`files.inspect` read it so): new columns, matched
    afresh, and any earlier check forgotten."""
    locked = _locked(job, _CHECKABLE, "; its header cannot be changed now.")
    ImportRow.objects.filter(job=locked).delete()
    details = {"header_row": info.header_row, "columns": len(info.header), "sheet_changed": info.sheet != locked.sheet}
    also = {
        "header": info.header, "header_row": info.header_row, "header_found": info.header_found,
        "sheet": info.sheet[:100], "mapping": automatic_mapping(info.header, info.sample), "validated_at": None,
        "reason": "",
    }  # fmt: skip
    move_import(locked, ImportJob.Status.UPLOADED, actor=actor, action="import.reread", details=details, also=also)


@transaction.atomic
def check_import(
    actor: User | None,
    job: ImportJob,
    mapping: dict[str, int],
    file_data_type_ids: list[int],
    encoding: str = "",
    queue: bool = True,
    both_parents: bool = False,
) -> None:
    """Save the confirmed mapping and queue the dry run (which replaces any earlier report).

    With queue=False the caller runs the dry run itself (the command line).
    """
    from people.tasks import check_import_file

    locked = _locked(job, _CHECKABLE, "; it cannot be checked again now.")
    also = {
        "mapping": mapping, "file_data_type_ids": sorted(file_data_type_ids), "encoding": encoding or locked.encoding,
        "letter_to_both_parents": both_parents, "claim": "", "reason": "", "validated_at": None,
        "minor_cutoff": Incident.objects.get(pk=locked.incident_id).minor_cutoff(), "progress_done": 0,
        "progress_total": 0,
        "heartbeat_at": timezone.now(),  # queued now: the sweep sends it again if no worker takes it
    }  # fmt: skip
    details = {"mapped": sorted(mapping), "file_data_types": len(file_data_type_ids)}
    move_import(
        locked, ImportJob.Status.VALIDATING, actor=actor, action="import.check_requested", details=details, also=also
    )
    if queue:
        _queue(check_import_file, job.pk)


@transaction.atomic
def confirm_import(actor: User | None, job: ImportJob, queue: bool = True) -> None:
    """Queue the import of a checked file (or its retry after a failed import)."""
    from people.tasks import import_file

    refusal = "; only a checked file can be imported."
    locked = _locked(job, (ImportJob.Status.VALIDATED, ImportJob.Status.FAILED), refusal)
    retry = locked.failed_to_import
    if locked.status == ImportJob.Status.FAILED and not retry:  # it failed its check: nothing to import
        raise ActionRefused(f"This import is {locked.get_status_display().lower()}{refusal}")
    if not locked.rows_valid:
        raise ActionRefused("No row of this file can be imported; correct the file and upload it again.")
    also = {
        "confirmed_by": actor, "claim": "", "reason": "", "progress_done": 0, "progress_total": 0,
        "heartbeat_at": timezone.now(),  # queued now: the sweep sends it again if no worker takes it
    }  # fmt: skip
    details = {"file_name": locked.original_name, "rows_valid": locked.rows_valid, "retry": retry}
    move_import(locked, ImportJob.Status.IMPORTING, actor=actor, action="import.confirmed", details=details, also=also)
    if queue:
        _queue(import_file, job.pk)


@transaction.atomic
def discard_import(actor: User, job: ImportJob) -> None:
    """Drop an import that was not imported: its file, staged rows and report go."""
    locked = _locked(job, _CHECKABLE, " and cannot be discarded.")
    ImportRow.objects.filter(job=locked).delete()
    for stored in (locked.file, locked.error_report):  # before the move, which empties both
        if stored:
            transaction.on_commit(functools.partial(stored.storage.delete, stored.name))
    move_import(
        locked, ImportJob.Status.DISCARDED, actor=actor, action="import.discarded",
        details={"file_name": locked.original_name}, also={"file": "", "error_report": ""},
    )  # fmt: skip


def purge_people(incident: Incident) -> dict[str, int]:
    """Delete the incident's people, their recipients and exposures, and its import files and staged rows;
    the figures counted from them stay. The caller holds the transaction and has first removed what
    points at recipients (letters, call links)."""
    deleted = {
        "exposures": delete_where(Exposure, "incident_id", incident.pk),
        "recipients": delete_where(Recipient, "incident_id", incident.pk),
        "individuals": delete_where(Individual, "incident_id", incident.pk),
    }
    files = []
    for job in ImportJob.objects.filter(incident=incident):
        delete_where(ImportRow, "job_id", job.pk)
        files += [f.name for f in (job.file, job.error_report) if f]
    ImportJob.objects.filter(incident=incident).update(file="", error_report="", first_issues=[])
    Export.objects.filter(incident=incident).update(reason="", title="Purged with the incident's personal data")
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])  # type: ignore[func-returns-value]
    return deleted
