"""State changes on incidents, their memberships and exports of personal data. Each is atomic and audited."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.crypto import get_random_string

from accounts.models import User
from audit import api as audit
from incidents import closing, figures, status_mail
from incidents.models import DataType, Export, Incident, Membership, Role
from portal.lib.errors import ActionRefused


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
    if "notice_on" in changed:  # who counts as a minor
        figures.changed(stored.pk)
    if changed:
        audit.record("incident.updated", actor=actor, incident_id=stored.pk, target=stored, details={"fields": changed})
    return changed


@transaction.atomic
def change_status(actor: User, incident: Incident, status: str, because: str = "") -> None:
    """The incident's one move function: the transitions table decides, the audit row records it (with
    `because`, the event that moved it, when it moved with what happened). Closing waits until nothing
    the rooms registered in incidents.closing is open."""
    if Incident.objects.filter(pk=incident.pk, purged_at__isnull=False).exists():
        raise ActionRefused("This incident's personal data was purged: it stays closed.")
    if status == Incident.Status.CLOSED and (open_items := closing.still_open(incident)):
        raise ActionRefused(closing.refusal(open_items))
    now = timezone.now()
    closed_at = now if status == Incident.Status.CLOSED else None
    old = Incident.TRANSITIONS.move_one(incident, status, also={"updated_at": now, "closed_at": closed_at})
    details = {"from": old, "to": status} | ({"because": because} if because else {})
    audit.record("incident.status_changed", actor=actor, incident_id=incident.pk, target=incident, details=details)


@transaction.atomic
def begin_notifying(actor: User, incident: Incident, because: str) -> bool:
    """A draft or investigating incident moves to notifying when people are being told (`because`: a key of
    status_mail.MOVED_BY); its managers are e-mailed once the move is committed. False when it was notifying
    already, or closed (a mailing after closing does not reopen it: a manager decides that)."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if locked.status not in (Incident.Status.DRAFT, Incident.Status.INVESTIGATING):
        return False
    change_status(actor, incident, Incident.Status.NOTIFYING, because=because)
    said, name = status_mail.MOVED_BY[because], actor.get_username()
    transaction.on_commit(lambda: status_mail.tell_managers(locked.pk, said, name))
    return True


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


@transaction.atomic
def mark_purged(actor: User | None, incident: Incident, deleted: dict[str, int], reason: str) -> None:
    Incident.objects.filter(pk=incident.pk).update(purged_at=timezone.now())
    details: dict[str, Any] = {**deleted, "before_retention_date": bool(reason)}
    if reason:
        details["reason"] = reason
    audit.record("incident.purged", actor=actor, incident_id=incident.pk, target=incident, details=details)


# Exports of personal data ------------------------------------------------------------


@transaction.atomic
def move_export(
    export: Export,
    to: str,
    *,
    actor: User | None,
    action: str,
    details: dict[str, Any] | None = None,
    also: dict[str, Any] | None = None,
    rows: "QuerySet[Export] | None" = None,
) -> bool:
    """The export's one move function: its transitions table decides, the audit row records it. With `rows`
    (the export's row under further conditions: its link's owner and expiry) a move that finds no row is no
    refusal: it returns False and records nothing; without, a move the table does not allow is refused."""
    if rows is None:
        Export.TRANSITIONS.move_one(export, to, also=also)
    elif not Export.TRANSITIONS.move(rows.filter(pk=export.pk), to, also=also):
        return False
    audit.record(action, actor=actor, incident_id=export.incident_id, target=export, details=details)
    return True


def _export_id() -> str:
    return "EXP-" + get_random_string(8, allowed_chars="ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def _over_daily_limit(actor: User, kind: str, free_per_day: int | None) -> bool:
    """Whether the person has asked for `free_per_day` files of this kind today (on any incident) already."""
    if free_per_day is None:
        return False
    User.objects.select_for_update().filter(pk=actor.pk).exists()  # one person's requests counted one at a time
    day_began = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    asked = Export.objects.filter(requested_by=actor, kind=kind, requested_at__gte=day_began)
    return asked.count() >= free_per_day


@transaction.atomic
def request_export(
    actor: User, incident: Incident, kind: str, subject: dict[str, int], title: str, rows: int, reason: str,
    free_per_day: int | None = None,
) -> Export:  # fmt: skip
    """Ask for a file: ready at once up to EXPORT_APPROVAL_ROWS rows (and, for a kind with `free_per_day`, up
    to that many a day for one person), else waiting for a second person."""
    if not reason.strip():
        raise ActionRefused("Say why this file is needed: the reason is kept with the export.")
    over_daily_limit = _over_daily_limit(actor, kind, free_per_day)
    ready = rows <= settings.EXPORT_APPROVAL_ROWS and not over_daily_limit
    now = timezone.now()
    export = Export.objects.create(
        public_id=_export_id(), incident=incident, kind=kind, subject=subject, title=title, rows=rows,
        reason=reason.strip(), requested_by=actor,
        status=Export.Status.READY if ready else Export.Status.AWAITING,
        expires_at=now + timedelta(seconds=settings.EXPORT_LINK_SECONDS) if ready else None,
    )  # fmt: skip
    details = {"export": export.public_id, "kind": kind, "rows": rows, "needs_approval": not ready, **subject}
    if over_daily_limit:
        details["over_daily_limit"] = True
    audit.record("export.requested", actor=actor, incident_id=incident.pk, target=export, details=details)
    return export


@transaction.atomic
def decide_export(actor: User, export: Export, approve: bool) -> None:
    locked = Export.objects.select_for_update().get(pk=export.pk)
    if locked.status != Export.Status.AWAITING:
        raise ActionRefused(f"This export is {locked.get_status_display().lower()} already.")
    if locked.requested_by_id == actor.pk:
        raise ActionRefused("Another person must approve an export you asked for.")
    now = timezone.now()
    expires_at = now + timedelta(seconds=settings.EXPORT_LINK_SECONDS) if approve else None
    move_export(
        locked, Export.Status.READY if approve else Export.Status.REFUSED, actor=actor,
        action="export.approved" if approve else "export.refused", details={"export": locked.public_id},
        also={"decided_by": actor, "decided_at": now, "expires_at": expires_at},
    )  # fmt: skip
    export.status, export.expires_at = locked.status, locked.expires_at


def release_export(export: Export) -> None:
    """The file could not be made after its link was used: the link works again, and the trail says so."""
    move_export(
        export, Export.Status.READY, actor=None, action="export.failed", details={"export": export.public_id},
        also={"downloaded_at": None}, rows=Export.objects.all(),
    )  # fmt: skip


@transaction.atomic
def claim_export(actor: User, export: Export) -> bool:
    """Use the link: True once, for the person who asked, before it expires (a conditional update, so
    two clicks at once make one file)."""
    now = timezone.now()
    return move_export(
        export, Export.Status.DOWNLOADED, actor=actor, action="export.downloaded",
        details={"export": export.public_id, "kind": export.kind, "rows": export.rows},
        also={"downloaded_at": now}, rows=Export.objects.filter(requested_by=actor, expires_at__gt=now),
    )  # fmt: skip
