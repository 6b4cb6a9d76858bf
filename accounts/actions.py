"""State changes on staff accounts. Each is atomic and audited."""

import hashlib
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import mfa
from accounts.models import User
from audit import api as audit
from audit.db import lock_chain
from audit.models import AuditEvent


@transaction.atomic
def create_user(
    actor: User | None,
    username: str,
    password: str,
    *,
    email: str = "",
    superuser: bool = False,
    can_create_incidents: bool = False,
) -> User:
    """A staff account; roles on incidents come from memberships."""
    user = User.objects.create_user(username=username, email=email, password=password)
    if superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if can_create_incidents:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="incidents", codename="add_incident"))
    audit.record(
        "user.created",
        actor=actor,
        target=user,
        details={"username": username, "superuser": superuser, "can_create_incidents": can_create_incidents},
    )
    return user


# The second factor and sessions ------------------------------------------------


@transaction.atomic
def enrol_authenticator(user: User, device: TOTPDevice) -> list[str]:
    """The authenticator whose first code was right (not saved yet) becomes the user's only one; returns new
    recovery codes."""
    User.objects.select_for_update().filter(pk=user.pk).exists()  # two confirmations at once save one device
    TOTPDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save()
    codes = mfa.make_recovery_codes(user)
    audit.record("mfa.enrolled", actor=user, target=user)
    return codes


@transaction.atomic
def renew_recovery_codes(user: User) -> list[str]:
    codes = mfa.make_recovery_codes(user)
    audit.record("mfa.recovery_codes_renewed", actor=user, target=user)
    return codes


@transaction.atomic
def record_second_factor(user: User, device: Any) -> None:
    method = "recovery code" if isinstance(device, StaticDevice) else "authenticator"
    audit.record("auth.mfa_passed", actor=user, target=user, details={"method": method})


@transaction.atomic
def record_second_factor_failed(user: User) -> None:
    audit.record("auth.mfa_failed", actor=user, target=user)


@transaction.atomic
def record_reauthentication(user: User) -> None:
    audit.record("auth.reauthenticated", actor=user, target=user)


@transaction.atomic
def record_session_end(user: User, reason: str, session_key: str) -> bool:
    """One `auth.session_ended` per session, however many of its requests arrive after the end at once
    (a click and a progress poll): under the chain's lock, an event with this session's mark is looked for
    first. The mark is a hash of the session key, which is gone by then; False when recorded already."""
    mark = hashlib.sha256(session_key.encode()).hexdigest()[:16]
    lock_chain(connection)
    recent = timezone.now() - timedelta(hours=1)
    ended = AuditEvent.objects.filter(action="auth.session_ended", occurred_at__gte=recent, actor_id=user.pk)
    if ended.filter(details__session=mark).exists():
        return False
    audit.record("auth.session_ended", actor=user, target=user, details={"reason": reason, "session": mark})
    return True


def _end_sessions_now(user: User) -> None:
    """Every session the user has now ends at its next request."""
    User.objects.filter(pk=user.pk).update(sessions_ended_at=timezone.now())


@transaction.atomic
def end_sessions(actor: User, user: User) -> None:
    _end_sessions_now(user)
    audit.record("user.sessions_ended", actor=actor, target=user, details={"username": user.get_username()})


@transaction.atomic
def reset_second_factor(actor: User, user: User) -> None:
    """For a lost phone with the recovery codes gone: the user sets up a new authenticator at next sign-in."""
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    _end_sessions_now(user)
    audit.record("mfa.reset", actor=actor, target=user, details={"username": user.get_username()})


@transaction.atomic
def provision_authenticator(actor: User | None, user: User, key: str | None = None) -> TOTPDevice:
    """An authenticator made for the user by an administrator's script (its otpauth URI goes to them once)."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        user=user, name=mfa.AUTHENTICATOR, confirmed=True, **({"key": key} if key else {})
    )
    audit.record("mfa.enrolled", actor=actor, target=user, details={"provisioned": True})
    return device
