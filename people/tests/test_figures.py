"""The incident's people figures: counted by the import in its own transaction, counted again by a
worker after smaller changes, and never overwritten by an older count."""

from datetime import date

import pytest
from django.urls import reverse

from incidents import actions, figures
from incidents.models import Incident, IncidentFigures
from people import figures as people_figures
from people.models import ImportJob
from people.tests.importing import csv_bytes, import_file
from portal.testing import IndividualFactory, RecipientFactory

pytestmark = pytest.mark.django_db


def _stored(incident: Incident) -> IncidentFigures:
    return IncidentFigures.objects.get(pk=incident.pk)


def test_an_incident_never_counted_shows_zeros_and_is_not_behind(incident):
    people = figures.of(incident)
    assert (people.individuals, people.recipients, people.by_state, people.behind) == (0, 0, [], False)


def test_the_import_counts_its_people_in_its_own_transaction(incident):
    rows = ("1001,Lee,Kim,2011-05-05,5 A St,Town,TX,75001,,,Name", "1002,Park,Jo,1980-05-05,,,,,,,Name; SSN")
    job = import_file(incident, csv_bytes(*rows))
    assert job.status == ImportJob.Status.IMPORTED
    people = figures.of(incident)
    assert (people.individuals, people.minors, people.adults, people.without_address) == (2, 1, 1, 1)
    assert people.by_data_type == [("Name", 2), ("Social Security number", 1)]
    assert sorted(people.by_state) == [("", 1), ("TX", 1)]
    assert people.residents() == {"TX": 1}
    assert not people.behind
    assert people.counted_at is not None


def test_a_change_is_counted_once_it_commits(incident, django_capture_on_commit_callbacks):
    RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="MO")
    with django_capture_on_commit_callbacks() as callbacks:
        figures.changed(incident.pk)
    assert len(callbacks) == 1  # the worker's task, sent after the commit
    assert figures.of(incident).behind
    assert people_figures.refresh(incident.pk) is True
    people = figures.of(incident)
    assert (people.individuals, people.by_state, people.behind) == (1, [("MO", 1)], False)
    assert people_figures.refresh(incident.pk) is False  # a second run finds nothing waiting


def test_an_earlier_count_never_overwrites_a_later_one(incident):
    people_figures.count_now(incident)
    stored = _stored(incident)
    IndividualFactory.create(incident=incident)
    people_figures.count_now(incident)
    # A count that read version 1 and finishes only now changes nothing.
    updated = IncidentFigures.objects.filter(pk=incident.pk, counted_version__lt=stored.version).update(people={})
    assert updated == 0
    assert figures.of(incident).individuals == 1


def test_a_new_notice_date_recounts_the_minors(incident, manager, django_capture_on_commit_callbacks):
    IndividualFactory.create(incident=incident, date_of_birth=date(2008, 6, 1))
    incident.notice_on = date(2026, 5, 1)
    incident.save()
    people_figures.count_now(incident)
    assert figures.of(incident).minors == 1
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_incident(manager, incident, {"notice_on": date(2026, 7, 1)}, incident.data_types.all())
    people_figures.refresh(incident.pk)  # what the task sent on commit does on a worker
    assert figures.of(incident).minors == 0  # eighteen by July 1


def test_the_dashboard_says_when_figures_wait_to_be_counted(client, manager, incident):
    people_figures.count_now(incident)
    figures.bump(incident.pk)
    client.force_login(manager)
    page = client.get(reverse("incidents:incident-detail", args=[incident.slug])).content.decode()
    assert "Recent changes are being counted" in page


def test_a_recount_opens_the_dates_of_birth_only_when_people_or_the_cutoff_changed(incident, monkeypatch):
    person = IndividualFactory.create(incident=incident, date_of_birth=date(2015, 6, 1))
    RecipientFactory.create(individual=person, state="MO")
    people_figures.count_now(incident)
    assert figures.of(incident).minors == 1
    opened: list[int] = []
    counted = people_figures._minors

    def minors(counting: Incident) -> int:
        opened.append(counting.pk)
        return counted(counting)

    monkeypatch.setattr(people_figures, "_minors", minors)
    people_figures.count_now(incident)  # nothing about the people changed (an approved address, say)
    assert (figures.of(incident).minors, opened) == (1, [])
    person.date_of_birth = date(1990, 6, 1)
    person.save()
    people_figures.count_now(incident)
    assert (figures.of(incident).minors, opened) == (0, [incident.pk])
