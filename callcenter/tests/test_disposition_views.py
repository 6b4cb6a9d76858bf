"""A call's dispositions: defaults, adding, hiding and showing."""

import pytest

from audit.models import AuditEvent
from callcenter import actions
from callcenter.models import Disposition
from callcenter.tests.screens import _disposition, _url
from portal.testing import IncidentFactory


def test_the_defaults_show_before_they_are_saved(client, manager, incident):
    client.force_login(manager)
    response = client.get(_url("disposition-list", incident))
    assert [d.label for d in response.context["dispositions"]] == [label for _, label in Disposition.DEFAULTS]
    assert "Save the defaults" in response.content.decode()
    assert not Disposition.objects.filter(incident=incident).exists()


def test_saving_the_defaults(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("disposition-list", incident), {"save_defaults": "1"})
    assert response.status_code == 302
    assert Disposition.objects.filter(incident=incident).count() == len(Disposition.DEFAULTS)
    assert "Save the defaults" not in client.get(_url("disposition-list", incident)).content.decode()


def test_adding_a_disposition(client, manager, incident):
    client.force_login(manager)
    response = client.post(_url("disposition-list", incident), {"label": "  Asked for a  Spanish letter "})
    assert response.status_code == 302
    added = Disposition.objects.get(incident=incident, key="")
    assert (added.label, added.is_active) == ("Asked for a Spanish letter", True)
    assert Disposition.objects.filter(incident=incident).count() == len(Disposition.DEFAULTS) + 1
    added_events = list(AuditEvent.objects.filter(action="disposition.added").order_by("id"))
    assert [e.details for e in added_events] == [{"defaults": len(Disposition.DEFAULTS)}, {}]
    assert added_events[-1].target_id == str(added.pk)


@pytest.mark.parametrize(
    ("label", "message"), [("", "Write the name of the disposition."), ("not FOUND", "There is already a disposition")]
)
def test_a_bad_disposition_is_reshown_with_a_message(client, manager, incident, label, message):
    actions.ensure_dispositions(incident)
    client.force_login(manager)
    response = client.post(_url("disposition-list", incident), {"label": label})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Disposition.objects.filter(incident=incident).count() == len(Disposition.DEFAULTS)


def test_hiding_and_showing_a_disposition(client, manager, incident):
    hung_up = _disposition(incident, "Caller hung up")
    _disposition(incident, "General question")
    client.force_login(manager)
    client.post(_url("disposition-toggle", incident, hung_up.pk), {"active": "no"})
    hung_up.refresh_from_db()
    assert not hung_up.is_active
    client.post(_url("disposition-toggle", incident, hung_up.pk), {"active": "yes"})
    hung_up.refresh_from_db()
    assert hung_up.is_active
    events = AuditEvent.objects.filter(action="disposition.changed").order_by("id")
    assert [e.details for e in events] == [{"active": False}, {"active": True}]


def test_the_last_shown_disposition_stays(client, manager, incident):
    only = _disposition(incident)
    client.force_login(manager)
    response = client.post(_url("disposition-toggle", incident, only.pk), {"active": "no"}, follow=True)
    assert "Keep at least one disposition shown" in response.content.decode()
    only.refresh_from_db()
    assert only.is_active


def test_a_toggle_without_a_choice_changes_nothing(client, manager, incident):
    shown = _disposition(incident)
    client.force_login(manager)
    response = client.post(_url("disposition-toggle", incident, shown.pk), {}, follow=True)
    assert "Choose Show or Hide." in response.content.decode()
    shown.refresh_from_db()
    assert shown.is_active


def test_toggle_is_post_only(client, manager, incident):
    client.force_login(manager)
    assert client.get(_url("disposition-toggle", incident, _disposition(incident).pk)).status_code == 405


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("agent", 403), ("auditor", 403)])
def test_dispositions_are_for_managers(client, people, incident, actor, status):
    target = _disposition(incident)
    _disposition(incident, "Another")
    client.force_login(people[actor])
    assert client.post(_url("disposition-toggle", incident, target.pk), {"active": "no"}).status_code == status
    assert client.post(_url("disposition-list", incident), {"label": "Sneaky"}).status_code == status
    target.refresh_from_db()
    assert target.is_active
    assert not Disposition.objects.filter(label="Sneaky").exists()


def test_a_disposition_of_another_incident_is_not_found(client, manager, incident, db):
    foreign = _disposition(IncidentFactory.create())
    client.force_login(manager)
    assert client.post(_url("disposition-toggle", incident, foreign.pk), {"active": "no"}).status_code == 404
