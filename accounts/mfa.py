"""The second factor: TOTP codes from an authenticator app (django-otp's TOTP device), and single-use
recovery codes (its static device) for a lost phone.

django-otp keeps the last time step each device accepted in the device's row, so a code is accepted
once in all the portal's processes (the replay guard lives in the shared database), and it slows down
a device after failed codes.
"""

import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User

RECOVERY_CODES = 10
REAUTHENTICATED_AT = "portal_reauthenticated_at"
RECOVERY_DEVICE = "Recovery codes"
AUTHENTICATOR = "Authenticator app"
PENDING = "portal_pending_authenticator"


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the user's phone shows now (or `steps_ahead` periods later): for the demo's logins and the tests."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def is_enrolled(user: User) -> bool:
    """Has an authenticator (recovery codes alone are a fallback, not a way to sign in every day)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user: User) -> bool:
    """An authenticator or unused recovery codes: what the sign-in asks for before anything else."""
    return any(True for _ in devices_for_user(user, confirmed=True))


def _pending_salt(user: User) -> str:
    return f"{PENDING}:{user.pk}"  # a pending key signed for one user is never read as another's


def pending_authenticator(request: HttpRequest, user: User) -> TOTPDevice:
    """The authenticator being set up, not saved: its key and wrong codes so far are kept in the session
    (signed) until its first code is right, so showing the QR code writes no device row."""
    try:
        kept = signing.loads(request.session.get(PENDING, ""), salt=_pending_salt(user))
    except signing.BadSignature:
        device = TOTPDevice(user=user, name=AUTHENTICATOR, confirmed=False)
        keep_pending(request, device)
        return device
    failed_at = datetime.fromisoformat(kept["failed_at"]) if kept["failed_at"] else None
    return TOTPDevice(
        user=user,
        name=AUTHENTICATOR,
        confirmed=False,
        key=kept["key"],
        throttling_failure_count=kept["failures"],
        throttling_failure_timestamp=failed_at,
    )


def keep_pending(request: HttpRequest, device: TOTPDevice) -> None:
    failed_at = device.throttling_failure_timestamp
    kept = {
        "key": device.key,
        "failures": device.throttling_failure_count,
        "failed_at": failed_at.isoformat() if failed_at else "",
    }
    request.session[PENDING] = signing.dumps(kept, salt=_pending_salt(device.user))


def forget_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def first_code_is_right(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is what the pending authenticator shows now. As django-otp's own check, but it saves
    nothing: a wrong code slows the next try (each wait twice the last), counted on the unsaved device."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return False
    try:
        token = int(code)
    except ValueError:
        token = -1
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if token >= 0 and totp.verify(token, device.tolerance, device.last_t + 1):
        device.last_t = totp.t()  # the code is spent: it cannot sign in again
        device.drift = totp.drift
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        return True
    device.throttle_increment(commit=False)
    return False


def make_recovery_codes(user: User) -> list[str]:
    """New recovery codes, replacing any earlier ones; shown once, stored as the device keeps them."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_DEVICE, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def matching_device(user: User, code: str) -> Any:
    """The confirmed device that accepts `code` (an authenticator's six digits or a recovery code), or
    None. A recovery code is spent by accepting it."""
    code = "".join(code.split()).lower()
    if not code:
        return None
    for device in devices_for_user(user, confirmed=True):
        # Locked while it checks: two requests with one code cannot both pass.
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


def seconds_to_wait(user: User, pending: TOTPDevice | None = None) -> int:
    """After wrong codes django-otp makes each further try wait longer (1, 2, 4... seconds): how long now,
    for the user's devices and the authenticator being set up."""
    waits = [0]
    for device in [*devices_for_user(user, confirmed=None), *([pending] if pending else [])]:
        allowed, facts = device.verify_is_allowed()
        if not allowed and facts and facts.get("locked_until"):
            waits.append(int((facts["locked_until"] - timezone.now()).total_seconds()) + 1)
    return max(waits)


def mark_reauthenticated(request: HttpRequest) -> None:
    request.session[REAUTHENTICATED_AT] = int(time.time())


def recently_reauthenticated(request: HttpRequest) -> bool:
    at = request.session.get(REAUTHENTICATED_AT)
    return isinstance(at, int) and time.time() - at <= settings.MFA_REAUTH_SECONDS
