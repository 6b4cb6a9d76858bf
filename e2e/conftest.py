"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server."""

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright

from accounts.mfa import current_code
from accounts.models import User
from portal.testing import authenticator

# Playwright's sync API runs an event loop in this thread; the live server and
# the test's own ORM calls are ordinary synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run bin/install-system-packages (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's event loop exists, the tests' ORM calls hold
        # connections of their own; close them so the test database can be
        # dropped at the end of the session.
        connections.close_all()


@pytest.fixture
def page(browser: Browser, live_server, request) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not refused, "the Content Security Policy refused: " + "; ".join(refused)


def check_accessibility(page: Page) -> None:
    """axe-core on the current screen: no serious or critical violations. (Evaluated through the
    browser's debugging protocol: a script tag would be inline script, which the portal's policy refuses.)
    A click that navigates returns before the next page has loaded: the check waits for it."""
    page.wait_for_load_state("load")
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    details = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in serious]
    assert not serious, f"{page.url}: " + "; ".join(details)


def next_code(device) -> str:
    """The code the user's phone shows, or the next one when this period's code was used already
    (the portal accepts each code once)."""
    device.refresh_from_db()
    now_step = int(time.time() - device.t0) // device.step
    return current_code(device, steps_ahead=max(0, device.last_t + 1 - now_step))


def sign_in(page: Page, username: str, password: str) -> None:
    """Password, then the code from the user's authenticator (set up for them if they have none)."""
    device = authenticator(User.objects.get(username=username))
    page.goto("/accounts/login/")
    check_accessibility(page)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Code").fill(next_code(device))
    page.get_by_role("button", name="Continue").click()
