"""The incident's timeline: its milestones from the audit trail, in words, newest first, a page at a time."""

from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse

from audit import api as audit
from incidents import actions, timeline
from incidents.models import Incident
from people.tests.importing import csv_bytes, import_file
from public import actions as public_actions
from regulators import actions as regulator_actions

pytestmark = pytest.mark.django_db


def _page(client, incident, **params):
    return client.get(reverse("incidents:incident-timeline", args=[incident.slug]), params).content.decode()


def test_milestones_are_told_in_words_newest_first_with_links(client, manager, incident):
    actions.change_status(manager, incident, Incident.Status.INVESTIGATING)
    job = import_file(incident, csv_bytes("1001,Lee,Kim,2011-05-05,5 A St,Town,TX,75001,,,Name"), name="export.csv")
    added = regulator_actions.add_obligation(manager, incident, "Cyber insurer", "Notice of claim", None, "", "")
    regulator_actions.mark_obligation_done(manager, incident, f"m{added.pk}", date(2026, 11, 2), "CLM-7", None)
    public_actions.add_notice_update(manager, incident, date(2026, 11, 3), "The hotline now opens on Saturdays.")
    with transaction.atomic():
        audit.record("faq.added", actor=manager, incident_id=incident.pk)  # not a milestone
    texts = [line.text for line in timeline.lines(incident)]
    assert texts == [
        "Update posted on the public notice",
        "Notice given: Cyber insurer",
        "Obligation added: Cyber insurer",
        "Import of “export.csv”: 1 person added, 0 people updated",
        "Status changed from draft to investigating",
    ]
    client.force_login(manager)
    page = _page(client, incident)
    assert reverse("people:import-detail", args=[incident.slug, job.pk]) in page
    assert reverse("regulators:obligation-detail", args=[incident.slug, f"m{added.pk}"]) in page
    assert f"by {manager.username}" in page


def test_the_timeline_pages_back_in_time(client, manager, incident, monkeypatch):
    monkeypatch.setattr(timeline, "PAGE", 2)
    for status in (Incident.Status.INVESTIGATING, Incident.Status.DRAFT, Incident.Status.INVESTIGATING):
        actions.change_status(manager, incident, status)
    client.force_login(manager)
    first = _page(client, incident)
    assert first.count("Status changed") == 2
    assert "Older</a>" in first
    older = reverse("incidents:incident-timeline", args=[incident.slug]) + "?before="
    before = first.split(older)[1].split('"')[0]
    second = _page(client, incident, before=before)
    assert second.count("Status changed") == 1
    assert "Older</a>" not in second
    assert "Newest</a>" in second


def test_auditors_read_the_lines_without_links_to_managers_screens(client, auditor, manager, incident):
    job = import_file(incident, csv_bytes("1001,Lee,Kim,2011-05-05,5 A St,Town,TX,75001,,,Name"))
    client.force_login(auditor)
    page = _page(client, incident)
    assert "Import of “people.csv”: 1 person added" in page
    assert reverse("people:import-detail", args=[incident.slug, job.pk]) not in page


def test_an_incident_without_milestones_says_so(client, auditor, incident):
    client.force_login(auditor)
    assert "Nothing has happened yet." in _page(client, incident)


def test_a_page_number_that_is_no_number_shows_the_newest(client, manager, incident):
    client.force_login(manager)
    assert client.get(reverse("incidents:incident-timeline", args=[incident.slug]), {"before": "²"}).status_code == 200
