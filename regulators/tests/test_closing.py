"""The dashboard offers closing an incident once every obligation is done or documented as not owed;
until then it names what is open, and closing is refused in the same words."""

import html
import re
from datetime import date

import pytest
from django.urls import reverse

from incidents import actions as incident_actions
from incidents.models import DataType, Incident
from people import figures as people_figures
from portal.lib.errors import ActionRefused
from portal.testing import IndividualFactory, RecipientFactory
from regulators import actions, obligations

REASONS = "Counsel found that this notice is not owed for the records involved; see the file memo."


@pytest.fixture
def notifying(incident, manager):
    """A Missouri district being notified, whose breach exposed Social Security numbers."""
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn", "education_records"]))
    for _ in range(3):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="MO")
    people_figures.count_now(incident)
    incident_actions.change_status(manager, incident, Incident.Status.NOTIFYING)
    return incident


def _dashboard(client, incident) -> str:
    return html.unescape(client.get(reverse("incidents:incident-detail", args=[incident.slug])).content.decode())


def _close(client, incident) -> str:
    url = reverse("incidents:incident-status", args=[incident.slug])
    return html.unescape(client.post(url, {"status": "closed"}, follow=True).content.decode())


def _settle(manager, incident, leave: int = 0) -> list[obligations.Entry]:
    """Every obligation done but the last, documented as not owed; `leave` of them left open (returned)."""
    still_open = [e for e in obligations.entries(incident) if not (e.done or e.not_notifying)]
    left, (*done, last) = still_open[:leave], still_open[leave:]
    for entry in done:
        actions.mark_obligation_done(manager, incident, entry.key, date(2026, 10, 2), f"REF-{entry.key}", None)
    actions.decide_not_to_notify(manager, incident, last.key, REASONS)
    return left


def test_closing_waits_on_the_open_obligations_and_names_them(client, notifying, manager):
    open_entries = [e for e in obligations.entries(notifying) if not (e.done or e.not_notifying)]
    assert len(open_entries) > 1
    client.force_login(manager)
    page = _dashboard(client, notifying)
    assert f"Still open ({len(open_entries)}):" in page
    assert all(entry.party in page for entry in open_entries[:10])
    assert "Close the incident</button>" not in page

    page = _close(client, notifying)
    assert f"The incident cannot close while {len(open_entries)} obligations are open: " in page
    assert f"{open_entries[0].party} ({open_entries[0].citation}); {open_entries[1].party}" in page
    assert Incident.objects.get(pk=notifying.pk).status == Incident.Status.NOTIFYING


def test_one_obligation_left_is_named_alone(notifying, manager):
    (left,) = _settle(manager, notifying, leave=1)
    with pytest.raises(ActionRefused, match=re.escape(f"while 1 obligation is open: {left.party} ({left.citation}). ")):
        incident_actions.change_status(manager, notifying, Incident.Status.CLOSED)


def test_closing_is_offered_once_everything_is_done_or_not_owed(client, notifying, manager):
    _settle(manager, notifying)
    client.force_login(manager)
    page = _dashboard(client, notifying)
    assert "Every obligation is done or documented as not owed: the incident can close." in page
    assert "Close the incident</button>" in page
    page = _close(client, notifying)
    assert "Status is now Closed." in page
    assert Incident.objects.get(pk=notifying.pk).status == Incident.Status.CLOSED


def test_closing_is_not_offered_before_notifying_nor_to_other_roles(client, incident, manager, agent):
    client.force_login(manager)
    assert "Closing the incident" not in _dashboard(client, incident)  # a draft
    incident_actions.change_status(manager, incident, Incident.Status.NOTIFYING)
    assert "Closing the incident" in _dashboard(client, incident)
    client.force_login(agent)
    assert "Closing the incident" not in _dashboard(client, incident)
