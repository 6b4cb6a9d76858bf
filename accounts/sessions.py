"""Where a session ends: every staff request passes the session's limits (idle time, lifetime, ended by an
administrator, the user disabled or their password changed); a session past them ends here, once, with
the reason shown on the sign-in page."""

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from accounts import actions
from accounts.models import User

SIGNED_IN_AT, SEEN_AT = "portal_signed_in_at", "portal_seen_at"
# Requests the page makes by itself (htmx polling a progress bar) carry this header; they do not count
# as the user being there.
BACKGROUND_HEADER = "X-Portal-Background"


def seen_granularity() -> int:
    """Seconds the stored "last seen" may lag behind the user's last request: the session is written at
    most this often for being used. A twentieth of the idle window (30 s at most), and the idle check
    allows for it, so that even a one-minute window never ends the session of someone still working."""
    return max(1, min(30, settings.SESSION_IDLE_SECONDS // 20))


@dataclass(frozen=True)
class _SessionFacts:
    """What the session said before Django loaded its user: Django empties a session whose password hash
    no longer matches while loading it, and this is all that is left to tell why."""

    key: str
    user_id: str | None
    auth_hash: str
    signed_in: float | None
    seen: float | None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _read(request: HttpRequest) -> _SessionFacts:
    session = request.session
    user_id = session.get(SESSION_KEY)
    return _SessionFacts(
        key=session.session_key or "",
        user_id=str(user_id) if user_id is not None else None,
        auth_hash=str(session.get(HASH_SESSION_KEY, "")),
        signed_in=_number(session.get(SIGNED_IN_AT)),
        seen=_number(session.get(SEEN_AT)),
    )


def _over_limit(facts: _SessionFacts, user: User, now: float) -> str:
    """Why the session of a signed-in user must end now, or ""."""
    if facts.signed_in is None or facts.seen is None:
        return ""  # signed in by a path that set no times (a test's force_login): stamped below
    if user.sessions_ended_at is not None and facts.signed_in <= user.sessions_ended_at.timestamp():
        return "ended"
    if now - facts.signed_in > settings.SESSION_MAX_SECONDS:
        return "max"
    if now - facts.seen > settings.SESSION_IDLE_SECONDS + seen_granularity():
        return "idle"
    return ""


def _lost(user_id: str, auth_hash: str) -> tuple[User | None, str]:
    """The session named a user Django no longer signs in with it: disabled, or the password changed."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return None, ""
    if not user.is_active:
        return user, "disabled"
    if not constant_time_compare(auth_hash, user.get_session_auth_hash()):
        return user, "password"
    return None, ""


_MESSAGES = {
    "idle": "You were signed out after {minutes} without activity. Sign in again to go on.",
    "max": "Sessions last {hours} hours at most. Sign in again to go on.",
    "ended": "An administrator ended your session. Sign in again to go on.",
    "disabled": "Your account was disabled, so your session ended. Ask an administrator if you need it again.",
    "password": "Your password was changed, so this session ended. Sign in with the new password.",
}


def _message(reason: str) -> str:
    minutes = settings.SESSION_IDLE_SECONDS // 60
    return _MESSAGES[reason].format(
        minutes="1 minute" if minutes == 1 else f"{minutes} minutes", hours=settings.SESSION_MAX_SECONDS // 3600
    )


def _page_path(request: HttpRequest) -> str:
    """The page to come back to after signing in: for htmx's own requests, the page that made them."""
    current = request.headers.get("HX-Current-URL", "") if request.headers.get("HX-Request") else ""
    if current and url_has_allowed_host_and_scheme(current, {request.get_host()}, require_https=request.is_secure()):
        parts = urlsplit(current)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()


def _public(path: str) -> bool:
    """Pages anyone may open: a session that ends there ends quietly and the page is served."""
    return path in (reverse(settings.LOGIN_URL), "/healthz") or path.startswith("/notice/")


def _end(request: HttpRequest, user: User, reason: str, facts: _SessionFacts) -> HttpResponse | None:
    """Record the end once, empty the session and send the browser to sign-in with the reason. (An htmx
    request's redirect becomes HX-Redirect in portal.middleware.HtmxSignInRedirectMiddleware.)"""
    actions.record_session_end(user, reason, facts.key)
    request.session.flush()
    request.user = AnonymousUser()
    messages.info(request, _message(reason))
    if _public(request.path):
        return None
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': _page_path(request)})}")


def stamp_sign_in(request: HttpRequest) -> None:
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now


def _note_seen(request: HttpRequest, facts: _SessionFacts, now: float) -> None:
    if facts.signed_in is None or facts.seen is None:
        stamp_sign_in(request)
    elif request.headers.get(BACKGROUND_HEADER) != "true" and now - facts.seen >= seen_granularity():
        request.session[SEEN_AT] = now


class SessionLimitsMiddleware:
    """Ends a session that went idle or past its lifetime, that an administrator ended, or whose user was
    disabled or changed password; each end is one `auth.session_ended` event with its reason."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        facts = _read(request)  # before anything loads the user
        user: User | None = request.user if isinstance(request.user, User) else None
        now, reason = time.time(), ""
        if user is not None and user.is_authenticated:
            reason = _over_limit(facts, user, now)
            if not reason:
                _note_seen(request, facts, now)
                return self.get_response(request)
        elif facts.user_id is not None:
            user, reason = _lost(facts.user_id, facts.auth_hash)
        ended = _end(request, user, reason, facts) if user is not None and reason else None
        return ended or self.get_response(request)
