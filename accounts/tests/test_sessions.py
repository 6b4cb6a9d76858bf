"""Sessions end after 15 minutes without the user, after 12 hours whatever they do, when an
administrator ends them, and when the account is disabled; polling in the background keeps none alive."""

import time

import pytest
import time_machine
from django.urls import reverse

from accounts.models import User
from audit.models import AuditEvent
from portal.testing import PortalClient, UserFactory

pytestmark = pytest.mark.django_db
HOME = reverse("incidents:incident-list")
BACKGROUND = {"HTTP_X_PORTAL_BACKGROUND": "true"}


def _at(minutes: float):
    return time_machine.travel(START + minutes * 60, tick=False)


START = time.time()


@pytest.fixture
def signed_in(client, agent):
    with _at(0):
        client.force_login(agent)
        assert client.get(HOME).status_code == 200
    return client


def _ended(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_fifteen_idle_minutes_end_the_session(signed_in):
    with _at(14):
        assert signed_in.get(HOME).status_code == 200  # active again at 14
    with _at(28):
        assert signed_in.get(HOME).status_code == 200  # 14 minutes since
    with _at(44):
        response = signed_in.get(HOME)
    assert _ended(response)
    follow = signed_in.get(response.url)
    assert "signed out after 15 minutes without activity" in follow.content.decode()
    assert AuditEvent.objects.get(action="auth.session_ended").details == {"reason": "idle"}


def test_background_polling_keeps_no_session_alive(signed_in):
    for minute in (5, 10, 14):
        with _at(minute):
            assert signed_in.get(HOME, **BACKGROUND).status_code == 200
    with _at(16):
        assert _ended(signed_in.get(HOME))


def test_twelve_hours_end_any_session(signed_in):
    for minute in range(10, 12 * 60, 10):
        with _at(minute):
            assert signed_in.get(HOME).status_code == 200
    with _at(12 * 60 + 1):
        assert _ended(signed_in.get(HOME))
    assert AuditEvent.objects.get(action="auth.session_ended").details == {"reason": "max"}


def test_an_administrator_ends_a_users_sessions(signed_in, agent):
    admin = PortalClient()
    with _at(1):
        admin.force_login(UserFactory.create(username="root-user", is_superuser=True, is_staff=True))
        changelist = reverse("admin:accounts_user_changelist")
        response = admin.post(changelist, {"action": "end_sessions", "_selected_action": [agent.pk]}, follow=True)
        assert "Sessions ended for 1 user(s)." in response.content.decode()
    with _at(2):
        assert _ended(signed_in.get(HOME))
    assert AuditEvent.objects.filter(action="user.sessions_ended", target_id=str(agent.pk)).exists()


def test_disabling_a_user_ends_their_session(signed_in, agent):
    User.objects.filter(pk=agent.pk).update(is_active=False)
    with _at(1):
        assert _ended(signed_in.get(HOME))
