"""Obligations in the browser: a manager sees what the incident owes, with an overdue one standing out
on the incident page, and marks one done with evidence."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import Role
from e2e.conftest import check_accessibility, sign_in
from incidents.models import DataType, Obligation
from portal.testing import PASSWORD, IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, member


def test_a_manager_marks_an_obligation_done_with_evidence(page: Page, transactional_db, tmp_path):
    incident = IncidentFactory.create(slug="obligations-e2e", title="Obligations incident")
    incident.data_types.set(DataType.objects.filter(key__in=["name", "state_student_id", "education_records"]))
    RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="MO")
    yesterday = timezone.localdate() - timedelta(days=1)
    Obligation.objects.create(incident=incident, party="Cyber insurer", notice="Notice of claim", due_on=yesterday)
    manager = UserFactory.create(username="olga-manager")
    member(manager, incident, Role.MANAGER)
    evidence = tmp_path / "auditor-confirmation.pdf"
    evidence.write_bytes(b"%PDF-1.7 synthetic confirmation")

    sign_in(page, "olga-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/")
    section = page.locator("section", has=page.get_by_role("heading", name="Obligations"))
    expect(section).to_contain_text("Overdue")
    expect(section).to_contain_text("Cyber insurer")
    section.get_by_role("link", name="All obligations").click()
    check_accessibility(page)
    expect(page.get_by_role("row", name="Missouri State Auditor")).to_contain_text("RSMo 162.1475")

    page.get_by_role("link", name="Missouri State Auditor").click()
    page.get_by_label("Reference").fill("SAO-2026-118")
    page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Notice to Missouri State Auditor marked done.")).to_be_visible()
    expect(page.get_by_role("row", name="Missouri State Auditor")).to_contain_text("Done")
    check_accessibility(page)

    page.get_by_role("link", name="Missouri State Auditor").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the evidence (auditor-confirmation.pdf)").click()
    assert download.value.suggested_filename == "auditor-confirmation.pdf"
    assert download.value.path().read_bytes() == evidence.read_bytes()
