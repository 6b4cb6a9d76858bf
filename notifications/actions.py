"""State changes on letters. Each is atomic, takes the acting user and writes its audit event."""

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from incidents.models import Export, Incident
from incidents.readers import Language
from notifications import tasks
from notifications.letters import lettertext, merge, proof
from notifications.letters.selection import Selection, recipients_for
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate, ProofOpening
from people.models import Recipient
from portal.lib import bulk
from portal.lib.errors import ActionRefused

DEFAULT_TEMPLATES = (
    ("Standard letter (English)", Language.ENGLISH, "default_en.md"),
    ("Standard letter (Spanish)", Language.SPANISH, "default_es.md"),
)
_INSERT_ROWS = 5000


def default_text(file_name: str) -> str:
    """A standard letter, written as letter text (so a manager edits it in the same editor as any variant)."""
    return (Path(settings.BASE_DIR) / "templates" / "letters" / file_name).read_text(encoding="utf-8")


@transaction.atomic
def install_default_templates(actor: User | None, incident: Incident) -> list[LetterTemplate]:
    """The standard English and Spanish letters, for an incident that has no template yet."""
    if LetterTemplate.objects.select_for_update().filter(incident=incident).exists():
        return []
    made = []
    for i, (name, language, file_name) in enumerate(DEFAULT_TEMPLATES):
        text = default_text(file_name)
        made.append(
            LetterTemplate.objects.create(
                incident=incident,
                name=name,
                language=language,
                text=text,
                body=lettertext.compile_text(text),
                sort_order=100 + i * 10,
            )
        )
    audit.record(
        "letter_template.defaults_installed", actor=actor, incident_id=incident.pk, details={"count": len(made)}
    )
    return made


@transaction.atomic
def save_template(
    actor: User, incident: Incident, template: LetterTemplate | None, fields: dict[str, object]
) -> LetterTemplate:
    if template is None:
        template = LetterTemplate.objects.create(incident=incident, **fields)
        audit.record("letter_template.created", actor=actor, incident_id=incident.pk, target=template)
        return template
    changed = [name for name, value in fields.items() if getattr(template, name) != value]
    for name in changed:
        setattr(template, name, fields[name])
    if changed:
        template.save(update_fields=[*changed, "updated_at"])
        audit.record(
            "letter_template.changed",
            actor=actor,
            incident_id=incident.pk,
            target=template,
            details={"fields": changed},
        )
    return template


@transaction.atomic
def save_letter_settings(
    actor: User, incident: Incident, return_address: str, logo: File | None, remove_logo: bool
) -> list[str]:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    changed = []
    if locked.return_address != return_address:
        locked.return_address = return_address
        changed.append("return_address")
    old_logo = locked.letter_logo.name if locked.letter_logo else ""
    if logo is not None or (remove_logo and old_logo):
        if logo is not None:
            locked.letter_logo.save(f"incident-{locked.pk}{Path(logo.name or '').suffix.lower()}", logo, save=False)
        else:
            locked.letter_logo = None
        changed.append("letter_logo")
        if old_logo:
            transaction.on_commit(functools.partial(default_storage.delete, old_logo))
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        audit.record("letter_settings.changed", actor=actor, incident_id=incident.pk, details={"fields": changed})
    return changed


@transaction.atomic
def record_preview_lookup(actor: User, template: LetterTemplate, recipient: Recipient | None) -> None:
    """A reference code typed for a preview reads that person's record, found or not, as a caller search does."""
    details: dict[str, object] = {"template": template.pk, "found": recipient is not None}
    if recipient is not None:
        details["individual"] = recipient.individual_id
    audit.record("letter.preview_looked_up", actor=actor, incident_id=template.incident_id, target=recipient,
                 details=details)  # fmt: skip


@transaction.atomic
def record_refused_preview(actor: User, template: LetterTemplate) -> None:
    audit.record("letter.preview_rate_limited", actor=actor, incident_id=template.incident_id,
                 details={"template": template.pk})  # fmt: skip


@transaction.atomic
def record_preview(actor: User, template: LetterTemplate, recipient: Recipient | None) -> None:
    details = {"template": template.pk, "sample": recipient is None}
    audit.record("letter.previewed", actor=actor, incident_id=template.incident_id, target=recipient, details=details)


@transaction.atomic
def create_batch(
    actor: User | None,
    incident: Incident,
    name: str,
    selection: Selection,
    queue: bool = True,
    letters_dated_on: date | None = None,
) -> LetterBatch:
    """A batch of the selected recipients, in ZIP order, sent to the workers to render
    (unless `queue` is off: the caller renders it with `tasks.run_now`). Its letters are dated
    `letters_dated_on` (the mail date the manager chose) or else the incident's notice date."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)  # two batches must not take the same people
    if not LetterTemplate.objects.filter(incident=incident, is_active=True).exists():
        raise ActionRefused("This incident has no active letter template: add the standard letters or write one first.")
    if letters_dated_on is None and locked.notice_on is None:
        raise ActionRefused(
            "Letters are dated the incident's notice date, and it has none: set it on the incident's form, "
            "or choose the date to print on this batch's letters."
        )
    _refuse_missing_spanish(locked, selection)
    batch = LetterBatch.objects.create(
        incident=incident,
        name=name,
        selection=selection.as_json(),
        is_remail=selection.remail,
        created_by=actor,
        letters_dated_on=letters_dated_on,
    )
    ids = recipients_for(incident, selection).values_list("pk", flat=True)
    sequence, rows = 0, []
    for recipient_id in ids.iterator(chunk_size=_INSERT_ROWS):
        sequence += 1
        rows.append(Letter(batch=batch, incident=incident, recipient_id=recipient_id, sequence=sequence))
        if len(rows) == _INSERT_ROWS:
            Letter.objects.bulk_create(rows)
            rows = []
    Letter.objects.bulk_create(rows)
    if not sequence:
        raise ActionRefused(
            "No recipient matches: everyone chosen already has a letter, or has no deliverable address."
        )
    batch.letters_total = sequence
    batch.save(update_fields=["letters_total"])
    audit.record(
        "letter_batch.created",
        actor=actor,
        incident_id=incident.pk,
        target=batch,
        details={"letters": sequence, **selection.as_json(), "letters_dated_on": str(batch.letter_date())},
    )
    _start_rendering(batch, queue)
    return batch


def _refuse_missing_spanish(incident: Incident, selection: Selection) -> None:
    """A batch that would print Spanish letters needs every text of the incident in Spanish."""
    missing = incident.missing_spanish()
    if (
        not missing
        or not LetterTemplate.objects.filter(incident=incident, is_active=True, language=Language.SPANISH).exists()
    ):
        return
    if recipients_for(incident, selection).filter(individual__language=Language.SPANISH).exists():
        raise ActionRefused(f"Some of these recipients get the Spanish letter. {merge.MissingTranslation(missing)}")


def _start_rendering(batch: LetterBatch, queue: bool = True) -> None:
    LetterBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RENDERING,
        render_round=F("render_round") + 1,
        render_started_at=timezone.now(),
        rendered_at=None,
        letters_rendered=0,
        letters_failed=0,
        pages_total=0,
        assembly_claim="",
        parts=[],
        manifest="",
        checksums="",
    )
    batch.refresh_from_db()
    if queue:
        tasks.enqueue_rendering(batch)


def _locked(batch: LetterBatch) -> LetterBatch:
    return LetterBatch.objects.select_for_update().get(pk=batch.pk)


@transaction.atomic
def rerender_batch(actor: User, batch: LetterBatch) -> None:
    """Render every letter again (after a template fix): same letters, same sequence numbers."""
    locked = _locked(batch)
    if not locked.can_move_to(BatchStatus.RENDERING) or locked.status == BatchStatus.DRAFT:
        raise ActionRefused(f"A batch that is {locked.get_status_display().lower()} cannot be rendered again.")
    old_files = [p["name"] for p in locked.parts if p] + [f.name for f in (locked.manifest, locked.checksums) if f]
    old_files += list(Letter.objects.filter(batch=locked).exclude(chunk="").values_list("chunk", flat=True).distinct())
    old_files += proof.files_of(locked.proof)
    LetterBatch.objects.filter(pk=locked.pk).update(proof={}, proof_claimed_at=None)
    Letter.objects.filter(batch=locked).update(
        status=LetterStatus.PENDING,
        attempts=0,
        claim="",
        claimed_at=None,
        reason="",
        chunk="",
        chunk_first_page=0,
        page_count=0,
        part_number=None,
        part_first_page=None,
    )
    _start_rendering(locked)
    audit.record("letter_batch.rerender_requested", actor=actor, incident_id=locked.incident_id, target=locked)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in old_files])  # type: ignore[func-returns-value]


@transaction.atomic
def record_proof_opened(actor: User, batch: LetterBatch) -> None:
    """The proof's pages were shown to `actor`: a mail administrator may approve this round from now on."""
    ProofOpening.objects.get_or_create(batch=batch, user=actor, render_round=batch.render_round)
    audit.record(
        "letter_batch.proof_opened",
        actor=actor,
        incident_id=batch.incident_id,
        target=batch,
        details={"round": batch.render_round, "pages": len(batch.proof.get("pages", []))},
    )


@transaction.atomic
def record_proof_written(batch: LetterBatch) -> None:
    """`batch_proof` wrote the proof into a file on the server."""
    details = {"round": batch.render_round, "via": "command"}
    audit.record("letter_batch.proof_written", actor=None, incident_id=batch.incident_id, target=batch, details=details)


@transaction.atomic
def approve_batch(actor: User, batch: LetterBatch) -> None:
    locked = _locked(batch)
    if locked.created_by_id == actor.pk:
        raise ActionRefused("Another mail administrator must approve this batch: you created it.")
    if locked.status != BatchStatus.RENDERED:
        raise ActionRefused(
            f"Only a rendered batch can be approved; this one is {locked.get_status_display().lower()}."
        )
    if not ProofOpening.objects.filter(batch=locked, user=actor, render_round=locked.render_round).exists():
        raise ActionRefused(
            "Open the proof and look at its letters before approving: "
            "a batch is approved only by a mail administrator who has seen its proof."
        )
    locked.status, locked.approved_by, locked.approved_at = BatchStatus.APPROVED, actor, timezone.now()
    locked.save(update_fields=["status", "approved_by", "approved_at"])
    audit.record("letter_batch.approved", actor=actor, incident_id=locked.incident_id, target=locked)


@transaction.atomic
def record_export(actor: User | None, batch: LetterBatch, via: str, **more: object) -> None:
    """Before the export is handed over: an approved batch becomes exported; every download is audited
    (`more` adds to the event's details: the command line's operator and reason)."""
    locked = _locked(batch)
    if locked.status not in (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.MAILED):
        raise ActionRefused(
            f"Only an approved batch can be exported; this one is {locked.get_status_display().lower()}."
        )
    if locked.status == BatchStatus.APPROVED:
        locked.status, locked.exported_at = BatchStatus.EXPORTED, timezone.now()
        locked.save(update_fields=["status", "exported_at"])
    details = {"via": via, "letters": locked.letters_total, "parts": len(locked.parts), **more}
    audit.record("letter_batch.exported", actor=actor, incident_id=locked.incident_id, target=locked, details=details)


def approved_request(batch: LetterBatch, public_id: str = "") -> Export | None:
    """The batch's export request whose link works now (approved by a second person when it had to be):
    the one named, or the latest."""
    ready = Export.objects.filter(
        incident_id=batch.incident_id, kind="letters", subject__batch=batch.pk, status=Export.Status.READY,
        expires_at__gt=timezone.now(),
    ).select_related("requested_by")  # fmt: skip
    if public_id:
        ready = ready.filter(public_id=public_id)
    return ready.order_by("-requested_at").first()


@transaction.atomic
def record_command_export(batch: LetterBatch, operator: str, reason: str, request: Export | None) -> None:
    """The command line's export, audited with the operator's OS user and reason: it uses an approved request's
    link (once, as the browser would), or goes without one when forced (`request` None), which the trail says."""
    if not reason.strip():
        raise ActionRefused("Say why this file is needed (--reason): it is kept in the audit trail.")
    details: dict[str, object] = {"operator": operator, "reason": reason.strip()[:500], "forced": request is None}
    if request is not None:
        now = timezone.now()
        used = Export.objects.filter(pk=request.pk, status=Export.Status.READY, expires_at__gt=now)
        if not used.update(status=Export.Status.DOWNLOADED, downloaded_at=now):
            raise ActionRefused(f"{request.public_id} was used or has expired: ask for the export again.")
        audit.record("export.downloaded", actor=None, incident_id=batch.incident_id, target=request,
                     details={"export": request.public_id, "kind": request.kind, "rows": request.rows,
                              "via": "command", "operator": operator})  # fmt: skip
        details["export"] = request.public_id
    record_export(None, batch, via="command", **details)


@transaction.atomic
def mark_mailed(actor: User, batch: LetterBatch, mailed_on: date) -> int:
    locked = _locked(batch)
    if locked.status != BatchStatus.EXPORTED:
        raise ActionRefused("Only an exported batch can be marked mailed.")
    if mailed_on > timezone.localdate():
        raise ActionRefused("The mail date cannot be in the future.")
    locked.status, locked.mailed_on = BatchStatus.MAILED, mailed_on
    locked.save(update_fields=["status", "mailed_on"])
    stamped = Letter.objects.filter(batch=locked).update(mailed_on=mailed_on)
    audit.record(
        "letter_batch.mailed",
        actor=actor,
        incident_id=locked.incident_id,
        target=locked,
        details={"mailed_on": mailed_on.isoformat(), "letters": stamped},
    )
    return stamped


@transaction.atomic
def record_letter_download(actor: User, letter: Letter) -> None:
    audit.record(
        "letter.downloaded",
        actor=actor,
        incident_id=letter.incident_id,
        target=letter,
        details={"batch": letter.batch_id, "sequence": letter.sequence},
    )


@dataclass(frozen=True)
class ReturnedPiece:
    row: str  # where it came from, as the screen names it: "Line 3" or "Row 3"
    reference_code: str  # normalised
    reason: str


def _returned_letter(incident: Incident, piece: ReturnedPiece) -> Letter | str:
    """The mailed letter the code names, or why it cannot be marked returned."""
    letter = (
        Letter.objects.select_for_update()
        .filter(incident=incident, recipient__reference_code=piece.reference_code, mailed_on__isnull=False)
        .order_by("-mailed_on", "-pk")
        .first()
    )
    if letter is None:
        return f"{piece.row}: no mailed letter has this reference code."
    if letter.returned_on is not None:
        return f"{piece.row}: this letter was already recorded as returned on {letter.returned_on:%m/%d/%Y}."
    return letter


@transaction.atomic
def record_returns(actor: User, incident: Incident, pieces: list[ReturnedPiece], returned_on: date) -> int:
    """Mark mailed letters returned and their addresses undeliverable: all of them, or none when one is wrong."""
    if returned_on > timezone.localdate():
        raise ActionRefused("The return date cannot be in the future.")
    found: list[tuple[ReturnedPiece, Letter | str]] = []
    problems: list[tuple[ReturnedPiece, Letter | str]] = []
    first_seen: dict[int, str] = {}
    for piece in pieces:
        outcome = _returned_letter(incident, piece)
        if isinstance(outcome, Letter) and outcome.pk in first_seen:
            outcome = f"{piece.row}: the same letter as {first_seen[outcome.pk].lower()}."
        elif isinstance(outcome, Letter):
            first_seen[outcome.pk] = piece.row
        (problems if isinstance(outcome, str) else found).append((piece, outcome))
    if problems:
        raise ActionRefused(" ".join(str(p[1]) for p in problems[:20]) + _more(len(problems)))
    for piece, letter in found:
        assert isinstance(letter, Letter)
        Letter.objects.filter(pk=letter.pk).update(returned_on=returned_on, return_reason=piece.reason)
        Recipient.objects.filter(pk=letter.recipient_id).update(address_returned_on=returned_on)
        LetterBatch.objects.filter(pk=letter.batch_id).update(returned_count=F("returned_count") + 1)
    reasons = sorted({piece.reason for piece, _letter in found})
    audit.record(
        "mail.returned", actor=actor, incident_id=incident.pk, details={"letters": len(found), "reasons": reasons}
    )
    return len(found)


def _more(count: int) -> str:
    return f" (and {count - 20} more)" if count > 20 else ""


def purge_letters(incident: Incident) -> int:
    """Delete the incident's letters and their print files, manifests and checksums; the batches keep
    their counts. The caller holds the transaction (purge_incident)."""
    files: list[str] = []
    for batch in LetterBatch.objects.filter(incident=incident):
        files += [part["name"] for part in batch.parts] + [f.name for f in (batch.manifest, batch.checksums) if f]
        files += proof.files_of(batch.proof)
    LetterBatch.objects.filter(incident=incident).update(parts=[], manifest="", checksums="", proof={})
    # Chunks of a batch that never finished rendering are letters too.
    files += Letter.objects.filter(incident=incident).exclude(chunk="").values_list("chunk", flat=True).distinct()
    deleted = bulk.delete_where(Letter, "incident_id", incident.pk)
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])  # type: ignore[func-returns-value]
    return deleted
