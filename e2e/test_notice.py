"""The public notice in the browser: a manager publishes it and posts an update; anyone reads it without
signing in and checks a reference code with a date of birth."""

from datetime import date

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import SCREENSHOTS, check_accessibility, sign_in
from incidents.models import Role
from portal.lib import refcode
from portal.testing import PASSWORD, IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, expose, member

NOT_CONFIRMED = "We could not confirm a notice for this reference code and date of birth."


def test_a_published_notice_answers_the_self_service_check(page: Page, browser: Browser, live_server, transactional_db):
    incident = IncidentFactory.create(
        slug="notice-e2e",
        title="Notice incident",
        what_happened="A staff member copied student files to a personal mailbox.",
        what_information="Names, addresses, education records and medical information.",
        what_we_are_doing="We disabled the account and notified the State Auditor.",
        what_you_can_do="Review account statements and order your free credit reports.",
        for_more_information="Call the hotline on weekdays.",
        hotline_phone="+18005550100",
        hotline_hours="Monday to Friday, 8 a.m. to 5:30 p.m.",
    )
    manager = UserFactory.create(username="nora-manager")
    member(manager, incident, Role.MANAGER)
    person = IndividualFactory.create(incident=incident, date_of_birth=date(2012, 5, 1))
    expose(person, "name", "medical_information")
    recipient = RecipientFactory.create(individual=person)

    sign_in(page, "nora-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/")
    page.get_by_role("link", name="Public notice").click()
    check_accessibility(page)
    page.get_by_label("Update").fill("Letters were mailed on October 20.")
    page.get_by_role("button", name="Post the update").click()
    expect(page.get_by_text("Update posted to the notice's update log.")).to_be_visible()
    page.get_by_role("button", name="Publish the notice").click()
    expect(page.get_by_text("The notice is public.")).to_be_visible()

    public = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url).new_page()
    public.goto(f"/notice/{incident.slug}/")  # nobody signed in
    expect(public.get_by_role("heading", name="Notice of data breach")).to_be_visible()
    expect(public.get_by_role("heading", name="Questions? Call (800) 555-0100")).to_be_visible()
    expect(public.get_by_text("Letters were mailed on October 20.")).to_be_visible()
    check_accessibility(public)

    public.get_by_label("Reference code from the letter").fill(refcode.display(recipient.reference_code).lower())
    public.get_by_label("Date of birth of the person the letter is about").fill("05/01/2012")
    public.get_by_role("button", name="Check").click()
    answer = public.locator("#check-answer")
    expect(answer).to_contain_text("Yes: this person's information was involved")
    expect(answer).to_contain_text("Medical information")
    check_accessibility(public)
    public.screenshot(path=str(SCREENSHOTS / "public_notice_confirmed.png"), full_page=True)

    public.get_by_label("Reference code from the letter").fill(recipient.reference_code)
    public.get_by_label("Date of birth of the person the letter is about").fill("05/02/2012")
    public.get_by_role("button", name="Check").click()
    expect(answer).to_contain_text(NOT_CONFIRMED)
    expect(answer).not_to_contain_text("Medical information")

    public.get_by_label("Reference code from the letter").fill(refcode.generate())
    public.get_by_label("Date of birth of the person the letter is about").fill("05/01/2012")
    public.get_by_role("button", name="Check").click()
    expect(answer).to_contain_text(NOT_CONFIRMED)
    assert public.url.endswith(f"/notice/{incident.slug}/#check")  # nothing typed travels in the address
    public.context.close()
