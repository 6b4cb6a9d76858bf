"""A template's preview as PDF."""

import re

from audit.models import AuditEvent
from notifications.tests.screens import _audited, _shown, _url
from portal.testing import IncidentFactory, pdfcheck
from portal.testing.letters import recipients


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
