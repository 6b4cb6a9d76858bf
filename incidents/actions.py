"""State changes on incidents and their memberships. Each is atomic and audited."""

import functools
import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import Membership, Role, User
from audit import api as audit
from incidents import figures, obligations
from incidents.importing import files
from incidents.importing.fields import automap, data_type_words
from incidents.models import (
    DataType,
    Export,
    Exposure,
    FaqEntry,
    ImportJob,
    ImportRow,
    Incident,
    Individual,
    NoticeUpdate,
    Obligation,
    Recipient,
)


class ActionRefused(Exception):
    """The action cannot happen as asked; the message is shown to the user."""


def _set_fields(incident: Incident, fields: dict[str, Any]) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(incident, name) != value]
    for name in changed:
        setattr(incident, name, fields[name])
    return changed


def _set_data_types(incident: Incident, data_types: Iterable[DataType]) -> bool:
    wanted = {dt.pk for dt in data_types}
    if set(incident.data_types.values_list("pk", flat=True)) == wanted:
        return False
    incident.data_types.set(wanted)
    return True


@transaction.atomic
def create_incident(actor: User, fields: dict[str, Any], data_types: Iterable[DataType]) -> Incident:
    """Create an incident; its creator becomes its first incident manager."""
    try:
        with transaction.atomic():
            incident = Incident.objects.create(**fields)
    except IntegrityError:  # the form checked, but someone took the slug a moment ago
        raise ActionRefused(f"The short name “{fields['slug']}” is already in use; choose another.") from None
    incident.data_types.set(list(data_types))
    Membership.objects.create(user=actor, incident=incident, role=Role.MANAGER)
    audit.record(
        "incident.created", actor=actor, incident_id=incident.pk, target=incident, details={"slug": incident.slug}
    )
    return incident


@transaction.atomic
def update_incident(
    actor: User, incident: Incident, fields: dict[str, Any], data_types: Iterable[DataType]
) -> list[str]:
    """Save changed facts; returns the names of the fields that changed (recorded, their values are not).

    Compares with the stored row, locked, since a bound form has already
    copied its values onto `incident`.
    """
    stored = Incident.objects.select_for_update().get(pk=incident.pk)
    changed = _set_fields(stored, fields)
    if changed:
        stored.save(update_fields=[*changed, "updated_at"])
    if _set_data_types(stored, data_types):
        changed.append("data_types")
    if "notice_on" in changed:  # who counts as a minor
        figures.changed(stored.pk)
    if changed:
        audit.record("incident.updated", actor=actor, incident_id=stored.pk, target=stored, details={"fields": changed})
    return changed


@transaction.atomic
def change_status(actor: User, incident: Incident, status: str) -> None:
    if incident.purged_at is not None:
        raise ActionRefused("This incident's personal data was purged: it stays closed.")
    if not incident.can_move_to(status):
        raise ActionRefused(f"An incident that is {incident.get_status_display()} cannot move to {status}.")
    old = incident.status
    # Conditional update: if someone else moved it meanwhile, refuse rather than overwrite.
    now = timezone.now()
    closed_at = now if status == Incident.Status.CLOSED else None
    moved = Incident.objects.filter(pk=incident.pk, status=old, purged_at__isnull=True).update(
        status=status, updated_at=now, closed_at=closed_at
    )
    if not moved:
        raise ActionRefused("The incident's status was changed by someone else; reload and try again.")
    incident.status, incident.closed_at = status, closed_at
    audit.record(
        "incident.status_changed",
        actor=actor,
        incident_id=incident.pk,
        target=incident,
        details={"from": old, "to": status},
    )


@transaction.atomic
def add_member(actor: User | None, incident: Incident, user: User, role: str) -> Membership:
    """Grant a role. Nobody grants a role to themselves: another manager (or an administrator) must."""
    if actor is not None and actor.pk == user.pk:
        raise ActionRefused("You cannot grant yourself a role; ask another incident manager.")
    membership, created = Membership.objects.get_or_create(user=user, incident=incident, role=role)
    if not created:
        raise ActionRefused(f"{user.get_username()} is already {Role(role).label} on this incident.")
    audit.record(
        "membership.added",
        actor=actor,
        incident_id=incident.pk,
        target=membership,
        details={"user_id": user.pk, "username": user.get_username(), "role": role},
    )
    return membership


@transaction.atomic
def remove_member(actor: User, membership: Membership) -> None:
    incident = membership.incident
    managers = list(Membership.objects.select_for_update().filter(incident=incident, role=Role.MANAGER))
    if membership.role == Role.MANAGER and len(managers) <= 1:
        raise ActionRefused("An incident needs at least one incident manager; add another before removing this one.")
    details = {"user_id": membership.user_id, "username": membership.user.get_username(), "role": membership.role}
    audit.record("membership.removed", actor=actor, incident_id=incident.pk, target=membership, details=details)
    membership.delete()


# Imports of people -----------------------------------------------------------

_CHECKABLE = (ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATED, ImportJob.Status.FAILED)


def _queue(task: Any, job_id: int) -> None:
    transaction.on_commit(lambda: task.delay(job_id))


def _locked(job: ImportJob, allowed: Iterable[str], refusal: str) -> ImportJob:
    """The job's row, locked, when its status allows the action; else the refusal, after its status."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.status not in allowed:
        raise ActionRefused(f"This import is {locked.get_status_display().lower()}{refusal}")
    return locked


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
    ImportJob.objects.filter(pk=job.pk).update(
        header=info.header, header_row=info.header_row, header_found=info.header_found, sheet=info.sheet[:100],
        mapping=automatic_mapping(info.header, info.sample), status=ImportJob.Status.UPLOADED, validated_at=None,
        reason="",
    )  # fmt: skip
    details = {"header_row": info.header_row, "columns": len(info.header), "sheet_changed": info.sheet != locked.sheet}
    audit.record("import.reread", actor=actor, incident_id=job.incident_id, target=job, details=details)


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
    from incidents.tasks import check_import_file

    locked = _locked(job, _CHECKABLE, "; it cannot be checked again now.")
    ImportJob.objects.filter(pk=job.pk).update(
        mapping=mapping, file_data_type_ids=sorted(file_data_type_ids), encoding=encoding or locked.encoding,
        letter_to_both_parents=both_parents,
        status=ImportJob.Status.VALIDATING, claim="", reason="", validated_at=None,
        minor_cutoff=Incident.objects.get(pk=locked.incident_id).minor_cutoff(), progress_done=0, progress_total=0,
        heartbeat_at=timezone.now(),  # queued now: the sweep sends it again if no worker takes it
    )  # fmt: skip
    details = {"mapped": sorted(mapping), "file_data_types": len(file_data_type_ids)}
    audit.record("import.check_requested", actor=actor, incident_id=job.incident_id, target=job, details=details)
    if queue:
        _queue(check_import_file, job.pk)


@transaction.atomic
def confirm_import(actor: User | None, job: ImportJob, queue: bool = True) -> None:
    """Queue the import of a checked file (or its retry after a failed import)."""
    from incidents.tasks import import_file

    refusal = "; only a checked file can be imported."
    locked = _locked(job, (ImportJob.Status.VALIDATED, ImportJob.Status.FAILED), refusal)
    retry = locked.failed_to_import
    if locked.status == ImportJob.Status.FAILED and not retry:  # it failed its check: nothing to import
        raise ActionRefused(f"This import is {locked.get_status_display().lower()}{refusal}")
    if not locked.rows_valid:
        raise ActionRefused("No row of this file can be imported; correct the file and upload it again.")
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.IMPORTING, confirmed_by=actor, claim="", reason="", progress_done=0, progress_total=0,
        heartbeat_at=timezone.now(),  # queued now: the sweep sends it again if no worker takes it
    )  # fmt: skip
    details = {"file_name": locked.original_name, "rows_valid": locked.rows_valid, "retry": retry}
    audit.record("import.confirmed", actor=actor, incident_id=job.incident_id, target=job, details=details)
    if queue:
        _queue(import_file, job.pk)


@transaction.atomic
def discard_import(actor: User, job: ImportJob) -> None:
    """Drop an import that was not imported: its file, staged rows and report go."""
    locked = _locked(job, _CHECKABLE, " and cannot be discarded.")
    ImportRow.objects.filter(job=locked).delete()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DISCARDED, file="", error_report="")
    for stored in (locked.file, locked.error_report):
        if stored:
            transaction.on_commit(functools.partial(stored.storage.delete, stored.name))
    audit.record("import.discarded", actor=actor, incident_id=job.incident_id, target=job,
                 details={"file_name": locked.original_name})  # fmt: skip


@transaction.atomic
def add_faq_entry(actor: User, incident: Incident, question: str, answer: str, sort_order: int) -> FaqEntry:
    entry = FaqEntry.objects.create(incident=incident, question=question, answer=answer, sort_order=sort_order)
    audit.record("faq.added", actor=actor, incident_id=incident.pk, target=entry)
    return entry


@transaction.atomic
def update_faq_entry(actor: User, entry: FaqEntry, question: str, answer: str, sort_order: int) -> list[str]:
    stored = FaqEntry.objects.select_for_update().get(pk=entry.pk)
    wanted = {"question": question, "answer": answer, "sort_order": sort_order}
    changed = [name for name, value in wanted.items() if getattr(stored, name) != value]
    if changed:
        for name in changed:
            setattr(stored, name, wanted[name])
        stored.save(update_fields=changed)
        audit.record(
            "faq.changed", actor=actor, incident_id=stored.incident_id, target=stored, details={"fields": changed}
        )
    return changed


@transaction.atomic
def remove_faq_entry(actor: User, entry: FaqEntry) -> None:
    FaqEntry.objects.filter(pk=entry.pk).delete()
    audit.record("faq.removed", actor=actor, incident_id=entry.incident_id, target=entry)


@transaction.atomic
def publish_notice(actor: User, incident: Incident) -> None:
    """Put the public notice page up: refused while a section of the notice or the hotline is missing."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    missing = [label.lower() for label, text in locked.notice_sections() if not text.strip()]
    if not locked.hotline_phone:
        missing.append("the hotline's telephone number")
    if missing:
        raise ActionRefused(f"Before the notice goes public, fill in: {', '.join(missing)}.")
    if locked.notice_published_at is None:
        locked.notice_published_at = timezone.now()
        locked.save(update_fields=["notice_published_at"])
        audit.record("notice.published", actor=actor, incident_id=locked.pk, target=locked)


@transaction.atomic
def unpublish_notice(actor: User, incident: Incident) -> None:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.notice_published_at is not None:
        locked.notice_published_at = None
        locked.save(update_fields=["notice_published_at"])
        audit.record("notice.unpublished", actor=actor, incident_id=locked.pk, target=locked)


@transaction.atomic
def add_notice_update(actor: User, incident: Incident, posted_on: date, text: str) -> NoticeUpdate:
    update = NoticeUpdate.objects.create(incident=incident, posted_on=posted_on, text=text)
    audit.record("notice.update_added", actor=actor, incident_id=incident.pk, target=update)
    return update


@transaction.atomic
def remove_notice_update(actor: User, update: NoticeUpdate) -> None:
    NoticeUpdate.objects.filter(pk=update.pk).delete()
    audit.record("notice.update_removed", actor=actor, incident_id=update.incident_id, target=update)


@transaction.atomic
def record_self_check(incident: Incident, recipient: Recipient | None, outcome: str) -> None:
    """A check on the public notice, by someone who is not signed in: its outcome, and the recipient whose
    code was typed when there is one (never what was typed)."""
    audit.record("notice.checked", actor=None, incident_id=incident.pk, target=recipient, details={"outcome": outcome})


@transaction.atomic
def add_obligation(
    actor: User, incident: Incident, party: str, notice: str, due_on: date | None, citation: str, notes: str
) -> Obligation:
    """An obligation the rules table does not know: a contract, an insurer, another state's law."""
    added = Obligation.objects.create(
        incident=incident, party=party, notice=notice, due_on=due_on, citation=citation, notes=notes, created_by=actor
    )
    audit.record("obligation.added", actor=actor, incident_id=incident.pk, target=added)
    return added


@transaction.atomic
def mark_obligation_done(
    actor: User, incident: Incident, key: str, done_on: date, reference: str, evidence: File | None
) -> Obligation:
    """Record that the notice was given: when, its reference and (optionally) the evidence. A rule's
    obligation is stored here for the first time, with what it said when it was done."""
    record = _record_for(actor, incident, key)
    wanted = {"done_on": done_on, "reference": reference}
    changed = [name for name, value in wanted.items() if record.pk and getattr(record, name) != value]
    record.done_on, record.reference, record.done_by = done_on, reference, actor
    if evidence is not None:
        replaced = record.evidence.name
        if replaced:  # the earlier file goes once this mark is committed; it may hold personal data
            transaction.on_commit(lambda: record.evidence.storage.delete(replaced))
            changed.append("evidence")
        record.evidence_name = Path(evidence.name or "evidence").name[:200]
        record.evidence.save(f"{uuid.uuid4().hex}{Path(record.evidence_name).suffix.lower()}", evidence, save=False)
    record.save()
    details = {"rule": record.rule, "evidence": bool(record.evidence), "changed": changed}
    audit.record("obligation.done", actor=actor, incident_id=incident.pk, target=record, details=details)
    return record


def _years_after(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29: the day after February 28
        return date(day.year + years, 3, 1)


def decision_kept_years(incident: Incident) -> int:
    """Five years (RSMo 407.1500, Fla. Stat. 501.171); six for a HIPAA covered entity (45 CFR 164.530(j))."""
    return 6 if incident.organisation_type == obligations.HEALTH_CARE else 5


def _record_for(actor: User, incident: Incident, key: str) -> Obligation:
    Incident.objects.select_for_update().get(pk=incident.pk)  # two marks at once must not both create the record
    found = obligations.entry(incident, key)
    if found is None:
        raise ActionRefused("This obligation no longer applies to the incident; reload the list.")
    return found.record or Obligation(
        incident=incident,
        rule=key,
        party=found.party,
        notice=found.notice,
        citation=found.citation,
        due_on=found.due_on,
        due_rule=found.due_rule,
        created_by=actor,
    )


@transaction.atomic
def decide_not_to_notify(actor: User, incident: Incident, key: str, reasons: str) -> Obligation:
    """A documented decision not to give this notice: the reasons, who decided and when; kept five years."""
    record = _record_for(actor, incident, key)
    if record.done_on is not None:
        raise ActionRefused(f"This notice was given on {record.done_on:%B %d, %Y}; a decision not to give it is moot.")
    today = timezone.localdate()
    changed = bool(record.not_notifying_on)
    record.not_notifying_reasons, record.not_notifying_on, record.not_notifying_by = reasons, today, actor
    record.keep_until = _years_after(today, decision_kept_years(incident))
    record.save()
    audit.record("obligation.not_notifying", actor=actor, incident_id=incident.pk, target=record,
                 details={"rule": record.rule, "replaces_earlier_decision": changed})  # fmt: skip
    return record


@transaction.atomic
def record_evidence_download(actor: User, record: Obligation) -> None:
    audit.record("obligation.evidence_downloaded", actor=actor, incident_id=record.incident_id, target=record)


# Retention ----------------------------------------------------------------------


def delete_where(model: type[Model], column: str, value: int) -> int:
    """One DELETE for a whole incident's rows: deleting through the ORM would load every row first."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {connection.ops.quote_name(column)} = %s", [value])  # noqa: S608
        return cursor.rowcount


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


@transaction.atomic
def mark_purged(actor: User | None, incident: Incident, deleted: dict[str, int], reason: str) -> None:
    Incident.objects.filter(pk=incident.pk).update(purged_at=timezone.now())
    details: dict[str, Any] = {**deleted, "before_retention_date": bool(reason)}
    if reason:
        details["reason"] = reason
    audit.record("incident.purged", actor=actor, incident_id=incident.pk, target=incident, details=details)


# Exports of personal data ------------------------------------------------------------


def _export_id() -> str:
    return "EXP-" + get_random_string(8, allowed_chars="ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def _over_daily_limit(actor: User, kind: str, free_per_day: int | None) -> bool:
    """Whether the person has asked for `free_per_day` files of this kind today (on any incident) already."""
    if free_per_day is None:
        return False
    User.objects.select_for_update().filter(pk=actor.pk).exists()  # one person's requests counted one at a time
    day_began = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    asked = Export.objects.filter(requested_by=actor, kind=kind, requested_at__gte=day_began)
    return asked.count() >= free_per_day


@transaction.atomic
def request_export(
    actor: User, incident: Incident, kind: str, subject: dict[str, int], title: str, rows: int, reason: str,
    free_per_day: int | None = None,
) -> Export:  # fmt: skip
    """Ask for a file: ready at once up to EXPORT_APPROVAL_ROWS rows (and, for a kind with `free_per_day`, up
    to that many a day for one person), else waiting for a second person."""
    if not reason.strip():
        raise ActionRefused("Say why this file is needed: the reason is kept with the export.")
    over_daily_limit = _over_daily_limit(actor, kind, free_per_day)
    ready = rows <= settings.EXPORT_APPROVAL_ROWS and not over_daily_limit
    now = timezone.now()
    export = Export.objects.create(
        public_id=_export_id(), incident=incident, kind=kind, subject=subject, title=title, rows=rows,
        reason=reason.strip(), requested_by=actor,
        status=Export.Status.READY if ready else Export.Status.AWAITING,
        expires_at=now + timedelta(seconds=settings.EXPORT_LINK_SECONDS) if ready else None,
    )  # fmt: skip
    details = {"export": export.public_id, "kind": kind, "rows": rows, "needs_approval": not ready, **subject}
    if over_daily_limit:
        details["over_daily_limit"] = True
    audit.record("export.requested", actor=actor, incident_id=incident.pk, target=export, details=details)
    return export


@transaction.atomic
def decide_export(actor: User, export: Export, approve: bool) -> None:
    locked = Export.objects.select_for_update().get(pk=export.pk)
    if locked.status != Export.Status.AWAITING:
        raise ActionRefused(f"This export is {locked.get_status_display().lower()} already.")
    if locked.requested_by_id == actor.pk:
        raise ActionRefused("Another person must approve an export you asked for.")
    now = timezone.now()
    locked.status = Export.Status.READY if approve else Export.Status.REFUSED
    locked.decided_by, locked.decided_at = actor, now
    locked.expires_at = now + timedelta(seconds=settings.EXPORT_LINK_SECONDS) if approve else None
    locked.save(update_fields=["status", "decided_by", "decided_at", "expires_at"])
    action = "export.approved" if approve else "export.refused"
    audit.record(action, actor=actor, incident_id=locked.incident_id, target=locked,
                 details={"export": locked.public_id})  # fmt: skip
    export.status, export.expires_at = locked.status, locked.expires_at


def release_export(export: Export) -> None:
    """The file could not be made after its link was used: the link works again, and the trail says so."""
    with transaction.atomic():
        Export.objects.filter(pk=export.pk, status=Export.Status.DOWNLOADED).update(
            status=Export.Status.READY, downloaded_at=None
        )
        audit.record("export.failed", actor=None, incident_id=export.incident_id, target=export,
                     details={"export": export.public_id})  # fmt: skip


@transaction.atomic
def claim_export(actor: User, export: Export) -> bool:
    """Use the link: True once, for the person who asked, before it expires (a conditional update, so
    two clicks at once make one file)."""
    now = timezone.now()
    claimed = Export.objects.filter(
        pk=export.pk, status=Export.Status.READY, requested_by=actor, expires_at__gt=now
    ).update(status=Export.Status.DOWNLOADED, downloaded_at=now)
    if claimed:
        audit.record("export.downloaded", actor=actor, incident_id=export.incident_id, target=export,
                     details={"export": export.public_id, "kind": export.kind, "rows": export.rows})  # fmt: skip
    return bool(claimed)
