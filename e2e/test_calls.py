"""A whole call in the browser: screen-pop, search, verification, disclosure, escalation, disposition."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Role
from callcenter.models import Call, Escalation
from callcenter.tests.helpers import family
from e2e.conftest import check_accessibility, sign_in
from portal.testing import PASSWORD, IncidentFactory, UserFactory, member

pytestmark = pytest.mark.browser


@pytest.fixture
def incident(transactional_db):
    incident = IncidentFactory.create(slug="riverside-calls", title="Riverside records incident")
    member(UserFactory.create(username="sam-agent"), incident, Role.AGENT)
    member(UserFactory.create(username="pat-manager", first_name="Pat", last_name="Manager"), incident, Role.MANAGER)
    family(incident)
    return incident


def test_agent_takes_a_whole_call(page: Page, incident):
    sign_in(page, "sam-agent", PASSWORD)

    # The phone system opens the lookup with the caller's number; the number leaves the address bar.
    page.goto(f"/callcenter/{incident.slug}/lookup/?phone=573-555-0142")
    expect(page).to_have_url(re.compile(rf"/callcenter/{incident.slug}/lookup/$"))
    results = page.locator("#lookup-results")
    expect(results).to_contain_text("Ada Nguyen")
    expect(results).to_contain_text("Letter to the parent or guardian")
    check_accessibility(page)

    # Keyboard first: focus starts in the first field, Enter searches, Tab reaches the result.
    page.goto(f"/callcenter/{incident.slug}/lookup/")
    expect(page.get_by_label("Reference code")).to_be_focused()
    page.get_by_label("Last name").fill("Nguyen")
    page.get_by_label("Date of birth").fill("5/1/2012")
    page.keyboard.press("Enter")
    expect(results).to_have_attribute("data-results", "1")
    # Before verification the result shows a name, a city and a birth year, nothing more.
    expect(results).not_to_contain_text("Fictional Way")
    expect(results).not_to_contain_text("65999")
    expect(page.locator(".portal-result").first).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name=re.compile(r"^Call #\d+"))).to_be_visible()
    expect(page.get_by_text("Nothing more is shown until the caller is verified.")).to_be_visible()
    expect(page.get_by_text("Medical information")).to_have_count(0)
    check_accessibility(page)

    # Two points: unverified, the script says so, nothing is disclosed, nor which details matched.
    page.get_by_label("Date of birth").fill("05/01/2012")
    page.get_by_label("ZIP code").fill("65999")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Not verified: what the caller said does not verify them.")).to_be_visible()
    expect(page.get_by_text("I can only discuss a record once I have verified who you are")).to_be_visible()
    expect(page.get_by_text("Medical information")).to_have_count(0)

    # A third point verifies; the disclosure card shows what was exposed.
    page.get_by_label("Street address").fill("100 N. Fictional Way")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("Caller verified.")).to_be_visible()
    card = page.locator("#disclosure")
    expect(card).to_contain_text("Ada Nguyen is affected by this incident.")
    expect(card).to_contain_text("Medical information")
    check_accessibility(page)

    # Escalated to the manager.
    page.get_by_text("Escalate this call").click()
    page.get_by_label("Owner").select_option(label="Pat Manager")
    page.get_by_label("Why it needs escalating").fill("Asks for a supervisor about credit monitoring.")
    page.get_by_role("button", name="Escalate", exact=True).click()
    expect(page.get_by_text("Escalated to Pat Manager.")).to_be_visible()

    # Closing without a disposition is refused; with one, the call is logged.
    page.get_by_role("button", name="Close the call").click()
    expect(page.get_by_text("Choose a disposition before closing the call.").first).to_be_visible()
    page.get_by_label("Caller's name").fill("Grace Okafor")
    page.get_by_label("Caller is").select_option(label="Parent or guardian")
    page.get_by_label("Disposition").select_option(label="Escalated")
    page.get_by_role("button", name="Close the call").click()
    expect(page.get_by_text("Call logged as “Escalated”. Ready for the next caller.")).to_be_visible()
    expect(page.get_by_label("Reference code")).to_be_focused()

    call = Call.objects.get()
    assert call.is_verified
    assert call.disposition is not None
    assert call.disposition.label == "Escalated"
    assert call.ended_at is not None
    assert call.caller_relationship == "parent_guardian"
    assert Escalation.objects.get().call == call
