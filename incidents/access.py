"""Who may see which incident. Every view reads incidents through here.

Someone with no role on an incident gets 404, so its existence does not
leak; someone with a role but not the one needed gets 403.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.signed_in import Widening
from audit.models import AuditEvent
from incidents.models import Incident, Membership, Role

ANY_ROLE: frozenset[str] = frozenset(Role.values)
_NOT_AN_AUDITOR = "Only auditors may read the audit trail."


@dataclass(frozen=True)
class IncidentAccess:
    incident: Incident
    roles: frozenset[str]

    @property
    def is_manager(self) -> bool:
        return Role.MANAGER in self.roles


@dataclass(frozen=True)
class _Held:
    """The roles a user holds on the incident a URL names, read with the user (accounts/signed_in.py)."""

    slug: str
    incident: Incident | None
    roles: frozenset[str]


_HELD, _ROLE, _PREFIX = "held_on_url_incident", "url_incident_role", "url_incident_"
_INCIDENT_FIELDS = Incident._meta.concrete_fields


def widen_signed_in_query(url_kwargs: dict[str, Any]) -> Widening:
    """The user's statement also says whether they audit any incident (the navigation offers the audit log)
    and, when the URL names an incident, joins each of their memberships with its incident when that is the
    URL's: those rows first, and no more rows than there are roles (the most one user holds on one incident)."""
    name = connection.ops.quote_name
    membership, incident = name(Membership._meta.db_table), name(Incident._meta.db_table)
    audits = f", EXISTS (SELECT 1 FROM {membership} a WHERE a.user_id = u.id AND a.role = %s) AS audits_an_incident"  # noqa: S608
    slug = url_kwargs.get("slug")
    if not isinstance(slug, str):
        return Widening(columns=audits, params=(Role.AUDITOR,))
    columns = "".join(f", i.{name(field.column)} AS {name(_PREFIX + field.attname)}" for field in _INCIDENT_FIELDS)
    return Widening(
        columns=f"{audits}, m.role AS {_ROLE}{columns}",
        joins=f" LEFT JOIN {membership} m ON m.user_id = u.id"
        f" LEFT JOIN {incident} i ON i.id = m.incident_id AND i.slug = %s",
        params=(Role.AUDITOR, slug),
        order_by="i.id IS NULL",
        limit=len(Role.values),
    )


def _incident_from(row: User) -> Incident:
    """The incident's columns as the ORM would have converted them."""
    compiler = Incident.objects.all().query.get_compiler(connection=connection)
    converters = compiler.get_converters([field.get_col(Incident._meta.db_table) for field in _INCIDENT_FIELDS])
    raw = [getattr(row, _PREFIX + field.attname) for field in _INCIDENT_FIELDS]
    values = next(iter(compiler.apply_converters([raw], converters)))
    return Incident.from_db(connection.alias, [field.attname for field in _INCIDENT_FIELDS], values)


def read_signed_in_rows(user: User, rows: list[User], url_kwargs: dict[str, Any]) -> None:
    user.audits_an_incident = bool(rows[0].audits_an_incident)  # type: ignore[attr-defined]  # SQLite: 0 or 1
    slug = url_kwargs.get("slug")
    if not isinstance(slug, str):
        return
    here = [row for row in rows if getattr(row, _PREFIX + "id") is not None]
    incident = _incident_from(here[0]) if here else None
    setattr(user, _HELD, _Held(slug, incident, frozenset(getattr(row, _ROLE) for row in here)))


def _held_on(user: User | AnonymousUser, slug: str) -> tuple[Incident | None, frozenset[str]]:
    held = getattr(user, _HELD, None)
    if isinstance(held, _Held) and held.slug == slug:
        return held.incident, held.roles
    memberships = list(Membership.objects.filter(user_id=user.pk or 0, incident__slug=slug).select_related("incident"))
    return (memberships[0].incident if memberships else None), frozenset(m.role for m in memberships)


def incident_for(user: User | AnonymousUser, slug: str, need: Iterable[str] = ANY_ROLE) -> IncidentAccess:
    incident, roles = _held_on(user, slug)
    if incident is None:
        raise Http404("No such incident.")
    if not roles & frozenset(need):
        raise PermissionDenied("Your role on this incident does not allow this.")
    return IncidentAccess(incident, roles)


def incidents_visible_to(user: User) -> QuerySet[Incident]:
    return Incident.objects.filter(memberships__user=user).distinct()


def can_create_incident(user: User | AnonymousUser) -> bool:
    return bool(user.is_superuser or user.has_perm("incidents.add_incident"))


def require_incident_creator(user: User | AnonymousUser) -> None:
    if not can_create_incident(user):
        raise PermissionDenied("Only incident managers may create incidents.")


def membership_on(access: IncidentAccess, membership_id: int) -> Membership:
    return get_object_or_404(Membership.objects.select_related("user"), pk=membership_id, incident=access.incident)


def audit_trail_visible_to(allowed_ids: list[int] | None) -> tuple[QuerySet[Incident], QuerySet[AuditEvent]]:
    """The incidents whose trail the user may read (`audited_incident_ids`), and those events, newest first."""
    if allowed_ids is None:
        return Incident.objects.all(), AuditEvent.objects.order_by("-id")
    incidents = Incident.objects.filter(pk__in=allowed_ids)
    return incidents, AuditEvent.objects.filter(incident_id__in=allowed_ids).order_by("-id")


def audited_incident_ids(user: User | AnonymousUser) -> list[int] | None:
    """Incidents whose trail the user may read; None means all (superuser)."""
    if user.is_superuser:
        return None
    ids = list(Membership.objects.filter(user_id=user.pk or 0, role=Role.AUDITOR).values_list("incident_id", flat=True))
    if not ids:
        raise PermissionDenied(_NOT_AN_AUDITOR)
    return ids


def can_read_audit_trail(user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    read_with_user = getattr(user, "audits_an_incident", None)
    if isinstance(read_with_user, bool):
        return read_with_user
    return Membership.objects.filter(user_id=user.pk, role=Role.AUDITOR).exists()


def refuse(reason: str = "Your role on this incident does not allow this.") -> NoReturn:
    raise PermissionDenied(reason)


def auditor_addresses() -> list[str]:
    """The e-mail addresses of every active user who audits an incident."""
    auditors = Membership.objects.filter(role=Role.AUDITOR, user__is_active=True).exclude(user__email="")
    return list(auditors.values_list("user__email", flat=True).distinct())
