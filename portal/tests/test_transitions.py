"""portal.lib.transitions: a transitions table names every status, a refused move names the status the row has,
a move that another got to first is refused, and a set-wise move says how many rows moved."""

import pytest
from django.db import models

from incidents.models import Incident
from portal.lib.transitions import StatusRefused, Transitions
from portal.testing import IncidentFactory

Status = Incident.Status


class Light(models.TextChoices):
    RED = "red", "Red"
    GREEN = "green", "Green"


def test_a_table_naming_every_status_once_is_accepted():
    table = Transitions("light", Light, {Light.RED: (Light.GREEN,), Light.GREEN: (Light.RED,)}, starts=(Light.RED,))
    assert table.allows(Light.RED, Light.GREEN)
    assert not table.allows(Light.RED, Light.RED)
    assert table.sources(Light.GREEN) == [Light.RED]


@pytest.mark.parametrize(
    "table",
    [
        {Light.RED: (Light.GREEN,)},  # green is never named as a source
        {Light.RED: (Light.GREEN,), Light.GREEN: ("amber",)},  # amber is no status
        {Light.RED: (), Light.GREEN: (), "amber": ()},
    ],
)
def test_a_table_missing_a_status_or_naming_an_unknown_one_is_refused(table):
    with pytest.raises(ValueError, match="The light transitions table must name every status once"):
        Transitions("light", Light, table)


def test_a_start_that_is_no_status_is_refused():
    with pytest.raises(ValueError, match="amber"):
        Transitions("light", Light, {Light.RED: (), Light.GREEN: ()}, starts=("amber",))


@pytest.mark.django_db
def test_a_move_the_table_allows_changes_the_row_and_returns_the_old_status():
    incident = IncidentFactory.create()
    old = Incident.TRANSITIONS.move_one(incident, Status.INVESTIGATING)
    assert old == Status.DRAFT
    assert incident.status == Status.INVESTIGATING
    assert Incident.objects.get(pk=incident.pk).status == Status.INVESTIGATING


@pytest.mark.django_db
def test_a_refused_move_names_the_status_the_row_has_and_changes_nothing():
    incident = IncidentFactory.create()
    with pytest.raises(StatusRefused, match=r"^This incident is draft: it cannot become closed\.$"):
        Incident.TRANSITIONS.move_one(incident, Status.CLOSED)
    assert Incident.objects.get(pk=incident.pk).status == Status.DRAFT


@pytest.mark.django_db
def test_a_refusal_reads_the_status_in_the_database_not_a_stale_copy():
    incident = IncidentFactory.create()
    stale = Incident.objects.get(pk=incident.pk)
    Incident.TRANSITIONS.move_one(incident, Status.INVESTIGATING)
    with pytest.raises(StatusRefused, match=r"^This incident is investigating: it cannot become investigating\.$"):
        Incident.TRANSITIONS.move_one(stale, Status.INVESTIGATING)


@pytest.mark.django_db
def test_only_from_narrows_the_statuses_a_move_may_leave():
    incident = IncidentFactory.create(status=Status.INVESTIGATING)
    with pytest.raises(StatusRefused, match=r"^This incident is investigating: it cannot become draft\.$"):
        Incident.TRANSITIONS.move_one(incident, Status.DRAFT, only_from=[Status.NOTIFYING])
    assert Incident.objects.get(pk=incident.pk).status == Status.INVESTIGATING


@pytest.mark.django_db
def test_a_move_that_another_got_to_first_is_refused_naming_the_status_it_found(monkeypatch):
    """The row changes between the move's read and its conditional update: the update finds nothing, and the
    refusal names the status the other move left."""
    incident = IncidentFactory.create()
    checked = Transitions.allows

    def another_move_meanwhile(self: Transitions, current: str, to: str) -> bool:
        Incident.objects.filter(pk=incident.pk).update(status=Status.INVESTIGATING, title="Moved by another")
        return checked(self, current, to)

    monkeypatch.setattr(Transitions, "allows", another_move_meanwhile)
    with pytest.raises(StatusRefused, match=r"^This incident is investigating: it cannot become investigating\.$"):
        Incident.TRANSITIONS.move_one(incident, Status.INVESTIGATING, also={"title": "Moved by this one"})
    assert Incident.objects.get(pk=incident.pk).title == "Moved by another"
    assert incident.status == Status.DRAFT  # the copy in memory is left as it was


@pytest.mark.django_db
def test_a_set_wise_move_moves_the_rows_the_table_allows_and_counts_them():
    drafts = [IncidentFactory.create(), IncidentFactory.create()]
    notifying = IncidentFactory.create(status=Status.NOTIFYING)
    moved = Incident.TRANSITIONS.move(Incident.objects.all(), Status.INVESTIGATING, also={"title": "Looked into"})
    assert moved == 2
    statuses = dict(Incident.objects.values_list("pk", "status"))
    assert [statuses[i.pk] for i in drafts] == [Status.INVESTIGATING, Status.INVESTIGATING]
    assert statuses[notifying.pk] == Status.NOTIFYING
    assert Incident.objects.filter(title="Looked into").count() == 2


@pytest.mark.django_db
def test_a_set_wise_move_with_only_from_leaves_the_other_sources():
    investigating = IncidentFactory.create(status=Status.INVESTIGATING)
    closed = IncidentFactory.create(status=Status.CLOSED)
    moved = Incident.TRANSITIONS.move(Incident.objects.all(), Status.NOTIFYING, only_from=[Status.CLOSED])
    assert moved == 1
    assert Incident.objects.get(pk=closed.pk).status == Status.NOTIFYING
    assert Incident.objects.get(pk=investigating.pk).status == Status.INVESTIGATING


@pytest.mark.django_db
def test_a_set_wise_move_finding_no_row_in_a_source_status_moves_nothing():
    IncidentFactory.create()
    assert Incident.TRANSITIONS.move(Incident.objects.all(), Status.CLOSED) == 0
