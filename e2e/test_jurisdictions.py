"""The Jurisdictions page in the browser: an auditor finds it from the incident, reads where the
incident's people live first, and searches the table by name."""

from playwright.sync_api import Page, expect

from e2e.conftest import check_accessibility, sign_in
from incidents.models import Role
from portal.testing import PASSWORD, IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, member
from portal.testing import letter_jurisdictions as stand_ins
from regulators.jurisdictions.table import DATA


def test_an_auditor_reads_the_jurisdictions_the_incident_involves_first(page: Page, transactional_db, monkeypatch,
                                                                         tmp_path):  # fmt: skip
    texas = (DATA / "tx.toml").read_text(encoding="utf-8")
    stand_ins.install(monkeypatch, tmp_path, {**stand_ins.FILES, "tx": texas})
    incident = IncidentFactory.create(slug="jurisdictions-e2e", title="Jurisdictions incident")
    for state in ("TX", "TX", "MA", "GU"):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state=state)
    auditor = UserFactory.create(username="ines-auditor")
    member(auditor, incident, Role.AUDITOR)

    sign_in(page, "ines-auditor", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/")
    page.get_by_role("link", name="Jurisdictions").click()
    expect(page.get_by_role("heading", name="Jurisdictions", level=1)).to_be_visible()
    check_accessibility(page)
    headings = page.locator("details.portal-jurisdiction h2").all_inner_texts()
    assert [h.split(" (")[0] for h in headings[:3]] == ["Guam", "Massachusetts", "Texas"]
    texas_section = page.locator("details", has=page.get_by_role("heading", name="Texas (TX)"))
    expect(texas_section).to_contain_text("In this incident: 2 people")
    expect(texas_section.get_by_role("row", name="Texas Attorney General")).to_contain_text("From 250 Texas residents")
    expect(page.locator("details", has=page.get_by_role("heading", name="Guam (GU)"))).to_contain_text(
        "Not in the table: check with counsel."
    )

    maryland = page.locator("details", has=page.get_by_role("heading", name="Maryland (MD)"))
    expect(maryland.get_by_role("table")).to_be_hidden()  # closed: the incident has nobody in Maryland
    maryland.locator("summary").click()
    expect(maryland.get_by_role("table")).to_be_visible()
    expect(maryland).to_contain_text("carry the block “For Maryland residents”")

    page.get_by_label("Find a jurisdiction by its code or name").fill("mary")
    page.get_by_role("button", name="Find").click()
    expect(page.locator("details.portal-jurisdiction h2")).to_have_count(1)
    expect(page.get_by_role("heading", name="Maryland (MD)")).to_be_visible()
    expect(page.get_by_text("1 of 6 jurisdictions match “mary”.")).to_be_visible()
    page.get_by_role("link", name="Show all").click()
    expect(page.locator("details.portal-jurisdiction h2")).to_have_count(7)
