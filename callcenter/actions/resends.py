"""Letters a caller asks to be sent again, and the batch that sends them."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from callcenter.actions.calls import verified_call
from callcenter.models import Call, LetterResend
from incidents.models import Incident
from notifications import actions as letters
from notifications.letters.selection import Selection
from notifications.models import LetterBatch
from portal.lib.errors import ActionRefused


@transaction.atomic
def request_letter_resend(actor: User, call: Call) -> LetterResend:
    """Queue the recipient for the next letter batch; asking again while one waits changes nothing."""
    locked, recipient_id = verified_call(call)
    waiting = LetterResend.objects.filter(recipient_id=recipient_id, batched_at__isnull=True).first()
    if waiting is not None:
        raise ActionRefused("A re-send for this recipient is already waiting for the next batch.")
    try:
        with transaction.atomic():
            resend = LetterResend.objects.create(
                incident_id=locked.incident_id, recipient_id=recipient_id, call=locked, requested_by=actor
            )
    except IntegrityError:
        raise ActionRefused("A re-send for this recipient is already waiting for the next batch.") from None
    audit.record(
        "call.letter_resend_requested",
        actor=actor,
        incident_id=locked.incident_id,
        target=resend,
        details={"call": locked.pk, "recipient": recipient_id},
    )
    return resend


@transaction.atomic
def batch_letter_resends(actor: User, incident: Incident) -> LetterBatch:
    """A letter batch of everyone whose letter a caller asked to be sent again; those re-sends are done."""
    waiting = LetterResend.objects.select_for_update().filter(incident=incident, batched_at__isnull=True)
    ids = frozenset(waiting.values_list("recipient_id", flat=True))
    if not ids:
        raise ActionRefused("No letter is waiting to be sent again.")
    name = f"Re-sends {timezone.localdate():%m/%d/%Y}"
    batch = letters.create_batch(actor, incident, name, Selection(recipient_ids=ids))
    taken = set(batch.letters.values_list("recipient_id", flat=True))
    waiting.filter(recipient_id__in=taken).update(batched_at=timezone.now())
    audit.record(
        "letter_resend.batched",
        actor=actor,
        incident_id=incident.pk,
        target=batch,
        details={"letters": len(taken), "left_waiting": len(ids - taken)},
    )
    return batch
