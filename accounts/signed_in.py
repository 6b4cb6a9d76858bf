"""Who is signed in, with their second factor and what the rooms above need of every page, in one query.

Django's AuthenticationMiddleware and django-otp's OTPMiddleware would each read a row per request (the user,
then the session's device), and an incident's page a third (the roles held on it). Here one statement reads the
user with whether the session's device is still theirs and confirmed, joined with what the rooms above register
(`extend`): the incidents room adds the incident the URL names and the roles held on it.

The checks are Django's and django-otp's, unchanged: the session's backend must be a configured one, the
account active, the session's password hash current (a session signed with a fallback key is signed again
with the current one); the device must be the user's own and confirmed, and a session naming one that is not
forgets it. Nothing is kept between requests, so a change (a password, a device removed, a role, an account
disabled) counts from the next request.
"""

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

from accounts.models import User

_MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass(frozen=True)
class Widening:
    """SQL a room above adds to the statement that reads the user's row, aliased `u`: select-list items (each
    starting with a comma and aliased), joins, their parameters in that order, an ORDER BY and a LIMIT."""

    columns: str = ""
    joins: str = ""
    params: tuple[Any, ...] = ()
    order_by: str = ""
    limit: int | None = None


@dataclass(frozen=True)
class Extension:
    """What a room above adds: `widen` gets the URL's keyword arguments; `read` gets the user, every row the
    statement returned (joins give one row per joined row) and the same keyword arguments."""

    widen: Callable[[dict[str, Any]], Widening]
    read: Callable[[User, list[User], dict[str, Any]], None]


_extensions: list[Extension] = []


def extend(extension: Extension) -> None:
    """Called from a room's AppConfig.ready."""
    _extensions.append(extension)


def _url_kwargs(request: HttpRequest) -> dict[str, Any]:
    try:
        return dict(resolve(request.path_info).kwargs)
    except Resolver404:
        return {}


def _device_check(request: HttpRequest) -> tuple[str, list[Any]]:
    """Whether the device the session names (django-otp's own parsing of its id) is the user's and confirmed."""
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    devices = None
    if isinstance(persistent_id, str):
        with suppress(ValueError, LookupError):
            devices = Device._filter_persistent_id(OTPMiddleware._normalize_persistent_id(persistent_id))
    if devices is None:
        return "%s", [False]
    table = connection.ops.quote_name(devices.model._meta.db_table)
    device_id = int(persistent_id.rsplit("/", 1)[1])  # type: ignore[union-attr]
    check = f"EXISTS (SELECT 1 FROM {table} d WHERE d.id = %s AND d.user_id = u.id AND d.confirmed = %s)"  # noqa: S608 (the table's name)
    return check, [device_id, True]


def _rows(request: HttpRequest, user_id: Any, url_kwargs: dict[str, Any]) -> list[User]:
    """Written out rather than built with the ORM: this statement runs on every request, and composing it
    with its joins cost more than the queries it replaces."""
    device, params = _device_check(request)
    columns, joins, order_by, limit = "", "", [], None
    for extension in _extensions:
        widening = extension.widen(url_kwargs)
        columns, joins = columns + widening.columns, joins + widening.joins
        params += widening.params
        order_by += [widening.order_by] if widening.order_by else []
        limit = widening.limit if limit is None else max(limit, widening.limit or 0)
    # Names and the rooms' fragments only; every value is a parameter.
    table = connection.ops.quote_name(User._meta.db_table)
    sql = f"SELECT u.*, {device} AS session_device_ok{columns} FROM {table} u{joins} WHERE u.id = %s"  # noqa: S608
    if order_by:
        sql += f" ORDER BY {', '.join(order_by)}"
    params.append(user_id)
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    return list(User.objects.raw(sql, params))


def _hash_verified(request: HttpRequest, user: User) -> bool:
    """Django's check of the session's password hash (django.contrib.auth.get_user), fallback keys included."""
    session_hash = request.session.get(HASH_SESSION_KEY)
    if not session_hash:
        return False
    current = user.get_session_auth_hash()
    if constant_time_compare(session_hash, current):
        return True
    if any(constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()):
        request.session.cycle_key()
        request.session[HASH_SESSION_KEY] = current
        return True
    return False


def _load(request: HttpRequest) -> User | AnonymousUser:
    session = request.session
    try:
        user_id = User._meta.pk.to_python(session[SESSION_KEY])
        backend = session[BACKEND_SESSION_KEY]
    except (KeyError, ValidationError):
        return AnonymousUser()
    if backend != _MODEL_BACKEND or backend not in settings.AUTHENTICATION_BACKENDS:
        return get_user(request)  # another backend: Django's own path
    url_kwargs = _url_kwargs(request) if _extensions else {}
    rows = _rows(request, user_id, url_kwargs)
    if not rows or not rows[0].is_active:  # ModelBackend.user_can_authenticate
        return AnonymousUser()
    user = rows[0]
    if not _hash_verified(request, user):
        session.flush()
        return AnonymousUser()
    user.session_device_ok = bool(user.session_device_ok)  # type: ignore[attr-defined]  # SQLite: 0 or 1
    for extension in _extensions:
        extension.read(user, rows, url_kwargs)
    return user


def _with_second_factor(request: HttpRequest, user: User | AnonymousUser) -> User | AnonymousUser:
    """django-otp's OTPMiddleware, reading the check made in the user's query: `otp_device` is the session's
    device (read from the database only when asked for), or None if the user has not given a second factor."""
    user.otp_device = None  # type: ignore[union-attr]
    user.is_verified = partial(_is_verified, user)  # type: ignore[union-attr]
    if not isinstance(user, User):
        return user
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    persistent_id = OTPMiddleware._normalize_persistent_id(persistent_id) if isinstance(persistent_id, str) else None
    if persistent_id and _device_ok(user, persistent_id):
        user.otp_device = SimpleLazyObject(partial(Device.from_persistent_id, persistent_id))  # type: ignore[attr-defined]
    elif DEVICE_ID_SESSION_KEY in request.session:
        del request.session[DEVICE_ID_SESSION_KEY]
    return user


def _device_ok(user: User, persistent_id: str) -> bool:
    """The check made in the user's query; for a user another backend loaded, django-otp's own."""
    checked = getattr(user, "session_device_ok", None)
    if checked is not None:
        return bool(checked)
    device = Device.from_persistent_id(persistent_id)
    return device is not None and device.user_id == user.pk and device.confirmed


def _is_verified(user: User | AnonymousUser) -> bool:
    return user.otp_device is not None  # type: ignore[union-attr]


class SignedInMiddleware(AuthenticationMiddleware):
    """In place of Django's AuthenticationMiddleware and django-otp's OTPMiddleware: `request.user` is read
    when first used, in one query."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)  # Django's checks and request.auser
        request.user = SimpleLazyObject(lambda: _with_second_factor(request, _load(request)))  # type: ignore[assignment]
