"""State changes of the call center. Each is atomic and audited; audit details hold ids, names of
points and fields, and keyed hashes, never what a caller said."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.models import User
from audit import api as audit
from callcenter import verification
from callcenter.models import (
    AddressChange,
    Call,
    CallbackAttempt,
    CallTally,
    Disposition,
    Escalation,
    LetterResend,
    RequestStatus,
    Verification,
)
from callcenter.search import Criteria, Found
from incidents import figures
from incidents.models import Incident, Membership
from notifications import actions as letters
from notifications.letters.selection import Selection
from notifications.models import LetterBatch
from people.models import Recipient
from portal.lib import bulk
from portal.lib.errors import ActionRefused

__all__ = ["ActionRefused"]


def criteria_hash(incident: Incident, criteria: Criteria) -> str:
    """A keyed hash of a search's criteria: the same search twice shows as the same value, and nobody
    without the secret key can test a guess against it."""
    canonical = "|".join(str(value or "") for value in vars(criteria).values())
    return salted_hmac(f"callcenter.search.{incident.pk}", canonical, algorithm="sha256").hexdigest()


def record_search(actor: User, incident: Incident, criteria: Criteria, found: Found) -> None:
    """The search, and whom it showed (recipient ids), for an auditor retracing what an agent saw."""
    with transaction.atomic():
        audit.record(
            "lookup.searched",
            actor=actor,
            incident_id=incident.pk,
            details={
                "kind": criteria.kind,
                "criteria_hash": criteria_hash(incident, criteria),
                "results": len(found.matches),
                "shown": [match.recipient_id for match in found.matches],
                "fuzzy": found.fuzzy,
            },
        )


def record_refused_search(actor: User, incident: Incident) -> None:
    with transaction.atomic():
        audit.record("lookup.rate_limited", actor=actor, incident_id=incident.pk)


@transaction.atomic
def ensure_dispositions(incident: Incident, actor: User | None = None) -> None:
    """Give an incident the default dispositions the first time it takes a call (or a manager saves them)."""
    if Disposition.objects.filter(incident=incident).exists():
        return
    rows = [
        Disposition(incident=incident, key=key, label=label, sort_order=(n + 1) * 10)
        for n, (key, label) in enumerate(Disposition.DEFAULTS)
    ]
    Disposition.objects.bulk_create(rows, ignore_conflicts=True)
    if actor is not None:
        audit.record("disposition.added", actor=actor, incident_id=incident.pk, details={"defaults": len(rows)})


def _tally_day(call: Call) -> date:
    """The call's day in the hotline's time zone, fixed when it starts: closing it counts on the same day
    even if the hotline's time zone changed meanwhile."""
    return call.tallied_on or timezone.localtime(call.started_at, ZoneInfo(call.incident.hotline_time_zone)).date()


def _tally(call: Call, disposition: Disposition | None, by: int) -> None:
    """Count the call on its day under its disposition, or none while open."""
    day = _tally_day(call)
    rows = CallTally.objects.filter(incident_id=call.incident_id, day=day, disposition=disposition)
    if rows.update(calls=F("calls") + by):
        return
    try:
        with transaction.atomic():  # a savepoint: another call may add the row first
            CallTally.objects.create(incident_id=call.incident_id, day=day, disposition=disposition, calls=by)
    except IntegrityError:
        rows.update(calls=F("calls") + by)


@transaction.atomic
def start_call(actor: User, incident: Incident, recipient: Recipient | None, started_at: datetime) -> Call:
    """Open a call on the record the agent chose, or, with no record, for a caller not in the file.

    A double submit (the agent's call on the same record, or on nobody, opened moments ago and not
    yet checked) returns that call. An older open call is never reused: it may hold another
    caller's verification.
    """
    User.objects.select_for_update().filter(pk=actor.pk).first()  # one start at a time per agent
    now = timezone.now()
    twin = Call.objects.filter(
        incident=incident,
        agent=actor,
        recipient=recipient,
        ended_at__isnull=True,
        started_at__gte=now - Call.DOUBLE_SUBMIT,
        verification=Verification.NOT_ATTEMPTED if recipient else Verification.NOT_FOUND,
        failed_checks=0,
    ).first()
    if twin is not None:
        return twin
    ensure_dispositions(incident)
    call = Call(
        incident=incident,
        agent=actor,
        started_at=min(started_at, now),
        recipient=recipient,
        verification=Verification.NOT_ATTEMPTED if recipient else Verification.NOT_FOUND,
    )
    call.tallied_on = _tally_day(call)
    call.save()
    _tally(call, None, 1)
    audit.record(
        "call.started", actor=actor, incident_id=incident.pk, target=call, details={"found": recipient is not None}
    )
    return call


@transaction.atomic
def record_view(actor: User, call: Call) -> None:
    details = {"recipient": call.recipient_id, "disclosed": call.discloses(timezone.now())}
    audit.record("call.record_viewed", actor=actor, incident_id=call.incident_id, target=call, details=details)


@transaction.atomic
def record_escalation_view(actor: User, escalation: Escalation) -> None:
    audit.record("escalation.viewed", actor=actor, incident_id=escalation.incident_id, target=escalation)


@transaction.atomic
def record_address_changes_view(actor: User, incident: Incident, shown: list[int]) -> None:
    """The review queue shows addresses: which requests were on screen is recorded, by id."""
    audit.record("address_change.list_viewed", actor=actor, incident_id=incident.pk, details={"shown": shown})


LOCKED = (
    f"Verification is locked after {Call.MAX_FAILED_CHECKS} failed checks on this record today. Offer to escalate, "
    "or ask the caller to call back with the letter's reference code."
)


_TOO_OLD = "This call has been open too long to act on its verification; close it and start a new one."


def _open(call: Call) -> Call:
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if not locked.is_open:
        raise ActionRefused("This call is closed.")
    return locked


def _verified(call: Call) -> tuple[Call, int]:
    """The open, verified call, locked, and the recipient it verified."""
    locked = _open(call)
    if locked.recipient_id is None or not locked.discloses(timezone.now()):
        raise ActionRefused("Verify the caller first." if not locked.is_verified else _TOO_OLD)
    return locked, locked.recipient_id


@transaction.atomic
def check_verification(actor: User, call: Call, said: verification.Said) -> int | None:
    """Compare what the caller said with the record: None when the caller is now verified, else the
    failed checks the record may still take.

    A failed check tells the agent nothing of what matched (the screen would
    otherwise confirm a guessed birth date or ZIP code one at a time), and
    after `Call.MAX_FAILED_CHECKS` failures on the record in a day no call takes more guesses.
    The trail keeps which points matched, for auditors.
    """
    locked = _open(call)
    if locked.recipient is None:
        raise ActionRefused("This call has no record to verify against.")
    if locked.is_verified:
        raise ActionRefused("The caller is already verified.")
    left = locked.checks_left(timezone.now())
    if left == 0:
        raise ActionRefused(LOCKED)
    points = verification.matched_points(locked.recipient, said)
    if verification.is_verified(points):
        locked.verification, locked.verified_points = Verification.VERIFIED, points
    else:
        locked.verification, locked.failed_checks = Verification.UNVERIFIED, locked.failed_checks + 1
        left -= 1
    locked.save(update_fields=["verification", "verified_points", "failed_checks"])
    audit.record(
        "call.verification_checked",
        actor=actor,
        incident_id=locked.incident_id,
        target=locked,
        details={
            "asked": [name for name, value in vars(said).items() if value],
            "matched": points,
            "outcome": locked.verification,
            "locked": not locked.is_verified and left == 0,
        },
    )
    call.verification, call.verified_points = locked.verification, locked.verified_points
    call.failed_checks = locked.failed_checks
    return None if locked.is_verified else left


@transaction.atomic
def close_call(
    actor: User, call: Call, *, disposition: Disposition | None, caller_name: str, relationship: str, notes: str
) -> None:
    if disposition is None:
        raise ActionRefused("Choose a disposition before closing the call.")
    if disposition.incident_id != call.incident_id:
        raise ActionRefused("Choose one of this incident's dispositions.")
    locked = _open(call)
    locked.disposition = disposition
    locked.caller_name, locked.caller_relationship, locked.notes = caller_name, relationship, notes
    locked.ended_at = timezone.now()
    locked.save(update_fields=["disposition", "caller_name", "caller_relationship", "notes", "ended_at"])
    _tally(locked, None, -1)
    _tally(locked, disposition, 1)
    audit.record(
        "call.closed",
        actor=actor,
        incident_id=locked.incident_id,
        target=locked,
        details={"disposition": disposition.pk, "seconds": int((locked.ended_at - locked.started_at).total_seconds())},
    )


@transaction.atomic
def request_address_change(actor: User, call: Call, address: dict[str, str]) -> AddressChange:
    locked, recipient_id = _verified(call)
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
def request_letter_resend(actor: User, call: Call) -> LetterResend:
    """Queue the recipient for the next letter batch; asking again while one waits changes nothing."""
    locked, recipient_id = _verified(call)
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


@transaction.atomic
def escalate(actor: User, call: Call, owner: User, reason: str, callback_phone: str = "") -> Escalation:
    locked = _open(call)
    if Escalation.objects.filter(call=locked).exists():
        raise ActionRefused("This call is already escalated.")
    if not Membership.objects.filter(
        user=owner, incident_id=locked.incident_id, role__in=Escalation.OWNER_ROLES
    ).exists():
        raise ActionRefused(f"{owner.get_username()} is not a manager or agent of this incident.")
    escalation = Escalation.objects.create(
        incident_id=locked.incident_id,
        call=locked,
        owner=owner,
        reason=reason,
        callback_phone=callback_phone,
        created_by=actor,
    )
    audit.record(
        "call.escalated",
        actor=actor,
        incident_id=locked.incident_id,
        target=escalation,
        details={"call": locked.pk, "owner": owner.pk},
    )
    return escalation


def _open_escalation(escalation: Escalation) -> Escalation:
    locked = Escalation.objects.select_for_update().get(pk=escalation.pk)
    if locked.status != Escalation.Status.OPEN:
        raise ActionRefused("This escalation is resolved.")
    return locked


@transaction.atomic
def log_callback(actor: User, escalation: Escalation, outcome: str, notes: str) -> CallbackAttempt:
    locked = _open_escalation(escalation)
    attempt = CallbackAttempt.objects.create(
        escalation=locked, made_by=actor, made_at=timezone.now(), outcome=outcome, notes=notes
    )
    audit.record(
        "escalation.callback_logged",
        actor=actor,
        incident_id=locked.incident_id,
        target=locked,
        details={"outcome": outcome},
    )
    return attempt


@transaction.atomic
def resolve_escalation(actor: User, escalation: Escalation, resolution: str) -> None:
    locked = _open_escalation(escalation)
    locked.status, locked.resolution, locked.resolved_at = Escalation.Status.RESOLVED, resolution, timezone.now()
    locked.save(update_fields=["status", "resolution", "resolved_at"])
    audit.record("escalation.resolved", actor=actor, incident_id=locked.incident_id, target=locked)


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
    locked.status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    locked.reviewed_by, locked.reviewed_at = actor, timezone.now()
    locked.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    audit.record(
        "address_change.approved" if approve else "address_change.rejected",
        actor=actor,
        incident_id=locked.incident_id,
        target=locked,
        details={"recipient": locked.recipient_id, "fields": changed},
    )
    return changed


@transaction.atomic
def add_disposition(actor: User, incident: Incident, label: str) -> Disposition:
    ensure_dispositions(incident, actor)
    taken = ActionRefused(f"There is already a disposition “{label}”.")
    if Disposition.objects.filter(incident=incident, label__iexact=label).exists():
        raise taken
    last = Disposition.objects.filter(incident=incident).aggregate(n=Max("sort_order"))["n"] or 0
    try:
        with transaction.atomic():
            disposition = Disposition.objects.create(incident=incident, label=label, sort_order=last + 10)
    except IntegrityError:  # another manager added it a moment ago
        raise taken from None
    audit.record("disposition.added", actor=actor, incident_id=incident.pk, target=disposition)
    return disposition


@transaction.atomic
def set_disposition_active(actor: User, disposition: Disposition, active: bool) -> None:
    # Locking every shown row of the incident keeps two managers from hiding the last two at once.
    shown = Disposition.objects.select_for_update().filter(incident_id=disposition.incident_id, is_active=True)
    if not active and not [pk for pk in shown.values_list("pk", flat=True) if pk != disposition.pk]:
        raise ActionRefused("Keep at least one disposition shown: agents choose one to close a call.")
    if Disposition.objects.filter(pk=disposition.pk).exclude(is_active=active).update(is_active=active):
        details: dict[str, Any] = {"active": active}
        audit.record(
            "disposition.changed", actor=actor, incident_id=disposition.incident_id, target=disposition, details=details
        )


def purge_calls(incident: Incident) -> int:
    """Keep the calls' times, dispositions and tallies; drop what was said and whom it was about: caller
    names, notes, verification points, links to recipients, address changes and re-send requests,
    escalation reasons and callback notes. The caller holds the transaction (purge_incident)."""
    calls = Call.objects.filter(incident=incident).update(caller_name="", notes="", verified_points=[], recipient=None)
    bulk.delete_where(AddressChange, "incident_id", incident.pk)
    bulk.delete_where(LetterResend, "incident_id", incident.pk)
    Escalation.objects.filter(incident=incident).update(reason="", resolution="", callback_phone="")
    CallbackAttempt.objects.filter(escalation__incident=incident).update(notes="")
    return calls
