"""Calls: opening one, checking the caller's verification, closing it with a disposition, and the tallies."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from callcenter import verification
from callcenter.actions.dispositions import ensure_dispositions
from callcenter.models import Call, CallTally, Disposition, Verification
from incidents.models import Incident
from people.models import Recipient
from portal.lib.errors import ActionRefused


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


LOCKED = (
    f"Verification is locked after {Call.MAX_FAILED_CHECKS} failed checks on this record today. Offer to escalate, "
    "or ask the caller to call back with the letter's reference code."
)


_TOO_OLD = "This call has been open too long to act on its verification; close it and start a new one."


def open_call(call: Call) -> Call:
    locked = Call.objects.select_for_update().get(pk=call.pk)
    if not locked.is_open:
        raise ActionRefused("This call is closed.")
    return locked


def verified_call(call: Call) -> tuple[Call, int]:
    """The open, verified call, locked, and the recipient it verified."""
    locked = open_call(call)
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
    locked = open_call(call)
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
    locked = open_call(call)
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
