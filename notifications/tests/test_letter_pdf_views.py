"""One letter as PDF, for a reprint."""

import io

import pikepdf
import pytest

from audit.models import AuditEvent
from incidents.models import Export, Role
from notifications.models import BatchStatus, Letter
from notifications.tests.screens import _batch, _pdf_pages, _shown, _url
from portal.testing import export, pdfcheck


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
