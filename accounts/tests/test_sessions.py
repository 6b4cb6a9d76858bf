"""Sessions end after 15 minutes without the user, after 12 hours whatever they do, when an administrator
ends them, when the account is disabled and when its password changes; polling in the background keeps
none alive. Each end sends the next request to sign-in with the reason, and leaves one `auth.session_ended`
event. These run with committed transactions (`transactional_db`), as requests do in production: the
audit trail refuses an event written outside a transaction."""

import threading
import time

import pytest
import time_machine
from django.db import connection
from django.urls import reverse

from accounts import actions
from accounts.models import User
from audit.models import AuditEvent
from portal.testing import PortalClient, UserFactory

HOME = reverse("incidents:incident-list")
LOGIN = reverse("accounts:login")
BACKGROUND = {"HTTP_X_PORTAL_BACKGROUND": "true"}
START = time.time()


@pytest.fixture(autouse=True)
def _committed(transactional_db):
    """Every test here commits, as a request in production does."""


def _at(seconds: float):
    return time_machine.travel(START + seconds, tick=False)


def _minutes(minutes: float):
    return _at(minutes * 60)


@pytest.fixture
def signed_in(client, agent):
    with _at(0):
        client.force_login(agent)
        assert client.get(HOME).status_code == 200
    return client


def _ended(response) -> bool:
    return response.status_code == 302 and response.url.startswith(LOGIN)


def _ends() -> list[dict]:
    return list(AuditEvent.objects.filter(action="auth.session_ended").values_list("details", flat=True))


def _reasons() -> list[str]:
    return [details["reason"] for details in _ends()]


def _shown(client, response) -> str:
    return client.get(response.url).content.decode()


def test_fifteen_idle_minutes_end_the_session(signed_in):
    with _minutes(14):
        assert signed_in.get(HOME).status_code == 200  # active again at 14
    with _minutes(28):
        assert signed_in.get(HOME).status_code == 200  # 14 minutes since
    with _minutes(44):
        response = signed_in.get(HOME)
    assert _ended(response)
    assert response.url == f"{LOGIN}?next=%2F"
    assert "signed out after 15 minutes without activity" in _shown(signed_in, response)
    assert _reasons() == ["idle"]
    assert not AuditEvent.objects.filter(action="auth.logout").exists()  # nobody signed out


def test_background_polling_keeps_no_session_alive(signed_in):
    for minute in (5, 10, 14):
        with _minutes(minute):
            assert signed_in.get(HOME, **BACKGROUND).status_code == 200
    with _minutes(16):
        assert _ended(signed_in.get(HOME))
    assert _reasons() == ["idle"]


def test_a_one_minute_window_never_ends_the_session_of_someone_working(signed_in, settings):
    """The stored "last seen" lags the last request by a little; the window allows for it."""
    settings.SESSION_IDLE_SECONDS = 60
    moment = 0.0
    for gap in (59, 2, 59, 1, 59, 59, 2, 2, 59, 30, 59):
        moment += gap
        with _at(moment):
            assert signed_in.get(HOME).status_code == 200, f"signed out at {moment} s after a {gap} s pause"
    with _at(moment + 65):
        response = signed_in.get(HOME)
    assert _ended(response)
    assert "signed out after 1 minute without activity" in _shown(signed_in, response)
    assert _reasons() == ["idle"]


def test_twelve_hours_end_any_session(signed_in):
    for minute in range(10, 12 * 60, 10):
        with _minutes(minute):
            assert signed_in.get(HOME).status_code == 200
    with _minutes(12 * 60 + 1):
        response = signed_in.get(HOME)
    assert _ended(response)
    assert "Sessions last 12 hours at most" in _shown(signed_in, response)
    assert _reasons() == ["max"]


def test_an_administrator_ends_a_users_sessions(signed_in, agent):
    admin = PortalClient()
    with _minutes(1):
        admin.force_login(UserFactory.create(username="root-user", is_superuser=True, is_staff=True))
        changelist = reverse("admin:accounts_user_changelist")
        response = admin.post(changelist, {"action": "end_sessions", "_selected_action": [agent.pk]}, follow=True)
        assert "Sessions ended for 1 user(s)." in response.content.decode()
    with _minutes(2):
        response = signed_in.get(HOME)
    assert _ended(response)
    assert "An administrator ended your session" in _shown(signed_in, response)
    assert AuditEvent.objects.filter(action="user.sessions_ended", target_id=str(agent.pk)).exists()
    assert _reasons() == ["ended"]


def test_disabling_a_user_ends_their_session(signed_in, agent):
    User.objects.filter(pk=agent.pk).update(is_active=False)
    with _minutes(1):
        response = signed_in.get(HOME)
    assert _ended(response)
    assert "Your account was disabled" in _shown(signed_in, response)
    assert _reasons() == ["disabled"]
    with _minutes(2):
        assert signed_in.get(HOME).url.startswith(LOGIN)  # signed out for good, nothing recorded twice
    assert _reasons() == ["disabled"]


def test_a_new_password_ends_the_sessions_signed_in_with_the_old_one(signed_in, agent):
    agent.set_password("a-new-synthetic-passphrase-2026")
    agent.save(update_fields=["password"])
    with _minutes(1):
        response = signed_in.get(HOME)
    assert _ended(response)
    assert "Your password was changed" in _shown(signed_in, response)
    assert _reasons() == ["password"]


def test_an_htmx_poll_after_the_end_sends_the_whole_page_to_sign_in(signed_in):
    page = "http://testserver/audit/?action=auth.login"
    with _minutes(16):
        response = signed_in.get(HOME, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=page, **BACKGROUND)
    assert response.status_code == 204  # nothing swapped into the page
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Faudit%2F%3Faction%3Dauth.login"
    assert "signed out after 15 minutes" in signed_in.get(response["HX-Redirect"]).content.decode()
    assert _reasons() == ["idle"]


def test_an_htmx_poll_never_sends_sign_in_to_another_site(signed_in):
    with _minutes(16):
        response = signed_in.get(HOME, HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://elsewhere.example/x")
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2F"


def test_requests_racing_past_the_end_record_it_once(agent):
    """A click and a progress poll can both find the session over; the first to take the chain's lock
    records the end, the other finds it recorded."""
    barrier, outcomes = threading.Barrier(4), []

    def end() -> None:
        try:
            barrier.wait()
            outcomes.append(actions.record_session_end(agent, "idle", "the-same-session-key"))
        finally:
            connection.close()

    threads = [threading.Thread(target=end) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, False, False, True]
    assert _reasons() == ["idle"]
    actions.record_session_end(agent, "idle", "another-session-key")
    assert len(_ends()) == 2
