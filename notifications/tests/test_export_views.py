"""A batch's export download."""

import csv
import hashlib
import io
import zipfile

import pytest

from audit.models import AuditEvent
from incidents.models import Export
from notifications.models import BatchStatus
from notifications.tests.screens import (
    _audited,
    _batch,
    _pdf_pages,
    _shown,
    _url,
)
from people.models import Recipient
from portal.testing import export


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
