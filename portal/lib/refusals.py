"""The views' one way to carry out an action: call it; if it is refused, show the refusal (as an error message,
or as an error on the form being shown); if it is done, say so. The caller then redirects or renders.

Actions refuse in words meant for the user (portal/lib/errors.py), so the refusal is shown as it is.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from portal.lib.errors import ActionRefused

T = TypeVar("T")
Done = str | Callable[[T], str]
REFUSALS: tuple[type[Exception], ...] = (ActionRefused,)


class Refused:
    """What `attempt_on_form` returns when the action was refused (an action may return None when done)."""


REFUSED = Refused()


def attempt(
    request: HttpRequest, action: Callable[[], T], done: Done[T] = "", refusals: tuple[type[Exception], ...] = REFUSALS
) -> bool:
    """Call `action`; a refusal becomes an error message, success the `done` message (if any). True if done."""
    try:
        result = action()
    except refusals as refusal:
        messages.error(request, str(refusal))
        return False
    if said := (done(result) if callable(done) else done):
        messages.success(request, said)
    return True


def attempt_then_redirect(
    request: HttpRequest, action: Callable[[], T], to: str, *args: Any, done: Done[T] = "", **kwargs: Any
) -> HttpResponseRedirect:
    """`attempt`, then on to `to` (a URL name, reversed with args and kwargs) whether done or refused."""
    attempt(request, action, done)
    return redirect(to, *args, **kwargs)


def attempt_on_form(form: BaseForm, action: Callable[[], T], field: str | None = None) -> T | Refused:
    """Call `action`; a refusal becomes an error on the form (on `field`, or on the whole form)."""
    try:
        return action()
    except ActionRefused as refusal:
        form.add_error(field, str(refusal))
        return REFUSED
