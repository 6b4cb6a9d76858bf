"""Letter settings: return address and logo."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from incidents.models import Incident
from notifications.tests.screens import _audited, _png, _shown, _url


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
