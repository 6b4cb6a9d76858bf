"""Escalations: a call handed to an owner, who calls back until it is resolved."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from audit import api as audit
from callcenter.actions.calls import open_call
from callcenter.models import Call, CallbackAttempt, Escalation
from incidents.models import Membership
from portal.lib.errors import ActionRefused


@transaction.atomic
def move_escalation(
    escalation: Escalation,
    to: str,
    *,
    actor: User | None,
    action: str,
    details: dict[str, Any] | None = None,
    also: dict[str, Any] | None = None,
) -> str:
    """The escalation's one move function: its transitions table decides, the audit row records it. Returns
    the status it left."""
    old = Escalation.TRANSITIONS.move_one(escalation, to, also=also)
    audit.record(action, actor=actor, incident_id=escalation.incident_id, target=escalation, details=details)
    return old


@transaction.atomic
def record_escalation_view(actor: User, escalation: Escalation) -> None:
    audit.record("escalation.viewed", actor=actor, incident_id=escalation.incident_id, target=escalation)


@transaction.atomic
def escalate(actor: User, call: Call, owner: User, reason: str, callback_phone: str = "") -> Escalation:
    locked = open_call(call)
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
    also = {"resolution": resolution, "resolved_at": timezone.now()}
    move_escalation(locked, Escalation.Status.RESOLVED, actor=actor, action="escalation.resolved", also=also)
