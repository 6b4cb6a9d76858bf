"""Reads of call-center objects, always through the incident the user holds a role on.

An object of another incident, or another agent's call, is a 404.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from callcenter.models import AddressChange, Call, Disposition, Escalation
from incidents.access import IncidentAccess
from incidents.models import Membership
from people.models import Recipient


def recipient_on(access: IncidentAccess, recipient_id: int) -> Recipient:
    return get_object_or_404(Recipient.objects.select_related("individual"), pk=recipient_id, incident=access.incident)


def call_of(access: IncidentAccess, user: User, call_id: int) -> Call:
    """One of the agent's own calls on this incident."""
    return get_object_or_404(
        Call.objects.select_related("recipient__individual", "disposition"),
        pk=call_id,
        incident=access.incident,
        agent=user,
    )


def escalation_on(access: IncidentAccess, user: User, escalation_id: int) -> Escalation:
    """Managers reach every escalation of the incident; an agent only those they own or raised."""
    rows = Escalation.objects.filter(incident=access.incident)
    if not access.is_manager:
        rows = rows.filter(Q(owner=user) | Q(created_by=user))
    return get_object_or_404(
        rows.select_related("owner", "created_by", "call__agent", "call__disposition"), pk=escalation_id
    )


def address_change_on(access: IncidentAccess, change_id: int) -> AddressChange:
    return get_object_or_404(
        AddressChange.objects.select_related("recipient", "requested_by"), pk=change_id, incident=access.incident
    )


def disposition_on(access: IncidentAccess, disposition_id: int) -> Disposition:
    return get_object_or_404(Disposition, pk=disposition_id, incident=access.incident)


def escalation_owners(access: IncidentAccess) -> QuerySet[User]:
    """Who may own an escalation: the incident's managers and agents."""
    ids = Membership.objects.filter(incident=access.incident, role__in=Escalation.OWNER_ROLES).values("user_id")
    return User.objects.filter(pk__in=ids).order_by("username")


@dataclass(frozen=True)
class OpenWork:
    """What waits for an agent on the lookup screen: their calls still without a disposition and the open
    escalations they own, each oldest first."""

    calls: list[Call]
    escalations: list[Escalation]


def open_work_of(access: IncidentAccess, user: User, limit: int = 10) -> OpenWork:
    """Both lists in one query: the calls among the agent's first `limit` open calls, and those whose
    escalation is among the first `limit` open ones they own, each kind then sorted and cut apart here.
    Each part keeps to its own partial index; the limits sit one level down because SQLite refuses a LIMIT in a
    part of a UNION."""
    first_calls = (
        Call.objects.filter(incident=access.incident, agent=user, ended_at__isnull=True)
        .order_by("started_at", "pk")
        .values("pk")[:limit]
    )
    first_owned = (
        Escalation.objects.filter(incident=access.incident, owner=user, status=Escalation.Status.OPEN)
        .order_by("created_at", "pk")
        .values("pk")[:limit]
    )
    owned_calls = Escalation.objects.filter(pk__in=first_owned).order_by().values_list("call_id", flat=True)
    ids = Call.objects.filter(pk__in=first_calls).order_by().values_list("pk", flat=True).union(owned_calls, all=True)  # type: ignore[arg-type]
    rows = list(Call.objects.filter(pk__in=ids).order_by().select_related("recipient__individual", "escalation"))
    calls = sorted(
        (c for c in rows if c.agent_id == user.pk and c.ended_at is None), key=lambda c: (c.started_at, c.pk)
    )
    escalations = sorted((c.escalation for c in rows if _owned_and_open(c, user)), key=lambda e: (e.created_at, e.pk))
    return OpenWork(calls[:limit], escalations[:limit])


def _owned_and_open(call: Call, user: User) -> bool:
    escalation = getattr(call, "escalation", None)
    return escalation is not None and escalation.owner_id == user.pk and escalation.status == Escalation.Status.OPEN
