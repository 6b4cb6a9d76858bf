"""A batch's proof, its second-person approval and its export (from the browser or the command line)."""

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from incidents.actions import move_export
from incidents.models import Export
from notifications.actions import moves
from notifications.models import BatchStatus, LetterBatch, ProofOpening
from portal.lib.errors import ActionRefused


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
    locked = moves.locked_batch(batch)
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
    approval = {"approved_by": actor, "approved_at": timezone.now()}
    moves.move_batch(actor, locked, BatchStatus.APPROVED, "letter_batch.approved", also=approval)


@transaction.atomic
def record_export(actor: User | None, batch: LetterBatch, via: str, **more: object) -> None:
    """Before the export is handed over: an approved batch becomes exported; every download is audited
    (`more` adds to the event's details: the command line's operator and reason)."""
    locked = moves.locked_batch(batch)
    if locked.status not in (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.MAILED):
        raise ActionRefused(
            f"Only an approved batch can be exported; this one is {locked.get_status_display().lower()}."
        )
    details = {"via": via, "letters": locked.letters_total, "parts": len(locked.parts), **more}
    if locked.status == BatchStatus.APPROVED:  # the first export moves the batch; later ones are downloads
        exported = {"exported_at": timezone.now()}
        moves.move_batch(actor, locked, BatchStatus.EXPORTED, "letter_batch.exported", details=details, also=exported)
    else:
        audit.record("letter_batch.exported", actor=actor, incident_id=locked.incident_id, target=locked,
                     details=details)  # fmt: skip


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
        usable = Export.objects.filter(expires_at__gt=now)  # and ready: the table moves only a ready one
        used = {"export": request.public_id, "kind": request.kind, "rows": request.rows, "via": "command",
                "operator": operator}  # fmt: skip
        if not move_export(request, Export.Status.DOWNLOADED, actor=None, action="export.downloaded",
                           details=used, also={"downloaded_at": now}, rows=usable):  # fmt: skip
            raise ActionRefused(f"{request.public_id} was used or has expired: ask for the export again.")
        details["export"] = request.public_id
    record_export(None, batch, via="command", **details)
