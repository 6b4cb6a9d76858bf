"""Address changes a verified caller asks for, and a manager's review of them."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from callcenter.actions.calls import verified_call
from callcenter.models import AddressChange, Call, RequestStatus
from incidents import figures
from incidents.models import Incident
from people.models import Recipient
from portal.lib.errors import ActionRefused


@transaction.atomic
def move_address_change(
    change: AddressChange,
    to: str,
    *,
    actor: User | None,
    action: str,
    details: dict[str, Any] | None = None,
    also: dict[str, Any] | None = None,
) -> str:
    """The address change's one move function: its transitions table decides, the audit row records it.
    Returns the status it left."""
    old = AddressChange.TRANSITIONS.move_one(change, to, also=also)
    audit.record(action, actor=actor, incident_id=change.incident_id, target=change, details=details)
    return old


@transaction.atomic
def record_address_changes_view(actor: User, incident: Incident, shown: list[int]) -> None:
    """The review queue shows addresses: which requests were on screen is recorded, by id."""
    audit.record("address_change.list_viewed", actor=actor, incident_id=incident.pk, details={"shown": shown})


@transaction.atomic
def request_address_change(actor: User, call: Call, address: dict[str, str]) -> AddressChange:
    locked, recipient_id = verified_call(call)
    waiting = ActionRefused("An address change for this recipient is already waiting for a manager's review.")
    if AddressChange.objects.filter(recipient_id=recipient_id, status=RequestStatus.PENDING).exists():
        raise waiting
    try:
        with transaction.atomic():
            change = AddressChange.objects.create(
                incident_id=locked.incident_id, recipient_id=recipient_id, call=locked, requested_by=actor, **address
            )
    except IntegrityError:  # a double submit
        raise waiting from None
    audit.record(
        "call.address_change_requested",
        actor=actor,
        incident_id=locked.incident_id,
        target=change,
        details={"call": locked.pk, "recipient": recipient_id},
    )
    return change


@transaction.atomic
def review_address_change(actor: User, change: AddressChange, approve: bool) -> list[str]:
    """Approve (the recipient's address becomes the new one) or reject a requested change.

    Returns the names of the recipient's fields that changed.
    """
    locked = AddressChange.objects.select_for_update().get(pk=change.pk)
    if locked.status != RequestStatus.PENDING:
        raise ActionRefused(f"This request was already {locked.get_status_display().lower()}.")
    if locked.requested_by_id == actor.pk:
        raise ActionRefused("Another manager must review a change you asked for.")
    changed: list[str] = []
    if approve:
        recipient = Recipient.objects.select_for_update().get(pk=locked.recipient_id)
        changed = [f for f in AddressChange.ADDRESS_FIELDS if getattr(recipient, f) != getattr(locked, f)]
        for field in changed:
            setattr(recipient, field, getattr(locked, field))
        if changed:
            # A corrected address is worth mailing again, even if a letter came back from the old one.
            recipient.address_returned_on = None
            recipient.save(update_fields=[*changed, "address_returned_on", "updated_at"])
            figures.changed(locked.incident_id)
    move_address_change(
        locked, RequestStatus.APPROVED if approve else RequestStatus.REJECTED, actor=actor,
        action="address_change.approved" if approve else "address_change.rejected",
        details={"recipient": locked.recipient_id, "fields": changed},
        also={"reviewed_by": actor, "reviewed_at": timezone.now()},
    )  # fmt: skip
    return changed
