"""State changes on incidents and their memberships. Each is atomic and audited."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Membership, Role, User
from audit import api as audit
from incidents.models import DataType, Incident


class ActionRefused(Exception):
    """The action cannot happen as asked; the message is shown to the user."""


def _set_fields(incident: Incident, fields: dict[str, Any]) -> list[str]:
    changed = [name for name, value in fields.items() if getattr(incident, name) != value]
    for name in changed:
        setattr(incident, name, fields[name])
    return changed


def _set_data_types(incident: Incident, data_types: Iterable[DataType]) -> bool:
    wanted = {dt.pk for dt in data_types}
    if set(incident.data_types.values_list("pk", flat=True)) == wanted:
        return False
    incident.data_types.set(wanted)
    return True


@transaction.atomic
def create_incident(actor: User, fields: dict[str, Any], data_types: Iterable[DataType]) -> Incident:
    """Create an incident; its creator becomes its first incident manager."""
    try:
        with transaction.atomic():
            incident = Incident.objects.create(**fields)
    except IntegrityError:  # the form checked, but someone took the slug a moment ago
        raise ActionRefused(f"The short name “{fields['slug']}” is already in use; choose another.") from None
    incident.data_types.set(list(data_types))
    Membership.objects.create(user=actor, incident=incident, role=Role.MANAGER)
    audit.record(
        "incident.created", actor=actor, incident_id=incident.pk, target=incident, details={"slug": incident.slug}
    )
    return incident


@transaction.atomic
def update_incident(
    actor: User, incident: Incident, fields: dict[str, Any], data_types: Iterable[DataType]
) -> list[str]:
    """Save changed facts; returns the names of the fields that changed (recorded, their values are not).

    Compares with the stored row, locked, since a bound form has already
    copied its values onto `incident`.
    """
    stored = Incident.objects.select_for_update().get(pk=incident.pk)
    changed = _set_fields(stored, fields)
    if changed:
        stored.save(update_fields=[*changed, "updated_at"])
    if _set_data_types(stored, data_types):
        changed.append("data_types")
    if changed:
        audit.record("incident.updated", actor=actor, incident_id=stored.pk, target=stored, details={"fields": changed})
    return changed


@transaction.atomic
def change_status(actor: User, incident: Incident, status: str) -> None:
    if not incident.can_move_to(status):
        raise ActionRefused(f"An incident that is {incident.get_status_display()} cannot move to {status}.")
    old = incident.status
    # Conditional update: if someone else moved it meanwhile, refuse rather than overwrite.
    moved = Incident.objects.filter(pk=incident.pk, status=old).update(status=status, updated_at=timezone.now())
    if not moved:
        raise ActionRefused("The incident's status was changed by someone else; reload and try again.")
    incident.status = status
    audit.record(
        "incident.status_changed",
        actor=actor,
        incident_id=incident.pk,
        target=incident,
        details={"from": old, "to": status},
    )


@transaction.atomic
def add_member(actor: User | None, incident: Incident, user: User, role: str) -> Membership:
    """Grant a role. Nobody grants a role to themselves: another manager (or an administrator) must."""
    if actor is not None and actor.pk == user.pk:
        raise ActionRefused("You cannot grant yourself a role; ask another incident manager.")
    membership, created = Membership.objects.get_or_create(user=user, incident=incident, role=role)
    if not created:
        raise ActionRefused(f"{user.get_username()} is already {Role(role).label} on this incident.")
    audit.record(
        "membership.added",
        actor=actor,
        incident_id=incident.pk,
        target=membership,
        details={"user_id": user.pk, "username": user.get_username(), "role": role},
    )
    return membership


@transaction.atomic
def remove_member(actor: User, membership: Membership) -> None:
    incident = membership.incident
    managers = list(Membership.objects.select_for_update().filter(incident=incident, role=Role.MANAGER))
    if membership.role == Role.MANAGER and len(managers) <= 1:
        raise ActionRefused("An incident needs at least one incident manager; add another before removing this one.")
    details = {"user_id": membership.user_id, "username": membership.user.get_username(), "role": membership.role}
    audit.record("membership.removed", actor=actor, incident_id=incident.pk, target=membership, details=details)
    membership.delete()
