"""Mailing: a batch marked mailed, and the mail that came back."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from incidents import actions as incident_actions
from incidents.models import Incident
from notifications.actions import moves
from notifications.models import BatchStatus, Letter, LetterBatch
from people.models import Recipient
from portal.lib.errors import ActionRefused
from regulators import packet


@transaction.atomic
def mark_mailed(actor: User, batch: LetterBatch, mailed_on: date) -> int:
    locked = moves.locked_batch(batch)
    if locked.status != BatchStatus.EXPORTED:
        raise ActionRefused("Only an exported batch can be marked mailed.")
    if mailed_on > timezone.localdate():
        raise ActionRefused("The mail date cannot be in the future.")
    stamped = Letter.objects.filter(batch=locked).update(mailed_on=mailed_on)  # a date on each letter, not a status
    details = {"mailed_on": mailed_on.isoformat(), "letters": stamped}
    moves.move_batch(actor, locked, BatchStatus.MAILED, "letter_batch.mailed", details=details,
                     also={"mailed_on": mailed_on})  # fmt: skip
    incident_actions.begin_notifying(actor, batch.incident, "letter_batch.mailed")  # people are being told
    return stamped


def mailed_letters(incident: Incident) -> packet.Mailed:
    """The incident's letters marked mailed, for the regulators' packets (registered in NotificationsConfig)."""
    batches = LetterBatch.objects.filter(incident=incident, status=BatchStatus.MAILED)  # by the batches' index
    counted = Letter.objects.filter(batch__in=batches, mailed_on__isnull=False).aggregate(
        letters=Count("pk"), recipients=Count("recipient", distinct=True), first_on=Min("mailed_on"),
        last_on=Max("mailed_on"), returned=Count("pk", filter=Q(returned_on__isnull=False)),
    )  # fmt: skip
    return packet.Mailed(**counted)


def first_mailed_by_state(incident: Incident) -> dict[str, date]:
    """The day the incident's letters to each state's recipients were first marked mailed, by postal code
    (registered in NotificationsConfig: some notices to agencies count their days from it)."""
    batches = LetterBatch.objects.filter(incident=incident, status=BatchStatus.MAILED)
    rows = (
        Letter.objects.filter(batch__in=batches, mailed_on__isnull=False)
        .exclude(recipient__state="")
        .values("recipient__state")
        .annotate(first_on=Min("mailed_on"))
    )
    return {row["recipient__state"]: row["first_on"] for row in rows}


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
