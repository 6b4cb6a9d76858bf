"""The incident form with its Spanish beside the English, and the public notice in Spanish: a visible switch
between the languages, the page's language declared, and axe content in both."""

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import SCREENSHOTS, check_accessibility, sign_in
from incidents.models import Role
from notifications.tests import matrix
from portal.testing import PASSWORD, UserFactory, member
from public import actions as public_actions


def test_a_manager_writes_the_spanish_and_the_public_reads_the_notice_in_spanish(
    page: Page, browser: Browser, live_server, transactional_db
):
    incident = matrix.incident(slug="notice-es", what_happened_es="")
    manager = UserFactory.create(username="rosa-manager")
    member(manager, incident, Role.MANAGER)
    public_actions.publish_notice(manager, incident)

    public = browser.new_context(viewport={"width": 1000, "height": 900}, base_url=live_server.url).new_page()
    public.goto("/notice/notice-es/?lang=es")  # a section has no Spanish yet: the notice stays English
    expect(public.locator("html")).to_have_attribute("lang", "en")
    expect(public.get_by_role("link", name="Lea este aviso en español")).to_have_count(0)

    sign_in(page, "rosa-manager", PASSWORD)
    page.goto("/incidents/notice-es/edit/")
    page.get_by_label("Qué sucedió (Spanish)").fill(str(matrix.INCIDENT["what_happened_es"]))
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "incident_form_spanish.png"), full_page=True)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name=str(matrix.INCIDENT["title"]))).to_be_visible()

    public.goto("/notice/notice-es/")
    expect(public.get_by_role("heading", name="Notice of data breach")).to_be_visible()
    check_accessibility(public)
    public.screenshot(path=str(SCREENSHOTS / "public_notice_english.png"), full_page=True)
    public.get_by_role("link", name="Lea este aviso en español").click()
    expect(public.locator("html")).to_have_attribute("lang", "es")
    expect(public.get_by_role("heading", name="Aviso de incidente de seguridad de datos")).to_be_visible()
    expect(public.get_by_role("heading", name="¿Preguntas? Llame al (866) 775-4209")).to_be_visible()
    expect(public.get_by_text("De lunes a viernes, de 8:00 a. m. a 5:30 p. m. (hora del Centro).")).to_be_visible()
    check_accessibility(public)
    public.screenshot(path=str(SCREENSHOTS / "public_notice_spanish.png"), full_page=True)
    public.get_by_role("button", name="Verificar").click()
    expect(public.get_by_text("Escriba el código de referencia tal como aparece en la carta").first).to_be_visible()
    public.get_by_role("link", name="Read this notice in English").click()
    expect(public.locator("html")).to_have_attribute("lang", "en")
    public.context.close()


@pytest.mark.browser
def test_each_english_box_and_its_spanish_box_line_up(page: Page, live_server, transactional_db):
    """Only one of a pair has help text (the Spanish title, the English "For more information"): the boxes
    still sit side by side at the same height, and the Spanish title's label says Spanish once."""
    incident = matrix.incident(slug="notice-pairs")
    manager = UserFactory.create(username="pair-manager")
    member(manager, incident, Role.MANAGER)
    sign_in(page, "pair-manager", PASSWORD)
    page.goto("/incidents/notice-pairs/edit/")
    expect(page.locator('label[for="id_title_es"]')).to_have_text("Título (Spanish)")
    for english in ("title", "for_more_information"):
        left = page.locator(f"#id_{english}").bounding_box()
        right = page.locator(f"#id_{english}_es").bounding_box()
        assert left is not None
        assert right is not None
        assert right["x"] > left["x"] + left["width"]  # beside it, not under it
        assert abs(left["y"] - right["y"]) < 1, (english, left, right)
