"""Reads of call-center objects, always through the incident the user holds a role on.

An object of another incident, or another agent's call, is a 404.
"""

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


def open_calls_of(access: IncidentAccess, user: User, limit: int = 10) -> list[Call]:
    """The agent's calls on this incident still waiting for a disposition, oldest first."""
    rows = Call.objects.filter(incident=access.incident, agent=user, ended_at__isnull=True)
    return list(rows.select_related("recipient__individual").order_by("started_at")[:limit])


def escalations_owned_by(access: IncidentAccess, user: User, limit: int = 10) -> list[Escalation]:
    rows = Escalation.objects.filter(incident=access.incident, owner=user, status=Escalation.Status.OPEN)
    return list(rows.order_by("created_at")[:limit])
