"""Sessions that end in the browser, with the idle window shortened to one minute (SESSION_IDLE_MINUTES=1)
and the server's clock moved on (the live server runs in this process, so time travel reaches it): an
agent who keeps working stays signed in; an idle agent's next click lands on sign-in with the reason; a
progress bar polling after the window sends the whole page to sign-in. The trail holds one
`auth.session_ended` per ended session."""

import re
import time

import pytest
import time_machine
from playwright.sync_api import Page, expect

from audit.models import AuditEvent, TrailCheck
from e2e.conftest import check_accessibility, sign_in
from incidents.models import Role
from portal.testing import PASSWORD, IncidentFactory, UserFactory, member

pytestmark = pytest.mark.browser
SIGN_IN = re.compile(r"/accounts/login/\?next=")


@pytest.fixture(autouse=True)
def _one_minute_window(settings):
    settings.SESSION_IDLE_SECONDS = 60


def _ended() -> list[str]:
    return [e.details["reason"] for e in AuditEvent.objects.filter(action="auth.session_ended")]


def test_an_idle_agent_clicks_a_link_and_lands_on_sign_in_with_the_reason(page: Page, transactional_db):
    incident = IncidentFactory.create(slug="idle-e2e", title="Idle session incident")
    member(UserFactory.create(username="ida-agent"), incident, Role.AGENT)
    sign_in(page, "ida-agent", PASSWORD)
    with time_machine.travel(time.time(), tick=True) as clock:
        for _ in range(3):  # working: a click every 50 seconds keeps the session
            clock.shift(50)
            page.get_by_role("link", name="Incidents", exact=True).first.click()
            expect(page.get_by_role("link", name="Idle session incident")).to_be_visible()
        clock.shift(90)  # lunch
        page.get_by_role("link", name="Idle session incident").click()
        expect(page).to_have_url(SIGN_IN)
        expect(page.get_by_text("You were signed out after 1 minute without activity.")).to_be_visible()
        check_accessibility(page)
    assert _ended() == ["idle"]


def test_a_progress_poll_after_the_window_sends_the_page_to_sign_in(page: Page, transactional_db):
    auditor = UserFactory.create(username="aud-auditor")
    member(auditor, IncidentFactory.create(slug="poll-e2e", title="Polling incident"), Role.AUDITOR)
    TrailCheck.objects.create(requested_by=auditor)  # waiting for a worker: its bar polls every second
    sign_in(page, "aud-auditor", PASSWORD)
    page.goto("/audit/")
    expect(page.get_by_text("Waiting for a worker")).to_be_visible()
    with time_machine.travel(time.time(), tick=True) as clock:
        clock.shift(90)
        expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Faudit%2F$"))
        expect(page.get_by_text("You were signed out after 1 minute without activity.")).to_be_visible()
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert _ended() == ["idle"]
