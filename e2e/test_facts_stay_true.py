"""Facts that stay true, in the browser: a done mark needs its proof, the incident moves to notifying when
its notice goes up or its letters go out, closing waits on what is owed, and the public notice carries no
date still ahead."""

from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import SCREENSHOTS, check_accessibility, sign_in
from incidents import wording
from incidents.models import DataType, Incident, Role
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from people import figures as people_figures
from portal.testing import PASSWORD, IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, member
from portal.testing.pdfcheck import page_texts, run
from regulators import actions, obligations

NOW_NOTIFYING = "The incident's status is now Notifying; its managers were told by e-mail."
TEXTS = {
    "what_happened": "A staff member copied student files to a personal mailbox.",
    "what_information": "Names, Social Security numbers and education records.",
    "what_we_are_doing": "We disabled the account and notified law enforcement.",
    "what_you_can_do": "Review account statements and order your free credit reports.",
    "for_more_information": "Call the hotline on weekdays.",
}


def _district(slug: str) -> Incident:
    """A Missouri district whose letters are dated a month ahead, its notice written, nothing published."""
    incident = IncidentFactory.create(
        slug=slug, title="Facts incident", hotline_phone="+18005550100",
        notice_on=timezone.localdate() + timedelta(days=30), **TEXTS,
    )  # fmt: skip
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn", "education_records"]))
    for _ in range(3):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="MO")
    people_figures.count_now(incident)
    return incident


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_proof_status_closing_and_the_notices_date(page: Page, browser: Browser, live_server, transactional_db):
    incident = _district("facts-e2e")
    manager = UserFactory.create(username="fay-manager", email="fay@example.org")
    member(manager, incident, Role.MANAGER)
    owed = next(e for e in obligations.entries(incident) if e.derived)
    sign_in(page, "fay-manager", PASSWORD)

    page.goto(f"/incidents/{incident.slug}/obligations/{owed.key}/")
    expect(page.get_by_label("Date the notice was sent")).to_have_value("")
    page.get_by_role("button", name="Mark done").click()
    errors = page.locator(".portal-error-summary")
    expect(errors).to_contain_text("Date the notice was sent: Give the date the notice was sent.")
    expect(errors).to_contain_text("Reference or confirmation number: Give a reference or confirmation number")
    check_accessibility(page)
    _shot(page, "facts_mark_done_refused")

    page.goto(f"/incidents/{incident.slug}/notice/")
    page.get_by_role("button", name="Publish the notice").click()
    expect(page.get_by_text(NOW_NOTIFYING)).to_be_visible()
    _shot(page, "facts_published_notifying")

    page.goto(f"/incidents/{incident.slug}/")
    expect(page.locator(".portal-status--notifying")).to_have_text("Notifying")
    closing = page.locator("section", has=page.get_by_role("heading", name="Closing the incident"))
    expect(closing).to_contain_text("Still open")
    expect(closing).to_contain_text(owed.party)
    page.get_by_label("New status").select_option("closed")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("The incident cannot close while")).to_be_visible()
    check_accessibility(page)
    _shot(page, "facts_closing_refused")

    public = browser.new_context(viewport={"width": 390, "height": 844}, base_url=live_server.url).new_page()
    public.goto(f"/notice/{incident.slug}/")
    today = timezone.localdate()
    expect(public.get_by_text(f"Published {wording.written_date(today)}")).to_be_visible()
    assert wording.written_date(incident.notice_on) not in public.content()
    check_accessibility(public)
    _shot(public, "facts_public_notice_dated")
    public.context.close()

    *done, last = [e for e in obligations.entries(incident) if not (e.done or e.not_notifying)]
    for entry in done:
        actions.mark_obligation_done(manager, incident, entry.key, date(2026, 10, 2), f"REF-{entry.key}", None)
    actions.decide_not_to_notify(manager, incident, last.key, "Counsel found no risk of harm; see the file memo.")
    page.goto(f"/incidents/{incident.slug}/")
    expect(closing).to_contain_text("Every obligation is done or documented as not owed: the incident can close.")
    check_accessibility(page)
    _shot(page, "facts_closing_offered")
    closing.get_by_role("button", name="Close the incident").click()
    expect(page.get_by_text("Status is now Closed.")).to_be_visible()


def test_the_first_batch_mailed_moves_the_incident(page: Page, transactional_db, tmp_path):
    incident = _district("mailed-e2e")
    manager = UserFactory.create(username="gil-manager", email="gil@example.org")
    member(manager, incident, Role.MANAGER)
    mail_admin = UserFactory.create(username="mae-mailadmin")
    member(mail_admin, incident, Role.MAIL_ADMIN)
    batch = LetterBatch.objects.create(incident=incident, name="First mailing", status=BatchStatus.EXPORTED)
    for sequence, recipient in enumerate(incident.recipients.order_by("pk"), start=1):
        Letter.objects.create(
            batch=batch, incident=incident, recipient=recipient, sequence=sequence, status=LetterStatus.RENDERED
        )
    sign_in(page, "mae-mailadmin", PASSWORD)

    page.goto(f"/letters/{incident.slug}/batches/{batch.pk}/")
    page.get_by_label("Mail date").fill(f"{timezone.localdate():%m/%d/%Y}")
    page.get_by_role("button", name="Mark the batch mailed").click()
    expect(page.get_by_text(NOW_NOTIFYING)).to_be_visible()
    check_accessibility(page)
    _shot(page, "facts_batch_mailed_notifying")
    assert Incident.objects.get(pk=incident.pk).status == Incident.Status.NOTIFYING

    # The Missouri State Auditor's packet, read by a manager, says the families were told, by the letters mailed.
    page.context.clear_cookies()
    sign_in(page, "gil-manager", PASSWORD)
    page.goto(f"/incidents/{incident.slug}/obligations/")
    page.get_by_role("link", name="Missouri State Auditor").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    packet = tmp_path / "auditor-packet.pdf"
    packet.write_bytes(download.value.path().read_bytes())
    text = " ".join(" ".join(page_texts(packet)).split())
    mailed_on = f"{timezone.localdate():%B} {timezone.localdate().day}, {timezone.localdate().year}"
    assert f"Families notified Yes: 3 letters to 3 recipients, mailed on {mailed_on}" in text
    assert f"Letters mailed 3 letters to 3 recipients, mailed on {mailed_on}" in text
    SCREENSHOTS.mkdir(exist_ok=True)
    run("pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(packet), str(SCREENSHOTS / "facts_auditor_packet"))
