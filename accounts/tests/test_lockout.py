"""Failed sign-ins lock out one username from one address, the admin's sign-in included; its owner,
elsewhere, still signs in."""

import pytest
from django.test import Client
from django.urls import reverse

from portal.testing import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _try(client, username, password, address="203.0.113.9", url=LOGIN):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_failures_lock_the_username_from_that_address(settings):
    user = UserFactory.create(username="casey")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "casey", "wrong-password").status_code == 200
    locked = _try(client, "casey", "wrong-password")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    assert "for 15 minutes" in locked.content.decode()
    assert _try(client, "casey", PASSWORD).status_code == 429  # even the right password, from there
    assert "_auth_user_id" not in client.session
    assert user.is_active


def test_someone_elsewhere_cannot_lock_the_owner_out(settings):
    UserFactory.create(username="casey")
    attacker = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT + 2):
        _try(attacker, "casey", "guess", address="198.51.100.7")
    owner = Client()
    response = _try(owner, "casey", PASSWORD, address="203.0.113.9")
    assert response.status_code == 302  # on to the second factor


def test_a_success_clears_the_failures(settings):
    UserFactory.create(username="casey")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _try(client, "casey", "wrong-password")
    assert _try(client, "casey", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _try(client, "casey", "wrong-password").status_code == 200


def test_the_admin_sign_in_locks_out_too(settings):
    UserFactory.create(username="root-user", is_superuser=True, is_staff=True)
    client = Client()
    admin_login = reverse("admin:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _try(client, "root-user", "wrong-password", url=admin_login)
    assert _try(client, "root-user", PASSWORD, url=admin_login).status_code == 429
