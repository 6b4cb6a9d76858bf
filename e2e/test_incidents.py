import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import Page, expect

from audit.chain import verify_all
from e2e.conftest import check_accessibility, sign_in
from incidents.models import Incident, Role
from portal.testing import PASSWORD, IncidentFactory, UserFactory, member

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(transactional_db):
    user = UserFactory.create(username="pat-manager")
    user.user_permissions.add(Permission.objects.get(codename="add_incident"))
    return user


@pytest.fixture
def agent(transactional_db):
    user = UserFactory.create(username="sam-agent")
    member(user, IncidentFactory.create(slug="existing", title="Existing incident"), Role.AGENT)
    return user


def test_manager_creates_an_incident_sees_it_listed_and_opens_it(page: Page, manager):
    sign_in(page, "pat-manager", PASSWORD)
    expect(page.get_by_role("heading", name="Incidents")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="New incident").click()
    check_accessibility(page)
    page.get_by_label("Short name for links").fill("harbor-clinic-2026")
    page.get_by_label("Title").fill("Clinic scheduling export")
    page.get_by_label("Organisation name").fill("Harbor Community Clinic")
    page.get_by_label("Date discovered").fill("2026-09-10")
    page.get_by_label("Date contained").fill("2026-09-01")
    page.get_by_role("button", name="Create incident").click()

    # Contained before discovered: re-shown with the message beside the field, nothing saved.
    expect(page.get_by_text("The incident cannot be contained before it was discovered.").first).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("Clinic scheduling export")
    check_accessibility(page)
    assert not Incident.objects.filter(slug="harbor-clinic-2026").exists()

    page.get_by_label("Date contained").fill("2026-09-12")
    page.get_by_label("Hotline phone number").fill("800 555 0142")
    page.locator("label", has_text="Medical information").click()  # the design system draws the box on the label
    expect(page.get_by_label("Medical information")).to_be_checked()
    page.get_by_role("button", name="Create incident").click()

    expect(page.get_by_role("heading", name="Clinic scheduling export")).to_be_visible()
    expect(page.get_by_text("(800) 555-0142")).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name="Incidents", exact=True).first.click()
    row = page.get_by_role("row", name=re.compile("Clinic scheduling export"))
    expect(row).to_contain_text("Harbor Community Clinic")
    expect(row).to_contain_text("Incident manager")
    row.get_by_role("link", name="Clinic scheduling export").click()
    expect(page).to_have_url(re.compile(r"/incidents/harbor-clinic-2026/$"))
    assert verify_all().ok


def test_agent_is_refused_the_create_form(page: Page, agent):
    sign_in(page, "sam-agent", PASSWORD)
    expect(page.get_by_role("link", name="Existing incident")).to_be_visible()
    expect(page.get_by_role("link", name="New incident")).to_have_count(0)
    response = page.goto("/incidents/new/")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    check_accessibility(page)


def test_manager_grants_and_removes_a_role(page: Page, manager, agent):
    incident = Incident.objects.get(slug="existing")
    member(manager, incident, Role.MANAGER)
    sign_in(page, "pat-manager", PASSWORD)
    page.goto("/incidents/existing/members/")
    check_accessibility(page)
    page.get_by_label("Username").fill("nobody-here")
    page.get_by_role("button", name="Add").click()
    # The error summary takes focus and names both problems; its link leads to the field.
    summary = page.get_by_role("alert").filter(has_text="Please correct")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is no active user named “nobody-here”.")
    expect(summary).to_contain_text("Role: This field is required.")
    summary.get_by_role("link", name="Username").click()
    expect(page.get_by_label("Username")).to_be_focused()
    page.get_by_label("Username").fill("sam-agent")
    page.get_by_role("combobox", name="Role").select_option(label="Auditor")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("sam-agent added as Auditor.")).to_be_visible()
    page.get_by_role("button", name="Remove sam-agent as Auditor").click()
    expect(page.get_by_text("sam-agent is no longer Auditor.")).to_be_visible()
    check_accessibility(page)


def test_auditor_reads_the_trail_and_has_it_checked(page: Page, transactional_db, celery_worker_process):
    auditor = UserFactory.create(username="ari-auditor")
    member(auditor, IncidentFactory.create(slug="audited", title="Audited incident"), Role.AUDITOR)
    sign_in(page, "ari-auditor", PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    check_accessibility(page)
    page.get_by_label("Action").select_option(label="Incident created")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No events match these filters.")).to_be_visible()

    # A real worker checks the chain; the page follows its progress without reloading.
    page.get_by_role("button", name="Check the trail now").click()
    expect(page.get_by_text("Intact.", exact=True)).to_be_visible(timeout=30_000)
    check_accessibility(page)


def test_small_screen_menu_is_usable(page: Page, agent):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "sam-agent", PASSWORD)
    check_accessibility(page)
    # The open menu traps focus and hides the page behind it from screen readers.
    page.get_by_role("button", name="Menu").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.get_by_role("button", name="Close").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
