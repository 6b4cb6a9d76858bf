"""Where the organisation is, in the browser: the obligations screen of a Missouri district asks for its
state while New York's school law is listed for its New York students; the manager sets it on the incident
form and New York's school notices leave the list; the Louisiana Attorney General's copy waits for the
residents' letters. (The real table.)"""

from datetime import date

from playwright.sync_api import Page, expect

from e2e.conftest import SCREENSHOTS, check_accessibility, sign_in
from incidents.models import DataType, OrganisationType, Role
from people import figures as people_figures
from portal.testing import PASSWORD, IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, member

ASK = "Set the organisation's state on the incident to settle which school and public-body laws apply"
NEW_YORK_SCHOOLS = "New York State Education Department, Chief Privacy Officer"


def test_setting_the_organisations_state_settles_the_school_laws(page: Page, transactional_db):
    incident = IncidentFactory.create(
        slug="riverbend-moves", title="Student records copied", organisation_type=OrganisationType.SCHOOL_DISTRICT,
        organisation_name="Riverbend R-VII School District", discovered_on=date(2026, 9, 14),
    )  # fmt: skip
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn", "education_records"]))
    for state, count in (("MO", 4), ("NY", 3), ("LA", 2)):
        for _ in range(count):
            RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state=state)
    people_figures.count_now(incident)
    manager = UserFactory.create(username="mona-manager")
    member(manager, incident, Role.MANAGER)

    sign_in(page, "mona-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/obligations/")
    expect(page.get_by_role("status").filter(has_text=ASK)).to_be_visible()
    expect(page.get_by_role("row", name=NEW_YORK_SCHOOLS)).to_be_visible()
    louisiana = page.get_by_role("row", name="Louisiana Attorney General, Consumer Protection Section")
    expect(louisiana).to_contain_text("Due by law: no fixed date")
    expect(louisiana).to_contain_text("10 days after the notice to residents, dated once their letters are mailed")
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "organisation_state_unset.png"), full_page=True)

    page.get_by_role("link", name="Edit the incident").click()
    page.get_by_label("Organisation's state").select_option("MO")
    page.locator("form.usa-form").get_by_label("Organisation's state").screenshot(
        path=str(SCREENSHOTS / "organisation_state_field.png")
    )
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "organisation_state_form.png"), full_page=True)
    page.get_by_role("button", name="Save").click()
    page.goto(f"/incidents/{incident.slug}/obligations/")
    expect(page.get_by_text(ASK)).to_have_count(0)
    expect(page.get_by_text("where the organisation is (Missouri)")).to_be_visible()
    expect(page.get_by_role("row", name=NEW_YORK_SCHOOLS)).to_have_count(0)
    expect(page.get_by_role("row", name="Affected New York residents")).to_be_visible()
    expect(page.get_by_role("row", name="Missouri State Auditor")).to_be_visible()
    incident.refresh_from_db()
    assert incident.organisation_state == "MO"

    page.get_by_role("button", name="Set the target date").click()
    page.get_by_role("link", name="Missouri State Auditor").click()
    facts = page.locator("dl.portal-facts")
    expect(facts.locator("dt", has_text="Due by law")).to_be_visible()
    expect(facts.locator("dd.portal-due")).to_contain_text("No fixed date: without unreasonable delay")
    expect(facts.locator("dd.portal-target")).to_contain_text("(the incident's target date, the one to work toward)")
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "obligation_detail_dates.png"), full_page=True)
