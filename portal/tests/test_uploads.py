"""Every view that takes a file stops it at its limit and says so on the form, naming the limit."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEvent
from people.models import ImportJob
from portal.testing import PortalClient


def _shown(response) -> str:
    return html.unescape(response.content.decode())


def test_a_logo_over_its_limit_is_stopped_and_the_limit_named(client, manager, incident):
    client.force_login(manager)
    big = SimpleUploadedFile("crest.png", b"\x89PNG\r\n\x1a\n" + b"0" * 1_000_000, content_type="image/png")
    url = reverse("notifications:template-list", args=[incident.slug])
    response = client.post(url, {"return_address": "", "logo": big})
    assert response.status_code == 400
    assert "The file is larger than 1 MB, the most a logo may be." in _shown(response)
    incident.refresh_from_db()
    assert not incident.letter_logo
    assert not AuditEvent.objects.filter(action="letter_settings.changed").exists()


def test_a_returned_mail_file_over_its_limit_is_stopped_and_the_limit_named(client, mail_admin, incident):
    client.force_login(mail_admin)
    big = SimpleUploadedFile("returns.csv", b"reference_code,reason\n" + b"x" * 5_000_000, content_type="text/csv")
    url = reverse("notifications:returned-mail", args=[incident.slug])
    response = client.post(url, {"returned_on": "2026-11-02", "upload": big})
    assert response.status_code == 400
    assert "The file is larger than 5 MB, the most a file of returned mail may be." in _shown(response)
    assert not AuditEvent.objects.filter(action="mail.returned").exists()


@pytest.mark.parametrize("limit", [2_000_000, 3_000_000])
def test_the_import_names_the_limit_in_force(client, manager, incident, settings, limit):
    settings.IMPORT_MAX_UPLOAD_BYTES = limit
    client.force_login(manager)
    big = SimpleUploadedFile("people.csv", b"Last Name\n" + b"Lee\n" * (limit // 4), content_type="text/csv")
    response = client.post(reverse("people:import-list", args=[incident.slug]), {"file": big})
    assert f"The file is larger than {limit // 1_000_000} MB, the most a file of people may be." in _shown(response)
    assert not ImportJob.objects.exists()


def test_a_view_with_a_limit_still_checks_the_form_token(manager, incident):
    client = PortalClient(enforce_csrf_checks=True)
    client.force_login(manager)
    small = SimpleUploadedFile("people.csv", b"Last Name\nLee\n", content_type="text/csv")
    response = client.post(reverse("people:import-list", args=[incident.slug]), {"file": small})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
