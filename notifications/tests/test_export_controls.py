"""Every path that puts letters with personal data in a file is controlled: single letters past a daily number
wait for a second person, the supervisors and auditors see them in one list, the command line takes a reason
and an approved request (or --force, audited with the operator), and a preview by reference code is a read of
that person, audited and limited like a caller search."""

import html
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents import actions as incident_actions
from incidents.models import Export, Role
from notifications.management.commands.export_batch import operator
from notifications.models import BatchStatus, LetterBatch, LetterTemplate
from notifications.tests.helpers import approve, recipients, rendered_batch
from portal.testing import IncidentFactory, UserFactory, export, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    """Each test counts lookups afresh (rate-limit counters are keyed by user id, which tests reuse)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


def _shown(response) -> str:
    return html.unescape(response.content.decode())


def _second_mail_admin(incident):
    user = UserFactory.create(username="second-mail-admin")
    member(user, incident, Role.MAIL_ADMIN)
    return user


def _approved(incident, mail_admin) -> LetterBatch:
    batch = rendered_batch(incident, mail_admin)
    approve(_second_mail_admin(incident), batch)
    batch.refresh_from_db()
    return batch


# Single letters past the day's number


def test_single_letters_past_the_days_number_wait_for_a_second_persons_approval(
    client, incident, mail_admin, manager, settings
):
    settings.EXPORT_SINGLE_LETTERS_PER_DAY = 2
    recipients(incident, 4)
    batch = rendered_batch(incident, manager)
    client.force_login(mail_admin)
    for sequence in (1, 2):
        _, pdf = export(client, incident, "letter", batch=batch.pk, sequence=sequence)
        assert pdf is not None
        assert pdf["Content-Type"] == "application/pdf"

    asked, pdf = export(client, incident, "letter", reason="Caller asked for a copy", batch=batch.pk, sequence=3)
    assert pdf.status_code == 410  # its link does not work: it waits
    third = Export.objects.get(subject__sequence=3)
    assert third.status == Export.Status.AWAITING
    page = _shown(client.get(asked["Location"]))
    assert "More than 2 single letters in a day need a second person's approval, one by one" in page
    assert "Download the file" not in page
    requested = AuditEvent.objects.filter(action="export.requested").order_by("pk")
    assert [e.details.get("over_daily_limit", False) for e in requested] == [False, False, True]

    client.force_login(manager)  # another person approves it
    decide = reverse("incidents:export-decide", args=[incident.slug, third.public_id])
    assert client.post(decide, {"decision": "approve"}).status_code == 302
    client.force_login(mail_admin)
    assert client.get(asked["Location"] + "file/")["Content-Type"] == "application/pdf"


def test_the_days_number_starts_afresh_each_day_and_counts_every_incident(
    client, incident, mail_admin, manager, settings
):
    settings.EXPORT_SINGLE_LETTERS_PER_DAY = 1
    recipients(incident, 3)
    batch = rendered_batch(incident, manager)
    client.force_login(mail_admin)
    export(client, incident, "letter", batch=batch.pk, sequence=1)
    Export.objects.update(requested_at=timezone.now() - timedelta(days=1))
    _, pdf = export(client, incident, "letter", batch=batch.pk, sequence=2)
    assert pdf["Content-Type"] == "application/pdf"  # yesterday's letter does not count today
    _, pdf = export(client, incident, "letter", batch=batch.pk, sequence=3)
    assert pdf.status_code == 410
    assert Export.objects.get(subject__sequence=3).status == Export.Status.AWAITING


def test_supervisors_and_auditors_see_every_single_letter_export_in_one_list(
    client, incident, mail_admin, manager, auditor, settings
):
    settings.EXPORT_SINGLE_LETTERS_PER_DAY = 1
    recipients(incident, 2)
    batch = rendered_batch(incident, manager, name="October letters")
    approve(mail_admin, batch)
    client.force_login(mail_admin)
    export(client, incident, "letter", reason="Reprint for a returned piece", batch=batch.pk, sequence=1)
    export(client, incident, "letter", reason="Caller asked again", batch=batch.pk, sequence=2)
    export(client, incident, "letters", batch=batch.pk)  # not a single letter: not in this list

    url = reverse("notifications:letter-exports", args=[incident.slug])
    for reader in (manager, auditor):
        client.force_login(reader)
        page = _shown(client.get(url))
        for single in Export.objects.filter(kind="letter"):
            assert single.public_id in page
        assert "Piece 1 of “October letters”" in page
        assert "Reprint for a returned piece" in page
        assert "Caller asked again" in page
        assert "Waiting for a second person's approval" in page
        assert Export.objects.get(kind="letters").public_id not in page
    client.force_login(mail_admin)
    assert client.get(url).status_code == 403


# The command line


def _run(*args: object) -> list[str]:
    out = io.StringIO()
    call_command("export_batch", *args, stdout=out)
    return out.getvalue().splitlines()


def test_export_batch_asks_for_a_reason(incident, mail_admin, tmp_path):
    recipients(incident, 1)
    batch = _approved(incident, mail_admin)
    with pytest.raises(CommandError, match="--reason"):
        call_command("export_batch", batch.pk, tmp_path)
    with pytest.raises(CommandError, match="Say why this file is needed"):
        call_command("export_batch", batch.pk, tmp_path, "--reason", "  ", "--force")
    assert not list(tmp_path.iterdir())


def test_export_batch_refuses_a_batch_without_an_approved_request_unless_forced(incident, mail_admin, tmp_path):
    recipients(incident, 1)
    batch = _approved(incident, mail_admin)
    with pytest.raises(CommandError, match="there is no approved export request whose link works now"):
        call_command("export_batch", batch.pk, tmp_path, "--reason", "Print run")
    assert not list(tmp_path.iterdir())
    assert LetterBatch.objects.get(pk=batch.pk).status == BatchStatus.APPROVED

    (path,) = _run(batch.pk, tmp_path, "--reason", "Print house lost the first file", "--force")
    with zipfile.ZipFile(path) as archive:
        assert archive.comment.decode().startswith(f"Forced export for {operator()} on the command line")
    event = AuditEvent.objects.get(action="letter_batch.exported")
    assert event.details == {
        "via": "command",
        "letters": 1,
        "parts": len(batch.parts),
        "operator": operator(),
        "reason": "Print house lost the first file",
        "forced": True,
    }


def test_export_batch_uses_an_approved_request_once(client, incident, mail_admin, tmp_path, settings):
    settings.EXPORT_APPROVAL_ROWS = 1
    recipients(incident, 2)
    batch = _approved(incident, mail_admin)
    client.force_login(mail_admin)
    export(client, incident, "letters", batch=batch.pk)
    request = Export.objects.get(kind="letters")
    assert request.status == Export.Status.AWAITING
    with pytest.raises(CommandError, match="no approved export request"):
        call_command("export_batch", batch.pk, tmp_path, "--reason", "Print run")
    approver = UserFactory.create(username="approver")
    member(approver, incident, Role.MAIL_ADMIN)
    incident_actions.decide_export(approver, request, approve=True)

    (path,) = _run(batch.pk, tmp_path / "a", "--reason", "Print run")
    with zipfile.ZipFile(path) as archive:
        assert request.public_id in archive.comment.decode()
    request.refresh_from_db()
    assert request.status == Export.Status.DOWNLOADED
    downloaded = AuditEvent.objects.get(action="export.downloaded")
    assert downloaded.details["via"] == "command"
    assert downloaded.details["operator"] == operator()
    exported = AuditEvent.objects.get(action="letter_batch.exported")
    assert (exported.details["export"], exported.details["forced"]) == (request.public_id, False)
    with pytest.raises(CommandError, match="no approved export request"):
        call_command("export_batch", batch.pk, tmp_path / "b", "--reason", "Print run")  # the link worked once


# Previews by reference code


@pytest.fixture
def template(incident):
    return LetterTemplate.objects.create(
        incident=incident, name="Plain letter", body="<p>{{ salutation }}</p><p>{{ reference_code }}</p>"
    )


def _preview(client, incident, template, code: str):
    url = reverse("notifications:template-preview", args=[incident.slug, template.pk])
    return client.post(url, {"reference_code": code}, follow=True)


def test_a_preview_by_reference_code_is_audited_as_a_read_of_that_person(client, incident, manager, template):
    recipient = recipients(incident, 1)[0]
    client.force_login(manager)
    assert _preview(client, incident, template, recipient.reference_code).status_code == 200
    read = AuditEvent.objects.get(action="letter.preview_looked_up")
    assert (read.actor_id, read.target_type, read.target_id) == (manager.pk, "incidents.recipient", str(recipient.pk))
    assert read.details == {"template": template.pk, "found": True, "individual": recipient.individual_id}

    foreign = recipients(IncidentFactory.create(), 1)[0]  # a real code, of another incident
    assert _preview(client, incident, template, foreign.reference_code).status_code == 404
    missed = AuditEvent.objects.filter(action="letter.preview_looked_up").latest("pk")
    assert (missed.target_id, missed.details) == ("", {"template": template.pk, "found": False})


def test_previews_by_reference_code_are_limited_like_caller_searches(client, incident, manager, template, settings):
    settings.CALLCENTER_SEARCHES_PER_HOUR = 2
    recipient = recipients(incident, 1)[0]
    client.force_login(manager)
    for _ in range(2):
        assert _preview(client, incident, template, recipient.reference_code)["Content-Type"] == "application/pdf"
    refused = _preview(client, incident, template, recipient.reference_code)
    assert refused["Content-Type"].startswith("text/html")
    assert "You have looked up 2 people in the past hour" in _shown(refused)
    assert AuditEvent.objects.filter(action="letter.preview_looked_up").count() == 2
    assert AuditEvent.objects.filter(action="letter.preview_rate_limited").count() == 1
    # A preview of the variant for a made-up person looks nobody up, and is not limited.
    url = reverse("notifications:template-preview", args=[incident.slug, template.pk])
    assert client.get(url)["Content-Type"] == "application/pdf"


def test_the_single_letter_list_reads_the_same_queries_for_few_or_many(client, incident, manager, auditor):
    recipients(incident, 1)
    batch = rendered_batch(incident, manager)

    def asked(n: int) -> None:
        for _ in range(n):
            subject = {"batch": batch.pk, "sequence": 1}
            incident_actions.request_export(manager, incident, "letter", subject, "Letter 1", 1, "Reprint")

    client.force_login(auditor)
    url = reverse("notifications:letter-exports", args=[incident.slug])
    asked(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    asked(20)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_previews_are_audited_in_their_own_transactions(transactional_db, client, incident, manager, template):
    """As in production, where no test transaction surrounds the request (audit.record refuses to run outside
    the action's transaction)."""
    recipient = recipients(incident, 1)[0]
    client.force_login(manager)
    assert _preview(client, incident, template, recipient.reference_code)["Content-Type"] == "application/pdf"
    url = reverse("notifications:template-preview", args=[incident.slug, template.pk])
    assert client.get(url)["Content-Type"] == "application/pdf"
    actions_seen = list(AuditEvent.objects.filter(action__startswith="letter.").values_list("action", flat=True))
    assert sorted(actions_seen) == ["letter.preview_looked_up", "letter.previewed", "letter.previewed"]
