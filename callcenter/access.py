"""Reads of call-center objects, always through the incident the user holds a role on.

An object of another incident, or another agent's call, is a 404.
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from accounts.models import User
from callcenter.models import AddressChange, Call, Disposition, Escalation
from incidents.access import IncidentAccess
from incidents.models import Membership
from people.models import Individual, Recipient


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
class OpenCall:
    pk: int
    started_at: datetime
    about: str  # the full name of the person the call is about, or "" when the caller is not in the file


@dataclass(frozen=True)
class OpenEscalation:
    pk: int
    created_at: datetime


@dataclass(frozen=True)
class OpenWork:
    """What waits for an agent on the lookup screen: their calls still without a disposition and the open
    escalations they own, each oldest first."""

    calls: list[OpenCall]
    escalations: list[OpenEscalation]


def _open_work_sql() -> str:
    """The agent's first open calls and the calls of the first open escalations they own, each part on its own
    partial index (the limits sit in derived tables: SQLite refuses a LIMIT in a part of a UNION), with the
    columns the screen shows.

    Written out rather than composed with the ORM: the lookup screen runs it on every request, and composing
    the union with its joins cost three times what the database spends on it."""
    call, escalation = Call._meta.db_table, Escalation._meta.db_table
    recipient, individual = Recipient._meta.db_table, Individual._meta.db_table
    # S608: the tables' names are formatted in; every value is a parameter.
    return (
        "SELECT c.id, c.started_at, c.agent_id, c.ended_at, i.first_name, i.middle_name, i.last_name, i.suffix,"  # noqa: S608
        " e.id, e.created_at, e.owner_id, e.status"
        f" FROM {call} c LEFT JOIN {recipient} r ON r.id = c.recipient_id"
        f" LEFT JOIN {individual} i ON i.id = r.individual_id"
        f" LEFT JOIN {escalation} e ON e.call_id = c.id"
        " WHERE c.id IN ("
        f"SELECT id FROM (SELECT id FROM {call} WHERE incident_id = %s AND agent_id = %s AND ended_at IS NULL"
        " ORDER BY started_at, id LIMIT %s) first_calls"
        f" UNION ALL SELECT call_id FROM (SELECT call_id FROM {escalation}"
        " WHERE incident_id = %s AND owner_id = %s AND status = %s ORDER BY created_at, id LIMIT %s) first_owned)"
    )


def _aware(value: datetime | str) -> datetime:
    """A timestamp as the ORM gives it: SQLite's cursor hands back naive UTC (or text), PostgreSQL's aware."""
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, UTC)


def open_work_of(access: IncidentAccess, user: User, limit: int = 10) -> OpenWork:
    """Both lists in one query: the calls among the agent's first `limit` open calls, and those whose
    escalation is among the first `limit` open ones they own, each kind then sorted and cut apart here."""
    incident_id = access.incident.pk
    params: list[int | str] = [incident_id, user.pk, limit, incident_id, user.pk, Escalation.Status.OPEN.value, limit]
    calls: list[OpenCall] = []
    escalations: list[OpenEscalation] = []
    with connection.cursor() as cursor:
        cursor.execute(_open_work_sql(), params)
        rows = cursor.fetchall()
    for pk, started_at, agent_id, ended_at, *name, escalation_id, created_at, owner_id, status in rows:
        if agent_id == user.pk and ended_at is None:
            calls.append(OpenCall(pk, _aware(started_at), " ".join(part for part in name if part)))
        if escalation_id is not None and owner_id == user.pk and status == Escalation.Status.OPEN:
            escalations.append(OpenEscalation(escalation_id, _aware(created_at)))
    calls.sort(key=lambda c: (c.started_at, c.pk))
    escalations.sort(key=lambda e: (e.created_at, e.pk))
    return OpenWork(calls[:limit], escalations[:limit])
