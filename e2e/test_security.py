"""Sign-in with a second factor in the browser: a manager sets up an authenticator at first sign-in
(the test plays the phone, computing codes from the key the page shows), signs out, and signs in again
with a code."""

import time
from base64 import b32decode

from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from e2e.conftest import check_accessibility
from incidents.models import Role
from portal.testing import PASSWORD, IncidentFactory, UserFactory, member


def _phone(secret: str) -> str:
    """What an authenticator app shows now for the key typed from the page."""
    totp = TOTP(b32decode(secret.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _password(page: Page, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_manager_sets_up_an_authenticator_and_signs_in_with_a_code(page: Page, transactional_db):
    incident = IncidentFactory.create(slug="mfa-e2e", title="Second factor incident")
    member(UserFactory.create(username="mina-manager"), incident, Role.MANAGER)

    _password(page, "mina-manager")
    expect(page.get_by_role("heading", name="Set up your authenticator")).to_be_visible()
    expect(page.get_by_role("img", name="QR code for the authenticator app")).to_be_visible()
    check_accessibility(page)
    secret = page.locator("[data-secret]").inner_text()
    spent_period = int(time.time() // 30)
    page.get_by_label("Code").fill(_phone(secret))
    page.get_by_role("button", name="Turn on").click()

    expect(page.get_by_role("heading", name="Keep your recovery codes")).to_be_visible()
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(10)
    check_accessibility(page)
    page.get_by_role("link", name="I have kept them").click()
    expect(page.get_by_role("link", name="Second factor incident")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    _password(page, "mina-manager")
    expect(page.get_by_role("heading", name="Type your code")).to_be_visible()
    check_accessibility(page)
    # Like a person whose phone still shows the code just spent setting it up: wait for the next one. (A
    # code from the future would depend on how the server's drift guess came out at set-up.)
    next_period = (spent_period + 1) * 30
    if time.time() < next_period:
        time.sleep(next_period - time.time() + 0.2)
    page.get_by_label("Code").fill(_phone(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("link", name="Second factor incident")).to_be_visible()
