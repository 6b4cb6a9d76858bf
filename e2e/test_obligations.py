"""The dashboard and obligations in the browser: a manager sees the incident's figures and charts, what
it owes with an overdue one standing out, marks one done with evidence and finds it on the timeline."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import Page, expect

from callcenter import actions as calls
from callcenter.models import Disposition
from e2e.conftest import check_accessibility, sign_in
from incidents.models import DataType, Role
from notifications.models import BatchStatus, LetterBatch
from people import figures as people_figures
from portal.testing import PASSWORD, IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, member
from regulators.models import Obligation


def _letters_and_calls(incident, agent) -> None:
    """Two mailings and four calls over the last days, as the letters and the call center record them."""
    today = timezone.localdate()
    for days_ago, letters in ((6, 1200), (1, 800)):
        LetterBatch.objects.create(
            incident=incident, name=f"Mailing {days_ago}", status=BatchStatus.MAILED, letters_total=letters,
            letters_rendered=letters, mailed_on=today - timedelta(days=days_ago),
        )  # fmt: skip
    for days_ago in (0, 0, 1, 3):
        call = calls.start_call(agent, incident, None, timezone.now() - timedelta(days=days_ago, minutes=5))
        disposition = Disposition.objects.filter(incident=incident).order_by("sort_order").first()
        calls.close_call(agent, call, disposition=disposition, caller_name="", relationship="", notes="")


def test_a_manager_sees_the_dashboard_and_marks_an_obligation_done(page: Page, transactional_db, tmp_path):
    incident = IncidentFactory.create(slug="obligations-e2e", title="Obligations incident")
    incident.data_types.set(DataType.objects.filter(key__in=["name", "state_student_id", "education_records"]))
    RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="MO")
    people_figures.count_now(incident)
    yesterday = timezone.localdate() - timedelta(days=1)
    Obligation.objects.create(incident=incident, party="Cyber insurer", notice="Notice of claim", due_on=yesterday)
    manager = UserFactory.create(username="olga-manager")
    member(manager, incident, Role.MANAGER)
    agent = UserFactory.create(username="ari-agent")
    member(agent, incident, Role.AGENT)
    _letters_and_calls(incident, agent)
    evidence = tmp_path / "auditor-confirmation.pdf"
    evidence.write_bytes(b"%PDF-1.7 synthetic confirmation")

    sign_in(page, "olga-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/")
    people = page.locator("section", has=page.get_by_role("heading", name="People"))
    expect(people.get_by_role("row", name="Missouri")).to_contain_text("1")
    letters_chart = page.locator('svg[data-chart="letters-mailed-chart"]')
    expect(letters_chart).to_be_visible()
    expect(letters_chart.locator("rect.portal-chart__bar")).to_have_count(7)  # six days ago to today
    expect(letters_chart.locator(".portal-chart__value").last).to_have_text("2,000")
    calls_chart = page.locator('svg[data-chart="dashboard-calls-chart"]')
    expect(calls_chart).to_be_visible()
    expect(calls_chart.locator("desc")).to_contain_text("4 calls in all")
    check_accessibility(page)
    section = page.locator("section", has=page.get_by_role("heading", name="Obligations"))
    expect(section).to_contain_text("Overdue")
    expect(section).to_contain_text("Cyber insurer")
    section.get_by_role("link", name="All obligations").click()
    check_accessibility(page)
    expect(page.get_by_role("row", name="Missouri State Auditor")).to_contain_text("RSMo 162.1475")

    page.get_by_role("link", name="Missouri State Auditor").click()
    page.get_by_label("Date the notice was sent").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("Reference or confirmation number").fill("SAO-2026-118")
    page.get_by_label("Evidence (a file)").set_input_files(str(evidence))
    page.get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Notice to Missouri State Auditor marked done.")).to_be_visible()
    expect(page.get_by_role("row", name="Missouri State Auditor")).to_contain_text("Done")
    check_accessibility(page)

    page.get_by_role("link", name="Missouri State Auditor").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the evidence (auditor-confirmation.pdf)").click()
    assert download.value.suggested_filename == "auditor-confirmation.pdf"
    assert download.value.path().read_bytes() == evidence.read_bytes()

    page.goto(f"/incidents/{incident.slug}/")
    timeline = page.locator("section", has=page.get_by_role("heading", name="Timeline"))
    expect(timeline.get_by_role("listitem").first).to_contain_text("Notice given: Missouri State Auditor")
