from django.http import HttpRequest

from accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The user behind a view that requires sign-in (login_required ran first)."""
    assert isinstance(request.user, User)
    return request.user
