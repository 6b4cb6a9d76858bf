"""A whole call in the browser: screen-pop, search, verification, disclosure, escalation, disposition."""

import re

import pytest
from playwright.sync_api import Page, expect

from callcenter.models import Call, Escalation
from callcenter.tests.helpers import family
from e2e.conftest import SCREENSHOTS, check_accessibility, sign_in
from incidents.models import Incident, Role
from people.models import Recipient
from portal.testing import PASSWORD, IncidentFactory, UserFactory, member
from public.models import FaqEntry

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


def test_keyboard_only_from_a_search_result_to_a_closed_call_in_fifteen_presses(page: Page, incident):
    """Counts every key the agent presses (Tab, Enter, arrows); the caller's words are typed as said."""
    grace = Recipient.objects.get(incident=incident)
    # Talking points and questions, each a control of its own, stand between the card and the disposition.
    for field, _label in Incident.NOTICE_SECTIONS:
        setattr(incident, field, f"Synthetic notice text for {field}.")
    incident.save()
    for n in range(5):
        FaqEntry.objects.create(incident=incident, question=f"Synthetic question {n}?", answer="Synthetic answer.")
    sign_in(page, "sam-agent", PASSWORD)
    page.goto(f"/callcenter/{incident.slug}/lookup/")
    presses: list[str] = []

    def press(key: str) -> None:
        presses.append(key)
        page.keyboard.press(key)

    # The caller reads out the code from their letter.
    expect(page.get_by_label("Reference code")).to_be_focused()
    page.keyboard.type(grace.reference_code_display)
    press("Enter")
    expect(page.locator(".portal-result").first).to_be_focused()
    presses.clear()  # from the search result on

    press("Enter")
    expect(page.get_by_role("heading", name=re.compile(r"^Call #\d+"))).to_be_visible()
    # The code searched by is carried into the verification; focus waits on the next thing to ask.
    expect(page.get_by_label("Reference code")).to_have_value(grace.reference_code_display)
    expect(page.get_by_label("Date of birth")).to_be_focused()
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "call-verification-focus.png"))
    page.keyboard.type("05/01/2012")
    press("Enter")

    # Verified: focus is on the card that says what to tell the caller, announced as a status.
    card = page.locator("#disclosure")
    expect(card).to_be_focused()
    expect(card.get_by_role("status")).to_have_text(
        "Verified by reference code and date of birth. Ada Nguyen is affected by this incident."
    )
    check_accessibility(page)
    expect(card.locator("summary")).to_have_count(len(Incident.NOTICE_SECTIONS))
    page.screenshot(path=str(SCREENSHOTS / "call-verified-focus.png"))
    press("Tab")
    expect(page.get_by_role("link", name="Skip to the disposition")).to_be_focused()
    press("Enter")
    expect(page.get_by_label("Disposition")).to_be_focused()
    press("ArrowDown")
    page.screenshot(path=str(SCREENSHOTS / "call-disposition-focus.png"))
    expect(page.get_by_label("Disposition")).to_have_value(str(incident.dispositions.get(key="confirmed_impacted").pk))
    press("Tab")
    expect(page.get_by_role("button", name="Close the call")).to_be_focused()
    press("Enter")
    expect(page.get_by_text("Call logged as “Confirmed impacted”. Ready for the next caller.")).to_be_visible()

    assert len(presses) <= 15, presses
    call = Call.objects.get()
    assert call.is_verified
    assert call.disposition is not None
    assert call.disposition.key == "confirmed_impacted"


def test_the_phone_number_alone_finds_the_caller_and_summaries_take_the_focus_ring(page: Page, incident):
    grace = Recipient.objects.get(incident=incident)
    sign_in(page, "sam-agent", PASSWORD)
    page.goto(f"/callcenter/{incident.slug}/lookup/")
    page.get_by_label("Phone").fill("(573) 555-0142")
    page.get_by_label("Phone").press("Enter")
    expect(page.locator("#lookup-results")).to_contain_text("Ada Nguyen")
    page.keyboard.press("Enter")
    page.get_by_label("Reference code").fill(grace.reference_code_display)
    page.get_by_label("ZIP code").fill("65999")
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#disclosure")).to_be_focused()

    # A <summary> reached by keyboard shows the ring every control shows.
    ring = "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    page.get_by_role("button", name="Send the letter again").focus()
    button_ring = page.get_by_role("button", name="Send the letter again").evaluate(ring)
    summary = page.locator("summary", has_text="Request an address change")
    summary.focus()
    assert summary.evaluate(ring) == button_ring
    assert button_ring[0] == "solid"
    page.screenshot(path=str(SCREENSHOTS / "call-summary-focus.png"), full_page=True)
