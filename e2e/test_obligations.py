"""The dashboard and obligations in the browser: a manager sees the incident's figures and charts, what
it owes with an overdue one standing out, marks one done with evidence and finds it on the timeline; a
district with people in every state reads its obligations by jurisdiction, sets a target date and gets
the digest. (The real table, with the sample Missouri file and a sample for any state still missing.)"""

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from callcenter import actions as calls
from callcenter.models import Disposition
from e2e.conftest import check_accessibility, sign_in
from incidents.models import DataType, Incident, Role
from notifications.models import BatchStatus, LetterBatch
from people import figures as people_figures
from portal.testing import PASSWORD, IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, member
from portal.testing.jurisdictions import completed, district_in_every_state, real_with_sample_missouri, table_from
from regulators.digest import send_digests
from regulators.models import Obligation


@pytest.fixture(autouse=True)
def sample_table(tmp_path: Path) -> Iterator[Path]:
    with table_from(completed(real_with_sample_missouri(tmp_path / "jurisdictions"))) as folder:
        yield folder


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


def test_a_district_with_people_in_every_state_reads_its_obligations_by_jurisdiction_and_its_digest(
    page: Page, transactional_db
):
    incident = district_in_every_state("every-state-e2e", AP=2)
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.NOTIFYING)
    manager = UserFactory.create(username="mona-manager", email="mona@example.org")
    member(manager, incident, Role.MANAGER)

    sign_in(page, "mona-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/obligations/")
    headings = page.locator("section.portal-jurisdiction h2")
    expect(headings.first).to_have_text("Federal law (US)")
    names = headings.all_text_contents()
    assert len(names) == 52  # federal law, then the 50 states and DC by name
    assert names[1:] == sorted(names[1:])
    texas = page.locator('section[data-jurisdiction="TX"]')
    ag = texas.get_by_role("row", name="Texas Attorney General")
    expect(ag).to_contain_text("Tex. Bus. & Com. Code 521.053(i)")
    expect(ag).to_contain_text("Due by law: Oct 14, 2026")
    expect(ag).to_contain_text("Data Security Breach Report form")
    expect(page.get_by_text("Armed Forces Pacific: check with counsel")).to_be_visible()
    check_accessibility(page)

    target = timezone.localdate() + timedelta(days=4)
    page.get_by_role("textbox", name="Target date").fill(target.isoformat())
    page.get_by_role("button", name="Set the target date").click()
    expect(page.get_by_text("Target date set to")).to_be_visible()
    shown = f"{target:%b} {target.day}, {target.year}"
    missouri = page.locator('section[data-jurisdiction="MO"]').get_by_role("row", name="Affected Missouri residents")
    expect(missouri).to_contain_text("Due by law: no fixed date")
    expect(missouri).to_contain_text(f"Target: {shown}")
    expect(ag).not_to_contain_text("Target:")  # its legal date comes first
    check_accessibility(page)

    assert send_digests(timezone.localdate()) == 1
    [digest] = mail.outbox
    assert digest.to == ["mona@example.org"]
    long_date = f"{target:%B} {target.day}, {target.year}"
    residents = "Affected Missouri residents: Notice of the breach to each person affected"
    assert f"{residents}, no fixed date in law, target {long_date}" in digest.body
    assert "Texas Attorney General: Breach report, due by law October 14, 2026 (" in digest.body  # no target
    assert digest.body.index("Texas Attorney General") < digest.body.index(residents)  # overdue first
    link = next(line for line in digest.body.splitlines() if "/obligations/" in line)
    page.goto(link[link.index("/incidents/") :])
    expect(page.get_by_role("heading", name="Obligations", level=1)).to_be_visible()
