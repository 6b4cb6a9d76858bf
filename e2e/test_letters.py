"""Letters in the browser: a manager writes a variant, previews it and renders a batch on a real
worker; the creator cannot approve it; another mail administrator approves and downloads the export.
A manager edits the standard letter in the letter-text editor and sees a new section in its preview."""

import hashlib
import io
import re
import subprocess
import zipfile

from django.urls import reverse
from playwright.sync_api import Page, expect

from audit.models import AuditEvent
from e2e.conftest import SCREENSHOTS, check_accessibility, sign_in
from incidents.models import Role
from incidents.readers import Relationship
from notifications.letters import lettertext
from notifications.models import LetterBatch, LetterTemplate
from notifications.tests.helpers import recipients
from portal.testing import PASSWORD, IncidentFactory, UserFactory, member

VARIANT = """This letter is about {{ individual_name }}: their {{ data_types_text }} was involved.

::: only when medical information was exposed
MEDICAL-PARAGRAPH: review statements from health insurers.
:::

Call {{ hotline_phone }} with code {{ reference_code }}."""


def _pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_letters_from_template_to_print_export(page: Page, transactional_db, celery_worker_process):
    incident = IncidentFactory.create(slug="letters-e2e", title="Letters incident", hotline_phone="1-800-555-0100")
    writer = UserFactory.create(username="ann-writer")  # manages the incident and is a mail administrator too
    member(writer, incident, Role.MANAGER)
    member(writer, incident, Role.MAIL_ADMIN)
    approver = UserFactory.create(username="bo-approver")
    member(approver, incident, Role.MAIL_ADMIN)
    recipients(incident, 3, "name", "medical_information")
    recipients(incident, 2, "name", relationship=Relationship.SELF)
    odd = recipients(incident, 1, "name", name="<b>Parent</b> Of Kid0", relationship=Relationship.PARENT_GUARDIAN)[0]

    sign_in(page, "ann-writer", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/")
    page.locator("#letters-heading").locator("..").get_by_role("link", name="Templates").click()
    check_accessibility(page)
    page.get_by_role("button", name="Add the standard letters").click()
    expect(page.get_by_role("link", name="Standard letter (English)")).to_be_visible()

    # A variant for people whose medical information was exposed; a slip is shown with its line.
    page.get_by_role("link", name="New variant").click()
    page.locator("#id_name").fill("Medical information")
    page.get_by_label("Data type").select_option(label="Medical information")
    # Written as letter text, without HTML: the preview beside it follows the typing, and shows the section
    # only to a reader whose medical information was exposed.
    text, shown = page.get_by_label("Letter text"), page.locator("#text-preview")
    text.fill(VARIANT.replace("\n:::\n", "\n\n"))
    expect(shown).to_contain_text("Line 3: The section that starts on line 3 is never closed")
    text.fill(VARIANT)
    expect(shown).to_contain_text("MEDICAL-PARAGRAPH: review statements from health insurers.")
    expect(shown).to_contain_text("This letter is about Alex Sample")
    page.get_by_label("Preview for").select_option(label="A parent; no medical information")
    expect(shown).to_contain_text("This letter is about Alex Sample")
    expect(shown).not_to_contain_text("MEDICAL-PARAGRAPH")
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "letters-text-editor.png"), full_page=True)
    # A slip is refused on saving too, with its line.
    text.fill(VARIANT.replace("{{ reference_code }}", "{{ refrence_code }}"))
    page.get_by_role("button", name="Save variant").click()
    expect(page.locator(".usa-error-message")).to_contain_text("Line 7: “{{ refrence_code }}” is not a merge field")
    check_accessibility(page)
    page.get_by_label("Letter text").fill(VARIANT)
    page.get_by_role("button", name="Save variant").click()
    expect(page.get_by_text("“Medical information” saved.")).to_be_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "letters-template.png"), full_page=True)

    # The preview is the PDF of the first recipient the variant fits.
    preview_url = page.get_by_role("link", name="Preview PDF").get_attribute("href")
    preview = page.context.request.get(preview_url or "")
    assert preview.headers["content-type"] == "application/pdf"
    assert "MEDICAL-PARAGRAPH" in _pdf_text(preview.body())

    # A batch renders on the worker while the page shows its progress.
    page.locator(".portal-subnav").get_by_role("link", name="Batches").click()
    page.get_by_label("Batch name").fill("First mailing")
    page.get_by_role("button", name="Create and render").click()
    expect(page.get_by_role("heading", name="First mailing")).to_be_visible()
    expect(page.locator(".portal-status")).to_have_text("Rendered", timeout=60_000)
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "letters-batch-rendered.png"), full_page=True)

    # Its creator is refused approval.
    expect(page.get_by_text("You created this batch")).to_be_visible()
    page.get_by_role("button", name="Approve for printing").click()
    expect(page.get_by_text("Another mail administrator must approve this batch")).to_be_visible()
    assert LetterBatch.objects.get().status == "rendered"
    _sign_out(page)

    # Another mail administrator is refused approval until they have opened the proof; the batch page
    # warns of the name that looks like markup, by reference code.
    sign_in(page, "bo-approver", PASSWORD)
    page.goto(f"/letters/{incident.slug}/batches/")
    page.get_by_role("link", name="First mailing").click()
    warning = page.get_by_role("region", name="Names and addresses to check")
    expect(warning).to_contain_text("1 letter prints a name or address that looks like markup")
    expect(warning).to_contain_text(f"reference code {odd.reference_code_display}: recipient's name (markup)")
    page.get_by_role("button", name="Approve for printing").click()
    expect(page.get_by_text("Open the proof and look at its letters before approving")).to_be_visible()
    assert LetterBatch.objects.get().status == "rendered"
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "letters-batch-proof-refused.png"), full_page=True)

    # The proof: a cover and every proof letter's pages, as images the browser has loaded.
    page.get_by_role("link", name="Open the proof").click()
    expect(page.get_by_role("heading", name="Proof of First mailing")).to_be_visible()
    images = page.locator(".portal-proof-page img")
    batch = LetterBatch.objects.get()
    pages = len(batch.proof["pages"])
    assert pages == 1 + batch.pages_total  # the cover, then all six letters (fewer than the sample)
    expect(images).to_have_count(pages)
    expect(images.first).to_have_attribute("alt", "Proof page 1: the cover")
    for n in range(pages):
        images.nth(n).scroll_into_view_if_needed()
        expect(images.nth(n)).to_have_js_property("complete", True)
        assert images.nth(n).evaluate("img => img.naturalWidth") > 600
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "letters-batch-proof.png"), full_page=True)
    page.get_by_role("button", name="Approve for printing").click()
    expect(page.locator(".portal-status")).to_have_text("Approved")
    assert AuditEvent.objects.filter(action="letter_batch.proof_opened", actor_id=approver.pk).exists()
    asking = page.locator("form", has=page.get_by_role("button", name="Ask for the print export (zip)"))
    asking.get_by_label("Why is this file needed?").fill("For the print house's first mailing")
    asking.get_by_role("button", name="Ask for the print export (zip)").click()
    expect(page.get_by_text("The link works once")).to_be_visible()
    check_accessibility(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the file").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    names = archive.namelist()
    batch = LetterBatch.objects.get()
    assert names == ["EXPORT-ID.txt", f"batch-{batch.pk}-part-001.pdf", f"batch-{batch.pk}-manifest.csv", "SHA256SUMS"]
    assert archive.read("EXPORT-ID.txt").decode().startswith("Export EXP-")
    names = names[1:]
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest
    letters = _pdf_text(archive.read(names[0]))
    assert letters.count("MEDICAL-PARAGRAPH") == 3  # the variant went to the three with medical information
    assert letters.count("What happened") == 3  # the standard letter to the others
    page.goto(f"/letters/{incident.slug}/batches/{batch.pk}/")
    expect(page.locator(".portal-status")).to_have_text("Exported")
    page.screenshot(path=str(SCREENSHOTS / "letters-batch-exported.png"), full_page=True)


MEDICAL_NOTE = """::: only when medical information was exposed
MEDICAL-NOTE: your health plan can tell you which claims were paid in your family's name.
:::

"""


def test_a_manager_adds_a_medical_paragraph_to_the_standard_letter_in_the_editor(page: Page, transactional_db):
    incident = IncidentFactory.create(slug="standard-edit", title="Standard letter incident")
    manager = UserFactory.create(username="cy-manager")
    member(manager, incident, Role.MANAGER)
    medical = recipients(incident, 1, "name", "medical_information")[0]
    plain = recipients(incident, 1, "name", "postal_address", name="Rowan Plain")[0]

    sign_in(page, "cy-manager", PASSWORD)
    page.goto(f"/letters/{incident.slug}/templates/")
    page.get_by_role("button", name="Add the standard letters").click()
    page.get_by_role("link", name="Standard letter (English)").click()
    # The standard letter opens as letter text, with its preview beside it.
    text, shown = page.get_by_label("Letter text"), page.locator("#text-preview")
    expect(text).to_have_value(re.compile(r"^::: only when the letter goes to the person themselves"))
    expect(shown).to_contain_text("We take the protection of this information seriously")
    standard = text.input_value()
    assert "\n## What we are doing" in standard
    text.fill(standard.replace("## What we are doing", MEDICAL_NOTE + "## What we are doing", 1))

    page.get_by_label("Preview for").select_option(label="A parent; medical information exposed")
    expect(shown).to_contain_text("MEDICAL-NOTE: your health plan")
    expect(shown).to_contain_text("What we are doing")
    check_accessibility(page)
    page.screenshot(path=str(SCREENSHOTS / "letters-standard-in-editor.png"), full_page=True)
    page.get_by_label("Preview for").select_option(label="A parent; no medical information")
    expect(shown).to_contain_text("What we are doing")
    expect(shown).not_to_contain_text("MEDICAL-NOTE")

    page.get_by_role("button", name="Save variant").click()
    expect(page.get_by_text("“Standard letter (English)” saved.")).to_be_visible()
    saved = LetterTemplate.objects.get(incident=incident, name="Standard letter (English)")
    assert "MEDICAL-NOTE" in saved.text
    assert saved.body == lettertext.compile_text(saved.text)
    # The saved variant, as PDF for each of the two people: the paragraph only for the one with medical data.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    url = reverse("notifications:template-preview", args=[incident.slug, saved.pk])
    for person, expected in ((medical, True), (plain, False)):
        response = page.context.request.post(
            url, form={"csrfmiddlewaretoken": token, "reference_code": person.reference_code_display}
        )
        assert response.headers["content-type"] == "application/pdf"
        letter = _pdf_text(response.body())
        assert "What we are doing" in letter
        assert ("MEDICAL-NOTE" in letter) is expected
