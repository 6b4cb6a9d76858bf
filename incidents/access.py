"""Who may see which incident. Every view reads incidents through here.

Someone with no role on an incident gets 404, so its existence does not
leak; someone with a role but not the one needed gets 403.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NoReturn

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
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


def incident_for(user: User | AnonymousUser, slug: str, need: Iterable[str] = ANY_ROLE) -> IncidentAccess:
    memberships = list(Membership.objects.filter(user_id=user.pk or 0, incident__slug=slug).select_related("incident"))
    if not memberships:
        raise Http404("No such incident.")
    roles = frozenset(m.role for m in memberships)
    if not roles & frozenset(need):
        raise PermissionDenied("Your role on this incident does not allow this.")
    return IncidentAccess(memberships[0].incident, roles)


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
    return user.is_superuser or Membership.objects.filter(user_id=user.pk, role=Role.AUDITOR).exists()


def refuse(reason: str = "Your role on this incident does not allow this.") -> NoReturn:
    raise PermissionDenied(reason)


def auditor_addresses() -> list[str]:
    """The e-mail addresses of every active user who audits an incident."""
    auditors = Membership.objects.filter(role=Role.AUDITOR, user__is_active=True).exclude(user__email="")
    return list(auditors.values_list("user__email", flat=True).distinct())
