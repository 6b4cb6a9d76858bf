"""Sign-in and sign-out go into the audit trail.

Django announces these only through its auth signals, so a receiver is the
one place to hear them. A failed sign-in records no username: people type
passwords into that field.
"""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction
from django.dispatch import receiver

from accounts.sessions import stamp_sign_in
from audit import api as audit


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        stamp_sign_in(request)  # the session's limits count from here
    with transaction.atomic():
        audit.record("auth.login", actor=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        with transaction.atomic():
            audit.record("auth.logout", actor=user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: Any, request: Any = None, **kwargs: Any) -> None:
    with transaction.atomic():
        audit.record("auth.login_failed", actor=None)
