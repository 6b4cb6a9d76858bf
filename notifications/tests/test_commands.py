import csv
import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from incidents.models import Role
from notifications import actions
from notifications.letters import export, manifest
from notifications.letters.maker import NO_TEMPLATE
from notifications.management.commands.export_batch import operator
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate
from portal.testing import UserFactory, member, pdfcheck
from portal.testing.letters import approve, recipients, rendered_batch

pytestmark = pytest.mark.django_db


def _run(name: str, *args: object) -> list[str]:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue().splitlines()


def _second_mail_admin(incident) -> User:
    user = UserFactory.create(username="second-mail-admin")
    member(user, incident, Role.MAIL_ADMIN)
    return user


def _approved(incident, mail_admin) -> LetterBatch:
    batch = rendered_batch(incident, mail_admin)
    approve(_second_mail_admin(incident), batch)
    batch.refresh_from_db()
    return batch


def _events(action: str):
    return AuditEvent.objects.filter(action=action).order_by("id")


# create_letter_batch


def test_create_letter_batch_leaves_rendering_to_the_workers(incident, django_capture_on_commit_callbacks):
    recipients(incident, 3)
    actions.install_default_templates(None, incident)
    with django_capture_on_commit_callbacks() as enqueued:
        lines = _run("create_letter_batch", incident.slug)
    batch = LetterBatch.objects.get()
    assert lines[0] == str(batch.pk)
    assert "3 letters" in lines[1]
    assert batch.name == f"Letters {timezone.localdate():%m/%d/%Y}"
    assert (batch.status, batch.letters_total, batch.created_by) == (BatchStatus.RENDERING, 3, None)
    assert len(enqueued) == 1  # the plan task, sent once the batch is committed
    event = _events("letter_batch.created").get()
    assert (event.actor_id, event.target_id, event.details["letters"]) == (None, str(batch.pk), 3)


def test_create_letter_batch_now_renders_in_this_process(incident, settings):
    settings.LETTER_CHUNK_SIZE = 2
    recipients(incident, 5)
    actions.install_default_templates(None, incident)
    lines = _run("create_letter_batch", incident.slug, "--name", "  October mailing ", "--now")
    batch = LetterBatch.objects.get()
    assert lines[0] == str(batch.pk)
    assert (batch.name, batch.status, batch.letters_rendered) == ("October mailing", BatchStatus.RENDERED, 5)
    assert lines[2] == f"Rendered: 5 rendered, 0 failed; {batch.pages_total} pages, 1 print part."
    assert _events("letter_batch.rendered").count() == 1


def test_create_letter_batch_now_fails_on_a_blocked_batch_after_naming_it(incident):
    recipients(incident, 2)
    LetterTemplate.objects.create(incident=incident, name="Broken", body="{{ no_such_field }}")  # every letter fails
    out = io.StringIO()
    with pytest.raises(CommandError, match=r"is blocked: 2 letters failed; see why with batch_status"):
        call_command("create_letter_batch", incident.slug, "--now", stdout=out)
    batch = LetterBatch.objects.get()
    assert out.getvalue().splitlines()[0] == str(batch.pk)
    assert batch.status == BatchStatus.BLOCKED


def test_create_letter_batch_takes_only_people_without_a_letter(incident):
    recipients(incident, 2)
    actions.install_default_templates(None, incident)
    _run("create_letter_batch", incident.slug, "--name", "First")
    recipients(incident, 1, postal_code="66001")
    _run("create_letter_batch", incident.slug, "--name", "Second")
    assert dict(LetterBatch.objects.values_list("name", "letters_total")) == {"First": 2, "Second": 1}
    with pytest.raises(CommandError, match="No recipient matches"):
        call_command("create_letter_batch", incident.slug)
    assert LetterBatch.objects.count() == 2  # the refused batch was rolled back


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-incident"], "No incident has the short name 'no-such-incident'"),
        (["riverside-records", "--name", "   "], "--name is empty"),
        (["riverside-records", "--name", "x" * 101], "at most 100 fit"),
    ],
)
def test_create_letter_batch_refusals_leave_nothing_behind(incident, args, message):
    recipients(incident, 1)
    with pytest.raises(CommandError, match=message):
        call_command("create_letter_batch", *args)
    assert not LetterBatch.objects.exists()
    assert not _events("letter_batch.created").exists()


def test_create_letter_batch_refuses_without_a_template(incident):
    recipients(incident, 1)
    with pytest.raises(CommandError, match="no active letter template"):
        call_command("create_letter_batch", incident.slug)
    assert not LetterBatch.objects.exists()


def test_create_letter_batch_refuses_when_nobody_is_selectable(incident):
    recipients(incident, 1, address_line1="")  # no deliverable address
    actions.install_default_templates(None, incident)
    with pytest.raises(CommandError, match="No recipient matches: everyone chosen already has a letter"):
        call_command("create_letter_batch", incident.slug)
    assert not LetterBatch.objects.exists()


# batch_status


def test_batch_status_of_a_rendered_batch(incident, manager, settings):
    settings.LETTER_PART_SIZE = 2
    recipients(incident, 3)
    batch = rendered_batch(incident, manager, name="Fall letters")
    assert _run("batch_status", batch.pk) == [
        f"Batch {batch.pk}: Fall letters",
        "Incident: riverside-records",
        "Status: Rendered",
        "Letters: 3 rendered, 0 failed, 3 in all",
        f"Pages: {batch.pages_total}",
        "Print parts: 2",
        "Approved: -",
        "Exported: -",
        "Mailed: -",
        "Returned: 0",
    ]


def test_batch_status_shows_the_dates_once_approved_exported_and_mailed(incident, mail_admin, tmp_path):
    recipients(incident, 2)
    batch = _approved(incident, mail_admin)
    _run("export_batch", batch.pk, tmp_path, *FORCED)
    mailed_on = timezone.localdate() - timedelta(days=1)
    actions.mark_mailed(mail_admin, batch, mailed_on)
    batch.refresh_from_db()
    lines = _run("batch_status", batch.pk)
    assert lines[2] == "Status: Mailed"
    assert lines[6] == f"Approved: {timezone.localtime(batch.approved_at):%m/%d/%Y %H:%M} by second-mail-admin"
    assert lines[7] == f"Exported: {timezone.localtime(batch.exported_at):%m/%d/%Y %H:%M}"
    assert lines[8] == f"Mailed: {mailed_on:%m/%d/%Y}"


def test_batch_status_groups_the_failures_of_a_blocked_batch(incident, manager):
    recipients(incident, 2, state="KS")
    recipients(incident, 3, postal_code="66100")  # in MO, where no template fits
    actions.install_default_templates(manager, incident)
    LetterTemplate.objects.filter(incident=incident).update(state="KS")
    batch = rendered_batch(incident, manager)
    assert batch.status == BatchStatus.BLOCKED
    crashed = Letter.objects.filter(batch=batch, status=LetterStatus.FAILED).order_by("sequence").first()
    assert crashed is not None
    Letter.objects.filter(pk=crashed.pk).update(reason="The PDF renderer failed (ValueError).")
    lines = _run("batch_status", batch.pk)
    assert "Status: Blocked" in lines
    assert "Letters: 2 rendered, 3 failed, 5 in all" in lines
    assert lines[-3:] == [
        "Failed letters by reason:",
        f"        2  {NO_TEMPLATE}",
        "        1  The PDF renderer failed (ValueError).",
    ]


def test_batch_status_of_an_unknown_batch(db):
    with pytest.raises(CommandError, match="No letter batch has the id 999"):
        call_command("batch_status", "999")


# export_batch (the approval rule and the reason: test_export_controls.py)

FORCED = ("--reason", "Synthetic print run", "--force")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_export_batch_writes_the_zip_for_the_print_house(incident, mail_admin, tmp_path, settings):
    settings.LETTER_PART_SIZE = 3
    recipients(incident, 5, "name", "medical_information")
    batch = _approved(incident, mail_admin)
    target = tmp_path / "exports" / "october"
    lines = _run("export_batch", batch.pk, target, *FORCED)
    path = target / export.export_name(batch)
    assert lines == [str(path)]
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    parts = [f"batch-{batch.pk}-part-001.pdf", f"batch-{batch.pk}-part-002.pdf"]
    mail_file = f"batch-{batch.pk}-manifest.csv"
    assert sorted(files) == sorted([*parts, mail_file, "SHA256SUMS", "EXPORT-ID.txt"])
    assert files["EXPORT-ID.txt"].decode().startswith(f"Forced export for {operator()} on the command line")
    assert [pdfcheck.page_count(files[name]) for name in parts] == [p["pages"] for p in batch.parts]
    rows = list(csv.reader(io.StringIO(files[mail_file].decode("utf-8"))))
    assert tuple(rows[0]) == manifest.HEADER
    assert [row[0] for row in rows[1:]] == [f"{n:06d}" for n in range(1, 6)]
    assert [row[13] for row in rows[1:]] == ["1", "1", "1", "2", "2"]
    sums = {name: digest for digest, name in (line.split("  ") for line in files["SHA256SUMS"].decode().splitlines())}
    assert sums == {name: _sha256(files[name]) for name in [*parts, mail_file]}
    batch.refresh_from_db()
    assert batch.status == BatchStatus.EXPORTED
    assert batch.exported_at is not None
    event = _events("letter_batch.exported").get()
    assert (event.actor_id, event.actor_label, event.target_id) == (None, "", str(batch.pk))
    assert event.details == {
        "via": "command", "letters": 5, "parts": 2, "operator": operator(), "reason": "Synthetic print run",
        "forced": True,
    }  # fmt: skip


def test_export_batch_never_overwrites_a_file(incident, mail_admin, tmp_path):
    recipients(incident, 2)
    batch = _approved(incident, mail_admin)
    path = tmp_path / export.export_name(batch)
    path.write_bytes(b"someone else's file")
    with pytest.raises(CommandError, match="already exists; move it away"):
        call_command("export_batch", batch.pk, tmp_path, *FORCED)
    assert path.read_bytes() == b"someone else's file"
    assert not _events("letter_batch.exported").exists()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED


def test_an_exported_batch_may_be_exported_again_and_each_export_is_audited(incident, mail_admin, tmp_path):
    recipients(incident, 2)
    batch = _approved(incident, mail_admin)
    first = _run("export_batch", batch.pk, tmp_path / "a", *FORCED)
    exported_at = LetterBatch.objects.get().exported_at
    second = _run("export_batch", batch.pk, tmp_path / "b", *FORCED)
    assert first != second
    with open(first[0], "rb") as a, open(second[0], "rb") as b:
        assert zipfile.ZipFile(a).namelist() == zipfile.ZipFile(b).namelist()
    assert LetterBatch.objects.get().exported_at == exported_at
    assert _events("letter_batch.exported").count() == 2


@pytest.mark.parametrize("status", [BatchStatus.RENDERING, BatchStatus.BLOCKED, BatchStatus.RENDERED])
def test_export_batch_refuses_a_batch_not_approved(incident, manager, tmp_path, status):
    recipients(incident, 1)
    batch = rendered_batch(incident, manager)
    LetterBatch.objects.filter(pk=batch.pk).update(status=status)
    target = tmp_path / "exports"
    with pytest.raises(CommandError, match=f"Batch {batch.pk} is {status.label.lower()}; only an approved batch"):
        call_command("export_batch", batch.pk, target, *FORCED)
    assert not target.exists()
    assert not _events("letter_batch.exported").exists()
    assert LetterBatch.objects.get().status == status


def test_export_batch_refuses_a_directory_that_is_a_file(incident, mail_admin, tmp_path):
    recipients(incident, 1)
    batch = _approved(incident, mail_admin)
    (tmp_path / "taken").write_text("")
    with pytest.raises(CommandError, match="is not a directory"):
        call_command("export_batch", batch.pk, tmp_path / "taken", *FORCED)
    assert not _events("letter_batch.exported").exists()


def test_export_batch_of_an_unknown_batch(db, tmp_path):
    with pytest.raises(CommandError, match="No letter batch has the id 999"):
        call_command("export_batch", "999", tmp_path, *FORCED)
    assert list(tmp_path.iterdir()) == []
