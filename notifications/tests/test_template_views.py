"""Letter templates: create, edit, install the standard letters."""

import pytest

from audit.models import AuditEvent
from notifications.models import LetterTemplate
from notifications.tests.screens import BODY, TEMPLATE, _audited, _shown, _url
from portal.testing import IncidentFactory


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
