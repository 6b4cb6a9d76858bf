"""Two rules every staff request passes: the session is still within its limits, and the user has
given a second factor in it."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import mfa
from accounts.models import User
from audit import api as audit

SIGNED_IN_AT, SEEN_AT = "portal_signed_in_at", "portal_seen_at"
# Requests the page makes by itself (htmx polling a progress bar) carry this header; they do not count
# as the user being there.
BACKGROUND_HEADER = "X-Portal-Background"
SEEN_GRANULARITY = 60  # seconds: the session is written at most once a minute for being used


def _open(path: str) -> bool:
    """Addresses a signed-in user reaches before the second factor: signing in and out, setting it up,
    the public notice and static files."""
    steps = (
        "accounts:login",
        "accounts:logout",
        "accounts:mfa-verify",
        "accounts:mfa-enrol",
        "accounts:mfa-recovery-codes",
    )
    return (
        path in {reverse(name) for name in steps}
        or path.startswith(("/notice/", settings.STATIC_URL))
        or path == "/healthz"
    )


def _ended(request: HttpRequest, now: float) -> str:
    """Why the session must end now, or ""."""
    signed_in, seen = request.session.get(SIGNED_IN_AT), request.session.get(SEEN_AT)
    if not isinstance(signed_in, int | float) or not isinstance(seen, int | float):
        return ""  # signed in by a path that set no times (a test's force_login): stamped below
    ended_by_admin = request.user.sessions_ended_at  # type: ignore[union-attr]
    if ended_by_admin is not None and signed_in <= ended_by_admin.timestamp():
        return "ended"
    if now - signed_in > settings.SESSION_MAX_SECONDS:
        return "max"
    if now - seen > settings.SESSION_IDLE_SECONDS:
        return "idle"
    return ""


_MESSAGES = {
    "idle": "You were signed out after {minutes} minutes without activity. Sign in again to go on.",
    "max": "Sessions last {hours} hours at most. Sign in again to go on.",
    "ended": "An administrator ended your session. Sign in again to go on.",
}


def stamp_sign_in(request: HttpRequest) -> None:
    now = int(time.time())
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        now = time.time()
        reason = _ended(request, now)
        if reason:
            user = request.user
            logout(request)
            audit.record("auth.session_ended", actor=user, details={"reason": reason})
            text = _MESSAGES[reason].format(
                minutes=settings.SESSION_IDLE_SECONDS // 60, hours=settings.SESSION_MAX_SECONDS // 3600
            )
            messages.info(request, text)
            return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}")
        if SIGNED_IN_AT not in request.session:
            stamp_sign_in(request)
        elif request.headers.get(BACKGROUND_HEADER) != "true" and now - request.session[SEEN_AT] >= SEEN_GRANULARITY:
            request.session[SEEN_AT] = int(now)
        return self.get_response(request)


class RequireMfaMiddleware:
    """A signed-in user who has not given a second factor in this session reaches only the sign-in steps:
    enrolment when they have no authenticator yet, the code otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if not isinstance(user, User) or user.is_verified() or _open(request.path):  # type: ignore[attr-defined]
            return self.get_response(request)
        step = "accounts:mfa-verify" if mfa.has_second_factor(user) else "accounts:mfa-enrol"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")
