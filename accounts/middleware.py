"""The second factor: a signed-in user who has not given one in this session reaches only the sign-in
steps. (The session's own limits are enforced in accounts/sessions.py.)"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from accounts import mfa
from accounts.models import User


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
