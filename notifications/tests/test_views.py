import csv
import hashlib
import html
import io
import re
import struct
import zipfile
import zlib
from datetime import timedelta

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import Export, Incident, Role
from notifications import actions
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate
from notifications.tasks import run_now
from notifications.tests import pdfcheck
from notifications.tests.helpers import approve, recipients, rendered_batch
from people.models import Recipient
from portal.testing import IncidentFactory, UserFactory, export, member

BODY = "<p>{{ salutation }}</p>\n<p>This letter is about {{ individual_name }}.</p>\n<p>{{ reference_code }}</p>"
TEMPLATE = {
    "name": "Plain letter",
    "language": "en",
    "relationship": "",
    "state": "",
    "data_type": "",
    "sort_order": "100",
    "is_active": "on",
    "body": BODY,
}


def _url(name, incident, *ids):
    return reverse(f"notifications:{name}", args=[incident.slug, *ids])


def _shown(response) -> str:
    """The page as a reader sees it (entities decoded), so messages can be matched as written."""
    return html.unescape(response.content.decode())


def _png() -> bytes:
    """A 1x1 white PNG, made here so the tests need no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\xff\xff")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _audited() -> list[str]:
    """The actions recorded, leaving out the sign-ins of `force_login`."""
    return list(AuditEvent.objects.exclude(action="auth.login").order_by("pk").values_list("action", flat=True))


def _pdf_pages(content: bytes) -> int:
    return pdfcheck.page_count(content)


@pytest.fixture
def template(incident):
    return LetterTemplate.objects.create(incident=incident, name="Plain letter", body=BODY)


@pytest.fixture
def creator(incident):
    """A manager who is also a mail administrator: creates batches, so may not approve them.
    The `mail_admin` actor is the second person who does."""
    user = UserFactory.create(username="second-mail-admin")
    member(user, incident, Role.MANAGER)
    member(user, incident, Role.MAIL_ADMIN)
    return user


@pytest.fixture
def rendered(incident, creator, settings):
    """Three letters in two print parts."""
    settings.LETTER_CHUNK_SIZE = 2
    settings.LETTER_PART_SIZE = 2
    recipients(incident, 3, "name", "medical_information")
    batch = rendered_batch(incident, creator)
    assert batch.status == BatchStatus.RENDERED, list(Letter.objects.values_list("reason", flat=True))
    return batch


@pytest.fixture
def approved(rendered, mail_admin):
    approve(mail_admin, rendered)
    rendered.refresh_from_db()
    return rendered


@pytest.fixture
def exported(approved, mail_admin):
    actions.record_export(mail_admin, approved, via="browser")
    approved.refresh_from_db()
    return approved


@pytest.fixture
def rendering(incident, manager, template):
    """A batch the workers have not started on."""
    recipients(incident, 3)
    return actions.create_batch(manager, incident, "Waiting mailing", Selection(), queue=False)


def _batch(incident, status, letters=0, **fields):
    """A batch in `status` with its letters, made as rows, for screens that read no PDF."""
    batch = LetterBatch.objects.create(
        incident=incident, name="Synthetic batch", status=status, letters_total=letters, **fields
    )
    for n, recipient in enumerate(recipients(incident, letters), start=1):
        Letter.objects.create(
            batch=batch,
            incident=incident,
            recipient=recipient,
            sequence=n,
            status=LetterStatus.RENDERED,
            mailed_on=batch.mailed_on,
        )
    return batch


def _mailed_letters(incident, count, mailed=True):
    """Letters of a batch mailed ten days ago (or rendered, not yet mailed)."""
    if mailed:
        batch = _batch(incident, BatchStatus.MAILED, count, mailed_on=timezone.localdate() - timedelta(days=10))
    else:
        batch = _batch(incident, BatchStatus.RENDERED, count)
    return list(Letter.objects.filter(batch=batch).select_related("recipient"))


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        ("template-defaults", Role.MANAGER),
        ("batch-rerender", Role.MANAGER),
        ("batch-approve", Role.MAIL_ADMIN),
        ("batch-mailed", Role.MAIL_ADMIN),
    ],
)
def test_changes_are_post_only(client, people, incident, name, actor):
    batch = _batch(incident, BatchStatus.RENDERED)
    client.force_login(people[actor])
    ids = [] if name == "template-defaults" else [batch.pk]
    assert client.get(_url(name, incident, *ids)).status_code == 405
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert not LetterTemplate.objects.exists()
    assert _audited() == []


# Templates


def test_manager_creates_a_template(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("template-create", incident), {**TEMPLATE, "state": "mo"})
    made = LetterTemplate.objects.get(incident=incident)
    assert response.status_code == 302
    assert response.url == _url("template-edit", incident, made.pk)
    assert (made.name, made.state, made.body, made.is_active) == ("Plain letter", "MO", BODY, True)
    assert AuditEvent.objects.get(action="letter_template.created").target_id == str(made.pk)
    assert "Plain letter" in _shown(client.get(_url("template-list", incident)))


def test_manager_edits_a_template(client, manager, incident, template):
    client.force_login(manager)
    page = _shown(client.get(_url("template-edit", incident, template.pk)))
    assert "individual_first_name" in page  # the merge fields are listed beside the editor
    response = client.post(_url("template-edit", incident, template.pk), {**TEMPLATE, "sort_order": "20"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.sort_order == 20
    assert AuditEvent.objects.get(action="letter_template.changed").details == {"fields": ["sort_order"]}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("body", "<p>{{ salutation }}</p>\n<p>Hello.</p>\n{% if %}<p>x</p>{% endif %}", "Line 3: "),
        ("body", "<p>{{ salutation }}</p>\n{{ favourite_colour }}", "Unknown merge field: favourite_colour."),
        ("body", "<p>One</p>\n{% include 'base.html' %}", "Line 2: “{% include %}” is not allowed in a letter"),
        ("body", "{% load static %}\n<p>One</p>", "Line 1: “{% load %}” is not allowed in a letter"),
        ("body", "<p>{{ salutation|safe }}</p>", "Line 1: Invalid filter: 'safe'"),
        ("state", "ZZ", "“ZZ” is not a US state or its two-letter code."),
    ],
)
def test_a_bad_template_is_reshown_with_a_message(client, manager, incident, field, value, message):
    client.force_login(manager)
    response = client.post(_url("template-create", incident), {**TEMPLATE, field: value})
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in _shown(response)
    assert value in response.context["form"][field].value()  # what was typed is shown again
    assert not LetterTemplate.objects.exists()


def test_a_bad_edit_leaves_the_template_as_it_was(client, manager, incident, template):
    client.force_login(manager)
    response = client.post(_url("template-edit", incident, template.pk), {**TEMPLATE, "body": "<p>\n\n{% for %}"})
    assert response.status_code == 400
    assert "Line 3: " in _shown(response)
    template.refresh_from_db()
    assert template.body == BODY
    assert _audited() == []


def test_two_templates_may_not_share_a_name(client, manager, incident, template):
    client.force_login(manager)
    response = client.post(_url("template-create", incident), {**TEMPLATE, "name": " Plain letter "})
    assert response.status_code == 400
    assert "Another template of this incident is called “Plain letter”." in _shown(response)
    assert LetterTemplate.objects.count() == 1


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("mail_admin", 403)])
def test_only_managers_write_templates(client, people, incident, template, actor, status):
    client.force_login(people[actor])
    changed = {**TEMPLATE, "body": "<p>Changed.</p>"}
    assert client.post(_url("template-create", incident), {**changed, "name": "Another"}).status_code == status
    assert client.post(_url("template-edit", incident, template.pk), changed).status_code == status
    assert client.get(_url("template-preview", incident, template.pk)).status_code == status
    template.refresh_from_db()
    assert template.body == BODY
    assert LetterTemplate.objects.count() == 1
    assert _audited() == []


def test_a_template_of_another_incident_is_not_found(client, manager, incident):
    foreign = LetterTemplate.objects.create(incident=IncidentFactory.create(), name="Foreign", body=BODY)
    client.force_login(manager)
    assert client.get(_url("template-edit", incident, foreign.pk)).status_code == 404
    assert client.post(_url("template-edit", incident, foreign.pk), TEMPLATE).status_code == 404
    assert client.get(_url("template-preview", incident, foreign.pk)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Foreign"


def test_manager_installs_the_standard_letters_once(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("template-defaults", incident), follow=True)
    assert "The standard English and Spanish letters were added." in _shown(response)
    names = list(LetterTemplate.objects.filter(incident=incident).values_list("name", "language"))
    assert names == [("Standard letter (English)", "en"), ("Standard letter (Spanish)", "es")]
    assert AuditEvent.objects.get(action="letter_template.defaults_installed").details == {"count": 2}

    response = client.post(_url("template-defaults", incident), follow=True)
    assert "This incident already has letter templates." in _shown(response)
    assert LetterTemplate.objects.count() == 2


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("mail_admin", 403)])
def test_only_managers_install_the_standard_letters(client, people, incident, actor, status):
    client.force_login(people[actor])
    assert client.post(_url("template-defaults", incident)).status_code == status
    assert not LetterTemplate.objects.exists()


# Letter settings: return address and logo


def test_manager_sets_the_return_address_and_logo(client, manager, incident):
    client.force_login(manager)
    logo = SimpleUploadedFile("crest.png", _png(), content_type="image/png")
    address = "  100 Fictional Way \n\n Nowhere, MO 65999  \n"
    response = client.post(_url("template-list", incident), {"return_address": address, "logo": logo}, follow=True)
    assert "Letter settings saved." in _shown(response)
    incident.refresh_from_db()
    assert incident.return_address == "100 Fictional Way\nNowhere, MO 65999"
    assert incident.letter_logo.name.endswith(".png")
    with incident.letter_logo.open("rb") as saved:
        assert saved.read() == _png()
    event = AuditEvent.objects.get(action="letter_settings.changed")
    assert event.details == {"fields": ["return_address", "letter_logo"]}

    client.post(_url("template-list", incident), {"return_address": address, "remove_logo": "on"})
    incident.refresh_from_db()
    assert not incident.letter_logo


def test_saving_unchanged_settings_records_nothing(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("template-list", incident), {"return_address": incident.return_address}, follow=True)
    assert "Nothing changed." in _shown(response)
    assert _audited() == []


def test_a_return_address_of_more_than_three_lines_is_refused(client, manager, incident):
    client.force_login(manager)
    address = "Business Office\n100 Fictional Way\nSuite 9\nNowhere, MO 65999"
    response = client.post(_url("template-list", incident), {"return_address": address})
    assert response.context["settings_form"].errors["return_address"]
    assert "three lines at most" in _shown(response)
    assert Incident.objects.get(pk=incident.pk).return_address == incident.return_address
    assert _audited() == []


def test_a_logo_that_is_not_an_image_is_refused_by_its_content(client, manager, incident):
    client.force_login(manager)
    fake = SimpleUploadedFile("crest.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", content_type="image/png")
    response = client.post(_url("template-list", incident), {"return_address": "", "logo": fake})
    assert "“crest.png” is not a PNG or JPEG image." in _shown(response)
    assert not Incident.objects.get(pk=incident.pk).letter_logo
    assert _audited() == []


def test_a_damaged_logo_is_refused_before_it_can_fail_a_batch(client, manager, incident):
    client.force_login(manager)
    truncated = SimpleUploadedFile("crest.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, content_type="image/png")
    response = client.post(_url("template-list", incident), {"return_address": "", "logo": truncated})
    assert "“crest.png” is damaged or too large to read as an image." in _shown(response)
    assert not Incident.objects.get(pk=incident.pk).letter_logo


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("mail_admin", 403)])
def test_only_managers_change_letter_settings(client, people, incident, actor, status):
    client.force_login(people[actor])
    assert client.post(_url("template-list", incident), {"return_address": "1 Elsewhere Rd"}).status_code == status
    assert Incident.objects.get(pk=incident.pk).return_address == incident.return_address


# Preview


def test_preview_without_recipients_shows_a_made_up_one(client, manager, incident, template):
    client.force_login(manager)
    response = client.get(_url("template-preview", incident, template.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="letter.previewed")
    assert event.details == {"template": template.pk, "sample": True}


def test_the_preview_code_is_optional_and_without_one_previews_the_first_fitting_recipient(
    client, manager, incident, template
):
    recipient = recipients(incident, 1)[0]
    client.force_login(manager)
    form = _shown(client.get(_url("template-edit", incident, template.pk)))
    label = re.search(r'<label[^>]*for="id_reference_code"[^>]*>(.*?)</label>', form, re.S)
    assert label is not None
    assert label.group(1).strip() == "Reference code"  # not marked required
    response = client.post(_url("template-preview", incident, template.pk), {"reference_code": ""})
    assert response.status_code == 200
    assert recipient.reference_code_display in pdfcheck.first_page_text(response.content)
    assert _audited() == ["letter.previewed"]  # no code typed: no lookup to count or audit


def test_preview_for_a_recipient_named_by_reference_code(client, manager, incident, template):
    recipient = recipients(incident, 1)[0]
    client.force_login(manager)
    typed = recipient.reference_code_display.lower().replace("-", " ")
    response = client.post(_url("template-preview", incident, template.pk), {"reference_code": typed})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert recipient.reference_code_display in pdfcheck.first_page_text(response.content)
    event = AuditEvent.objects.get(action="letter.previewed")
    assert (event.target_id, event.details) == (str(recipient.pk), {"template": template.pk, "sample": False})


def test_preview_for_an_unknown_reference_code_is_not_found(client, manager, incident, template):
    foreign = recipients(IncidentFactory.create(), 1)[0]  # a real code, of another incident
    client.force_login(manager)
    url = _url("template-preview", incident, template.pk)
    assert client.post(url, {"reference_code": foreign.reference_code}).status_code == 404
    assert _audited() == ["letter.preview_looked_up"]  # a code that finds nobody is a lookup too


def test_preview_for_a_mistyped_reference_code_goes_back_with_a_message(client, manager, incident, template):
    client.force_login(manager)
    response = client.post(_url("template-preview", incident, template.pk), {"reference_code": "K7QX"}, follow=True)
    assert response.redirect_chain == [(_url("template-edit", incident, template.pk), 302)]
    assert "“K7QX” is not a reference code" in _shown(response)
    assert _audited() == []


# Batches: create, list, detail, progress


def test_manager_creates_a_batch_of_everyone_deliverable_in_zip_order(client, manager, incident, template):
    recipients(incident, 1, postal_code="65900")
    recipients(incident, 2)  # ZIP 65000 and 65001: made later, sorted first
    recipients(incident, 1, address_line1="")  # no mailing address
    recipients(incident, 1, address_returned_on=timezone.localdate())  # mail came back
    client.force_login(manager)
    response = client.post(_url("batch-list", incident), {"name": "First mailing"})
    batch = LetterBatch.objects.get(incident=incident)
    assert response.status_code == 302
    assert response.url == _url("batch-detail", incident, batch.pk)
    assert (batch.name, batch.status, batch.created_by) == ("First mailing", BatchStatus.RENDERING, manager)
    assert batch.selection == {"data_type": "", "state": "", "relationship": "", "remail": False, "resends": 0}
    zips = Letter.objects.filter(batch=batch).order_by("sequence").values_list("recipient__postal_code", flat=True)
    assert list(zips) == ["65000", "65001", "65900"]
    assert AuditEvent.objects.get(action="letter_batch.created").details["letters"] == 3


def test_the_batch_form_narrows_by_state(client, manager, incident, template):
    recipients(incident, 2, state="KS")
    recipients(incident, 1)
    client.force_login(manager)
    client.post(_url("batch-list", incident), {"name": "Kansas", "state": "kansas"})
    batch = LetterBatch.objects.get(incident=incident)
    assert (batch.letters_total, batch.selection["state"]) == (2, "KS")


def test_a_remail_batch_takes_those_whose_letter_came_back_to_an_address_since_corrected(
    client, manager, incident, template
):
    still_wrong, corrected, _delivered = _mailed_letters(incident, 3)
    Letter.objects.filter(pk__in=[still_wrong.pk, corrected.pk]).update(returned_on=timezone.localdate())
    Recipient.objects.filter(pk=still_wrong.recipient_id).update(address_returned_on=timezone.localdate())
    client.force_login(manager)
    client.post(_url("batch-list", incident), {"name": "Re-mail", "remail": "on"})
    batch = LetterBatch.objects.get(is_remail=True)
    assert list(Letter.objects.filter(batch=batch).values_list("recipient", flat=True)) == [corrected.recipient_id]
    assert batch.selection["remail"] is True


def test_a_batch_with_nobody_to_select_is_refused_with_a_message(client, manager, incident, template):
    recipients(incident, 1, address_line1="")
    client.force_login(manager)
    response = client.post(_url("batch-list", incident), {"name": "Empty mailing"})
    assert response.status_code == 400
    assert "No recipient matches: everyone chosen already has a letter" in _shown(response)
    assert not LetterBatch.objects.exists()
    assert not Letter.objects.exists()


def test_a_batch_without_an_active_template_is_refused_with_a_message(client, manager, incident, template):
    LetterTemplate.objects.filter(pk=template.pk).update(is_active=False)
    recipients(incident, 1)
    client.force_login(manager)
    response = client.post(_url("batch-list", incident), {"name": "Too early"})
    assert response.status_code == 400
    assert "This incident has no active letter template" in _shown(response)
    assert not LetterBatch.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "Mailing", "state": "Narnia"}, "“Narnia” is not a US state or its two-letter code."),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_bad_batch_form_is_reshown_with_a_message(client, manager, incident, template, fields, message):
    recipients(incident, 1)
    client.force_login(manager)
    response = client.post(_url("batch-list", incident), fields)
    assert response.status_code == 400
    assert message in _shown(response)
    assert not LetterBatch.objects.exists()


def test_a_mail_admin_reads_batches_but_may_not_create_one(client, mail_admin, incident, template):
    recipients(incident, 1)
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-list", incident)))
    assert "Create and render" not in page
    assert client.post(_url("batch-list", incident), {"name": "Sneaky"}).status_code == 403
    assert not LetterBatch.objects.exists()


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("auditor", 403)])
def test_others_neither_read_nor_create_batches(client, people, incident, template, actor, status):
    recipients(incident, 1)
    client.force_login(people[actor])
    assert client.get(_url("batch-list", incident)).status_code == status
    assert client.post(_url("batch-list", incident), {"name": "Sneaky"}).status_code == status
    assert not LetterBatch.objects.exists()


def _batch_list_queries(client, incident):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(_url("batch-list", incident)).status_code == 200
    return len(queries)


def test_batch_list_queries_do_not_grow_with_batches(client, manager, creator, incident):
    LetterBatch.objects.create(incident=incident, name="Batch 0", created_by=manager)
    client.force_login(manager)
    with_one = _batch_list_queries(client, incident)
    for n in range(1, 8):
        LetterBatch.objects.create(incident=incident, name=f"Batch {n}", created_by=(manager, creator)[n % 2])
    assert _batch_list_queries(client, incident) == with_one


def test_batch_detail_shows_the_print_files_and_who_may_approve(client, creator, mail_admin, incident, rendered):
    client.force_login(creator)
    page = _shown(client.get(_url("batch-detail", incident, rendered.pk)))
    assert f"batch-{rendered.pk}-part-001.pdf" in page
    assert f"batch-{rendered.pk}-part-002.pdf" in page
    assert "You created this batch, so another mail administrator must approve it." in page
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-detail", incident, rendered.pk)))
    assert "Approve for printing" in page
    assert "You created this batch" not in page
    assert "Render again" not in page  # a manager's button


def test_a_batch_of_another_incident_is_not_found(client, manager, incident):
    foreign = LetterBatch.objects.create(incident=IncidentFactory.create(), name="Foreign")
    client.force_login(manager)
    for name in ("batch-detail", "batch-progress"):
        assert client.get(_url(name, incident, foreign.pk)).status_code == 404, name
    asked, _ = export(client, incident, "letter", batch=foreign.pk, sequence=1)
    assert asked.status_code == 404
    assert client.post(_url("batch-rerender", incident, foreign.pk)).status_code == 404


def test_progress_is_shown_while_rendering_and_reloads_the_page_when_done(client, manager, incident, rendering):
    client.force_login(manager)
    response = client.get(_url("batch-progress", incident, rendering.pk))
    assert response.status_code == 200
    assert "0 of 3 letters rendered" in _shown(response)
    assert "0 of 3 letters rendered" in _shown(client.get(_url("batch-detail", incident, rendering.pk)))

    run_now(rendering.pk, rendering.render_round)
    response = client.get(_url("batch-progress", incident, rendering.pk))
    assert response.status_code == 204
    assert response["HX-Refresh"] == "true"


def test_a_blocked_batch_names_its_failures_and_renders_again_after_a_fix(client, manager, incident, settings):
    settings.LETTER_CHUNK_SIZE = 2
    recipients(incident, 2, state="KS")
    recipients(incident, 1)
    LetterTemplate.objects.create(incident=incident, name="Kansas letter", state="KS", body=BODY)
    batch = rendered_batch(incident, manager)
    assert batch.status == BatchStatus.BLOCKED
    client.force_login(manager)
    page = _shown(client.get(_url("batch-detail", incident, batch.pk)))
    assert "1 letter failed: the batch cannot be approved" in page
    assert "No active template fits this recipient" in page

    LetterTemplate.objects.create(incident=incident, name="Everyone else", body=BODY)
    response = client.post(_url("batch-rerender", incident, batch.pk), follow=True)
    assert "The batch is rendering again with the current templates." in _shown(response)
    batch.refresh_from_db()
    assert (batch.status, batch.render_round, batch.letters_failed) == (BatchStatus.RENDERING, 2, 0)
    assert set(Letter.objects.filter(batch=batch).values_list("status", flat=True)) == {LetterStatus.PENDING}
    assert AuditEvent.objects.filter(action="letter_batch.rerender_requested").count() == 1

    run_now(batch.pk, batch.render_round)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert list(Letter.objects.filter(batch=batch).values_list("sequence", flat=True)) == [1, 2, 3]


def test_an_approved_batch_is_not_rendered_again(client, manager, incident):
    approved = _batch(incident, BatchStatus.APPROVED, 1, render_round=1)
    client.force_login(manager)
    response = client.post(_url("batch-rerender", incident, approved.pk), follow=True)
    assert "A batch that is approved cannot be rendered again." in _shown(response)
    approved.refresh_from_db()
    assert (approved.status, approved.render_round) == (BatchStatus.APPROVED, 1)


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("mail_admin", 403), ("agent", 403)])
def test_only_managers_render_again(client, people, incident, actor, status):
    batch = _batch(incident, BatchStatus.BLOCKED)
    client.force_login(people[actor])
    assert client.post(_url("batch-rerender", incident, batch.pk)).status_code == status
    batch.refresh_from_db()
    assert (batch.status, batch.render_round) == (BatchStatus.BLOCKED, 0)


# Approval: by a mail administrator who did not create the batch


def test_the_creator_may_not_approve(client, creator, incident):
    rendered = _batch(incident, BatchStatus.RENDERED, 1, created_by=creator)
    client.force_login(creator)
    response = client.post(_url("batch-approve", incident, rendered.pk), follow=True)
    assert "Another mail administrator must approve this batch: you created it." in _shown(response)
    rendered.refresh_from_db()
    assert (rendered.status, rendered.approved_by) == (BatchStatus.RENDERED, None)
    assert not AuditEvent.objects.filter(action="letter_batch.approved").exists()


def test_another_mail_admin_approves_once_they_have_opened_the_proof(client, mail_admin, incident, rendered):
    client.force_login(mail_admin)
    response = client.post(_url("batch-approve", incident, rendered.pk), follow=True)
    assert "Open the proof and look at its letters before approving" in _shown(response)
    assert LetterBatch.objects.get(pk=rendered.pk).status == BatchStatus.RENDERED

    page = _shown(client.get(_url("batch-proof", incident, rendered.pk)))
    assert page.count('<img src="/letters/') == len(LetterBatch.objects.get(pk=rendered.pk).proof["pages"])
    assert "Proof page 1: the cover" in page
    assert re.search(r"Page 1 of \d+: the cover</figcaption>", page)
    assert re.search(
        r"Page 2 of \d+: Letter 000001: first letter of the variant “Standard letter \(English\)”[;,<]",
        page,
    )
    opened = AuditEvent.objects.get(action="letter_batch.proof_opened")
    assert (opened.actor_id, opened.details["round"]) == (mail_admin.pk, rendered.render_round)
    image = client.get(_url("batch-proof-page", incident, rendered.pk, 1))
    assert image["Content-Type"] == "image/png"
    assert b"".join(image).startswith(b"\x89PNG")
    assert "no-store" in image["Cache-Control"]

    response = client.post(_url("batch-approve", incident, rendered.pk), follow=True)
    assert "Batch approved: it can now be exported for the print house." in _shown(response)
    rendered.refresh_from_db()
    assert (rendered.status, rendered.approved_by) == (BatchStatus.APPROVED, mail_admin)
    assert rendered.approved_at is not None
    assert AuditEvent.objects.get(action="letter_batch.approved").actor_id == mail_admin.pk


def test_a_batch_still_rendering_is_not_approved(client, mail_admin, incident, rendering):
    client.force_login(mail_admin)
    response = client.post(_url("batch-approve", incident, rendering.pk), follow=True)
    assert "Only a rendered batch can be approved; this one is rendering." in _shown(response)
    rendering.refresh_from_db()
    assert rendering.status == BatchStatus.RENDERING


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("manager", 403), ("auditor", 403)])
def test_only_mail_admins_approve(client, people, incident, actor, status):
    batch = _batch(incident, BatchStatus.RENDERED)
    client.force_login(people[actor])
    assert client.post(_url("batch-approve", incident, batch.pk)).status_code == status
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED


# Export


def test_mail_admin_downloads_the_export(client, mail_admin, incident, approved):
    client.force_login(mail_admin)
    _, response = export(client, incident, "letters", reason="For the print house", batch=approved.pk)
    made = Export.objects.get()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    name = f"letter-batch-{approved.pk}-export-{made.public_id}.zip"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))

    pk = approved.pk
    names = [f"batch-{pk}-part-001.pdf", f"batch-{pk}-part-002.pdf", f"batch-{pk}-manifest.csv", "SHA256SUMS"]
    assert archive.namelist() == ["EXPORT-ID.txt", *names]
    assert archive.comment.decode().startswith(f"Export {made.public_id} for {mail_admin.username}")
    assert archive.read("EXPORT-ID.txt").decode() == archive.comment.decode() + "\n"
    sums = [line.split("  ") for line in archive.read("SHA256SUMS").decode().splitlines()]
    assert sums == [[hashlib.sha256(archive.read(name)).hexdigest(), name] for name in names[:3]]
    assert [_pdf_pages(archive.read(name)) for name in names[:2]] == [p["pages"] for p in approved.parts]
    rows = list(csv.DictReader(io.StringIO(archive.read(names[2]).decode())))
    assert [(row["sequence"], row["part"]) for row in rows] == [("000001", "1"), ("000002", "1"), ("000003", "2")]
    codes = {r.reference_code_display for r in Recipient.objects.filter(incident=incident)}
    assert {row["reference_code"] for row in rows} == codes

    approved.refresh_from_db()
    assert approved.status == BatchStatus.EXPORTED
    assert approved.exported_at is not None
    event = AuditEvent.objects.get(action="letter_batch.exported")
    assert (event.actor_id, event.details) == (
        mail_admin.pk, {"via": f"browser, {made.public_id}", "letters": 3, "parts": 2}
    )  # fmt: skip


def test_every_download_of_the_export_is_audited(client, mail_admin, incident, exported):
    client.force_login(mail_admin)
    _, response = export(client, incident, "letters", batch=exported.pk)
    assert response.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    assert AuditEvent.objects.filter(action="letter_batch.exported").count() == 2  # the fixture's and this one
    assert AuditEvent.objects.filter(action="export.downloaded").count() == 1


def test_a_batch_not_approved_is_not_exported(client, mail_admin, incident):
    rendered = _batch(incident, BatchStatus.RENDERED, 1)
    client.force_login(mail_admin)
    page = _url("batch-detail", incident, rendered.pk)
    asked, _ = export(client, incident, "letters", batch=rendered.pk, referer=f"http://testserver{page}")
    assert asked.url == f"http://testserver{page}"
    assert "Only an approved batch can be exported" in _shown(client.get(page))
    rendered.refresh_from_db()
    assert rendered.status == BatchStatus.RENDERED
    assert not Export.objects.exists()


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("manager", 403), ("agent", 403)])
def test_only_mail_admins_export(client, people, incident, actor, status):
    batch = _batch(incident, BatchStatus.APPROVED)
    client.force_login(people[actor])
    asked, _ = export(client, incident, "letters", batch=batch.pk)
    assert asked.status_code == status
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    assert _audited() == []


# Marking mailed


def test_mail_admin_marks_the_batch_mailed(client, mail_admin, incident, exported):
    yesterday = timezone.localdate() - timedelta(days=1)
    client.force_login(mail_admin)
    response = client.post(_url("batch-mailed", incident, exported.pk), {"mailed_on": f"{yesterday:%m/%d/%Y}"})
    assert response.status_code == 302
    exported.refresh_from_db()
    assert (exported.status, exported.mailed_on) == (BatchStatus.MAILED, yesterday)
    assert list(Letter.objects.filter(batch=exported).values_list("mailed_on", flat=True)) == [yesterday] * 3
    event = AuditEvent.objects.get(action="letter_batch.mailed")
    assert event.details == {"mailed_on": yesterday.isoformat(), "letters": 3}
    assert f"stamped mailed on {yesterday:%m/%d/%Y}" in _shown(client.get(response.url))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("tomorrow", "The mail date cannot be in the future."),
        ("next tuesday", "Give the mail date as MM/DD/YYYY or YYYY-MM-DD."),
        ("", "Give the mail date as MM/DD/YYYY or YYYY-MM-DD."),
    ],
)
def test_a_bad_mail_date_is_refused_with_a_message(client, mail_admin, incident, typed, message):
    exported = _batch(incident, BatchStatus.EXPORTED, 2)
    if typed == "tomorrow":
        typed = (timezone.localdate() + timedelta(days=1)).isoformat()
    client.force_login(mail_admin)
    response = client.post(_url("batch-mailed", incident, exported.pk), {"mailed_on": typed}, follow=True)
    assert message in _shown(response)
    exported.refresh_from_db()
    assert (exported.status, exported.mailed_on) == (BatchStatus.EXPORTED, None)
    assert not Letter.objects.filter(mailed_on__isnull=False).exists()


def test_a_batch_not_exported_is_not_marked_mailed(client, mail_admin, incident):
    approved = _batch(incident, BatchStatus.APPROVED, 2)
    client.force_login(mail_admin)
    today = timezone.localdate().isoformat()
    response = client.post(_url("batch-mailed", incident, approved.pk), {"mailed_on": today}, follow=True)
    assert "Only an exported batch can be marked mailed." in _shown(response)
    assert not Letter.objects.filter(mailed_on__isnull=False).exists()


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("manager", 403), ("agent", 403)])
def test_only_mail_admins_mark_mailed(client, people, incident, actor, status):
    batch = _batch(incident, BatchStatus.EXPORTED)
    client.force_login(people[actor])
    today = timezone.localdate().isoformat()
    assert client.post(_url("batch-mailed", incident, batch.pk), {"mailed_on": today}).status_code == status
    batch.refresh_from_db()
    assert (batch.status, batch.mailed_on) == (BatchStatus.EXPORTED, None)


# One letter as PDF, for a reprint


@pytest.mark.parametrize("actor", [Role.MANAGER, Role.MAIL_ADMIN])
def test_one_letter_is_cut_from_its_print_part(client, people, incident, rendered, actor):
    letter = Letter.objects.select_related("recipient").get(batch=rendered, sequence=3)
    client.force_login(people[actor])
    _, response = export(client, incident, "letter", batch=rendered.pk, sequence=3)
    made = Export.objects.get()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = f"batch-{rendered.pk}-letter-000003-{made.public_id}.pdf"
    assert response["Content-Disposition"] == f'inline; filename="{name}"'
    assert response.content.startswith(b"%PDF")
    assert _pdf_pages(response.content) == letter.page_count
    first_page = pdfcheck.first_page_text(response.content)
    assert letter.recipient.reference_code_display in first_page
    with pikepdf.Pdf.open(io.BytesIO(response.content)) as pdf:
        assert str(pdf.docinfo["/ExportID"]) == made.public_id
    event = AuditEvent.objects.get(action="letter.downloaded")
    assert (event.target_id, event.details) == (str(letter.pk), {"batch": rendered.pk, "sequence": 3})


@pytest.mark.parametrize("typed", ["three", "-1", "²", ""])
def test_a_bad_sequence_number_goes_back_with_a_message(client, manager, incident, typed):
    rendered = _batch(incident, BatchStatus.RENDERED, 1)
    client.force_login(manager)
    page = f"http://testserver{_url('batch-detail', incident, rendered.pk)}"
    asked, _ = export(client, incident, "letter", batch=rendered.pk, sequence=typed, referer=page)
    assert asked.url == page
    assert f"“{typed}” is not a sequence number" in _shown(client.get(page))
    assert not AuditEvent.objects.filter(action="letter.downloaded").exists()


def test_a_sequence_number_outside_the_batch_is_not_found(client, manager, incident):
    rendered = _batch(incident, BatchStatus.RENDERED, 3)
    client.force_login(manager)
    assert export(client, incident, "letter", batch=rendered.pk, sequence=4)[0].status_code == 404
    assert export(client, incident, "letter", batch=rendered.pk, sequence=0)[0].status_code == 404


def test_a_letter_not_yet_in_a_print_file_goes_back_with_a_message(client, manager, incident, rendering):
    client.force_login(manager)
    export(client, incident, "letter", batch=rendering.pk, sequence=1)
    assert "This letter is not in a print file yet" in _shown(client.get(_url("batch-detail", incident, rendering.pk)))
    assert not AuditEvent.objects.filter(action="letter.downloaded").exists()


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("auditor", 403)])
def test_others_may_not_download_a_letter(client, people, incident, actor, status):
    batch = _batch(incident, BatchStatus.RENDERED, 1)
    client.force_login(people[actor])
    assert export(client, incident, "letter", batch=batch.pk, sequence=1)[0].status_code == status


# Returned mail


def test_mail_admin_records_typed_codes_with_a_reason(client, mail_admin, incident):
    first, second, kept = _mailed_letters(incident, 3)
    returned_on = timezone.localdate() - timedelta(days=1)
    typed = f"{first.recipient.reference_code_display.lower()}\n\n  {second.recipient.reference_code}  \n"
    client.force_login(mail_admin)
    response = client.post(
        _url("returned-mail", incident),
        {"returned_on": returned_on.isoformat(), "codes": typed, "reason": "moved_no_address"},
        follow=True,
    )
    assert "2 returned letters recorded; those addresses are now undeliverable." in _shown(response)
    for letter in (first, second):
        letter.refresh_from_db()
        assert (letter.returned_on, letter.return_reason) == (returned_on, "moved_no_address")
        assert Recipient.objects.get(pk=letter.recipient_id).address_returned_on == returned_on
    kept.refresh_from_db()
    assert kept.returned_on is None
    assert Recipient.objects.get(pk=kept.recipient_id).address_returned_on is None
    assert LetterBatch.objects.get(pk=first.batch_id).returned_count == 2
    event = AuditEvent.objects.get(action="mail.returned")
    assert event.details == {"letters": 2, "reasons": ["moved_no_address"]}
    assert "Moved, left no address" in _shown(response)  # the recently returned table


def test_mail_admin_uploads_returns_with_a_reason_per_row(client, mail_admin, incident):
    first, second = _mailed_letters(incident, 2)
    rows = f'Reference_Code,Reason\n{first.recipient.reference_code_display},"Moved, left no address"\n'
    rows += f"{second.recipient.reference_code},vacant\n"
    upload = SimpleUploadedFile("returns.csv", ("\ufeff" + rows).encode(), content_type="text/csv")
    client.force_login(mail_admin)
    today = timezone.localdate()
    response = client.post(_url("returned-mail", incident), {"returned_on": today.isoformat(), "upload": upload})
    assert response.status_code == 302
    reasons = Letter.objects.order_by("sequence").values_list("return_reason", "returned_on")
    assert list(reasons) == [("moved_no_address", today), ("vacant", today)]
    assert Recipient.objects.filter(address_returned_on=today).count() == 2
    event = AuditEvent.objects.get(action="mail.returned")
    assert event.details == {"letters": 2, "reasons": ["moved_no_address", "vacant"]}


def _refused_returns(client, incident, fields, message):
    response = client.post(_url("returned-mail", incident), {"returned_on": timezone.localdate(), **fields})
    assert response.status_code == 400
    assert message in _shown(response)
    assert not Letter.objects.filter(returned_on__isnull=False).exists()
    assert not Recipient.objects.filter(address_returned_on__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="mail.returned").exists()


def test_an_unknown_code_refuses_the_whole_submission(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    client.force_login(mail_admin)
    fields = {"codes": f"{letter.recipient.reference_code}\n2345-6789-ABCD", "reason": "vacant"}
    _refused_returns(client, incident, fields, "Line 2: no mailed letter has this reference code.")


def test_a_letter_not_mailed_refuses_the_whole_upload(client, mail_admin, incident):
    (mailed,) = _mailed_letters(incident, 1)
    (waiting,) = _mailed_letters(incident, 1, mailed=False)
    codes = [mailed.recipient.reference_code, waiting.recipient.reference_code]
    rows = "reference_code,reason\n" + "".join(f"{code},vacant\n" for code in codes)
    upload = SimpleUploadedFile("returns.csv", rows.encode(), content_type="text/csv")
    client.force_login(mail_admin)
    _refused_returns(client, incident, {"upload": upload}, "Row 3: no mailed letter has this reference code.")


def test_a_letter_of_another_incident_is_not_found_among_the_returns(client, mail_admin, incident):
    (foreign,) = _mailed_letters(IncidentFactory.create(), 1)
    client.force_login(mail_admin)
    fields = {"codes": foreign.recipient.reference_code, "reason": "vacant"}
    _refused_returns(client, incident, fields, "Line 1: no mailed letter has this reference code.")


def test_a_letter_returned_before_is_refused(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    earlier = timezone.localdate() - timedelta(days=2)
    Letter.objects.filter(pk=letter.pk).update(returned_on=earlier, return_reason="vacant")
    client.force_login(mail_admin)
    response = client.post(
        _url("returned-mail", incident),
        {"returned_on": timezone.localdate(), "codes": letter.recipient.reference_code, "reason": "refused"},
    )
    assert response.status_code == 400
    assert f"Line 1: this letter was already recorded as returned on {earlier:%m/%d/%Y}." in _shown(response)
    letter.refresh_from_db()
    assert letter.return_reason == "vacant"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"codes": "\nnot-a-code", "reason": "vacant"}, "Line 2: “not-a-code” is not a reference code."),
        ({"codes": "2345-6789-ABCD"}, "Choose the USPS reason for the typed codes."),
        ({}, "Type at least one reference code, or choose a CSV file."),
    ],
)
def test_bad_typed_returns_are_reshown_with_a_message(client, mail_admin, incident, fields, message):
    _mailed_letters(incident, 1)
    client.force_login(mail_admin)
    _refused_returns(client, incident, fields, message)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("reference_code,reason\n{code},lost in space\n", "Row 2: “lost in space” is not a USPS return reason."),
        ("reference_code,reason\n{code},vacant\nK7QX,vacant\n", "Row 3: “K7QX” is not a reference code."),
        ("reference_code,why\n{code},vacant\n", "“returns.csv” has no reason column."),
    ],
)
def test_a_bad_upload_is_reshown_naming_the_row(client, mail_admin, incident, rows, message):
    (letter,) = _mailed_letters(incident, 1)
    upload = SimpleUploadedFile("returns.csv", rows.format(code=letter.recipient.reference_code).encode())
    client.force_login(mail_admin)
    _refused_returns(client, incident, {"upload": upload}, message)


def test_a_code_given_twice_is_refused_naming_both_places(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    code = letter.recipient.reference_code
    upload = SimpleUploadedFile("returns.csv", f"reference_code,reason\n{code},vacant\n".encode())
    client.force_login(mail_admin)
    fields = {"codes": code, "reason": "vacant", "upload": upload}
    message = f"Row 2: {letter.recipient.reference_code_display} is already on line 1."
    _refused_returns(client, incident, fields, message)
    assert LetterBatch.objects.get(pk=letter.batch_id).returned_count == 0


def test_a_return_date_in_the_future_is_refused(client, mail_admin, incident):
    (letter,) = _mailed_letters(incident, 1)
    client.force_login(mail_admin)
    tomorrow = timezone.localdate() + timedelta(days=1)
    fields = {"returned_on": tomorrow, "codes": letter.recipient.reference_code, "reason": "vacant"}
    _refused_returns(client, incident, fields, "The return date cannot be in the future.")


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("manager", 403), ("agent", 403)])
def test_only_mail_admins_record_returns(client, people, incident, actor, status):
    (letter,) = _mailed_letters(incident, 1)
    client.force_login(people[actor])
    fields = {"returned_on": timezone.localdate(), "codes": letter.recipient.reference_code, "reason": "vacant"}
    assert client.post(_url("returned-mail", incident), fields).status_code == status
    letter.refresh_from_db()
    assert letter.returned_on is None


# The way in


@pytest.mark.parametrize(
    ("actor", "linked", "not_linked"),
    [
        (Role.MANAGER, ["template-list", "batch-list"], ["returned-mail"]),
        (Role.MAIL_ADMIN, ["batch-list", "returned-mail"], ["template-list"]),
        (Role.AGENT, [], ["template-list", "batch-list", "returned-mail"]),
    ],
)
def test_the_incident_page_links_the_letter_screens_of_each_role(client, people, incident, actor, linked, not_linked):
    client.force_login(people[actor])
    page = client.get(reverse("incidents:incident-detail", args=[incident.slug])).content.decode()
    for name in linked:
        assert f'href="{_url(name, incident)}"' in page, name
    for name in not_linked:
        assert f'href="{_url(name, incident)}"' not in page, name


def test_a_mail_admins_empty_batch_list_says_who_creates_batches(client, mail_admin, manager, incident):
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-list", incident)))
    assert "No batches yet. Incident managers create letter batches." in page
    assert "Create and render" not in page
    client.force_login(manager)
    assert "Incident managers create letter batches" not in _shown(client.get(_url("batch-list", incident)))


def test_the_proof_of_a_batch_still_rendering_is_not_shown(client, mail_admin, incident, rendering):
    client.force_login(mail_admin)
    response = client.get(_url("batch-proof", incident, rendering.pk), follow=True)
    assert "The proof is made once every letter of the batch is rendered." in _shown(response)
    assert not AuditEvent.objects.filter(action="letter_batch.proof_opened").exists()
    assert client.get(_url("batch-proof-page", incident, rendering.pk, 1)).status_code == 404


def test_the_batch_page_warns_of_names_that_look_like_markup_by_reference_code(client, mail_admin, incident, creator):
    recipients(incident, 2, "name")
    odd = recipients(incident, 1, "name", name="=cmd|' /C calc'!A0")[0]
    batch = rendered_batch(incident, creator)
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-detail", incident, batch.pk)))
    assert "The proof is being made" in page  # no worker made it in this test
    client.get(_url("batch-proof", incident, batch.pk))
    page = _shown(client.get(_url("batch-detail", incident, batch.pk)))
    assert "1 letter prints a name or address that looks like markup, a formula or control characters" in page
    sequence = Letter.objects.get(recipient=odd).sequence
    shown = f"Piece {sequence:06d}, reference code <strong>{odd.reference_code_display}</strong>: recipient's name"
    assert f"{shown} (formula)" in page
    assert "calc" not in page
    assert "You opened this proof." in page


def test_while_a_worker_makes_the_proof_the_page_waits_then_reloads(client, mail_admin, incident, rendered, settings):
    LetterBatch.objects.filter(pk=rendered.pk).update(proof_claimed_at=timezone.now())
    client.force_login(mail_admin)
    page = _shown(client.get(_url("batch-proof", incident, rendered.pk)))
    assert "A worker is making the proof of this batch." in page
    assert 'hx-trigger="every 2s"' in page
    assert not AuditEvent.objects.filter(action="letter_batch.proof_opened").exists()
    polled = client.get(_url("batch-proof", incident, rendered.pk), headers={"HX-Request": "true"})
    assert polled.status_code == 200
    assert "A worker is making the proof" in _shown(polled)

    # The worker died: its claim goes stale, and the next poll makes the proof and reloads the page.
    stale = timezone.now() - timedelta(seconds=settings.CLAIM_SILENCE_SECONDS + 1)
    LetterBatch.objects.filter(pk=rendered.pk).update(proof_claimed_at=stale)
    polled = client.get(_url("batch-proof", incident, rendered.pk), headers={"HX-Request": "true"})
    assert (polled.status_code, polled["HX-Refresh"]) == (204, "true")
    batch = LetterBatch.objects.get(pk=rendered.pk)
    assert batch.has_proof
    assert batch.proof_claimed_at is None
    assert not AuditEvent.objects.filter(action="letter_batch.proof_opened").exists()  # not seen yet
    assert "Proof page 1: the cover" in _shown(client.get(_url("batch-proof", incident, rendered.pk)))
    assert AuditEvent.objects.filter(action="letter_batch.proof_opened").count() == 1


def test_a_batch_whose_letters_were_deleted_has_no_proof(client, mail_admin, incident, rendered):
    actions.purge_letters(incident)
    client.force_login(mail_admin)
    assert "Open the proof" not in _shown(client.get(_url("batch-detail", incident, rendered.pk)))
    response = client.get(_url("batch-proof", incident, rendered.pk), follow=True)
    assert f"Batch {rendered.pk} has no print files any more (its letters were deleted), so no proof." in _shown(
        response
    )
