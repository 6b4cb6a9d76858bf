"""Batches: create, list, detail, progress, render again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate
from notifications.tasks import run_now
from notifications.tests.screens import BODY, _batch, _mailed_letters, _shown, _url
from people.models import Recipient
from portal.testing import IncidentFactory, export
from portal.testing.letters import recipients, rendered_batch


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
