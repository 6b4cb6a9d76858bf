"""The incident's people figures as the dashboard reads them: one row, counted when the people change.

A statewide breach has millions of people; counting them on each visit to the dashboard would scan
every row each time. `changed` marks the figures out of date in the transaction that changed the
people (or the notice date, which decides who is a minor); once it commits, the counter registered by
the people's app (people/figures.py, in PeopleConfig.ready) counts them again on a worker.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F

from incidents.models import Incident, IncidentFigures

_count_later: list[Callable[[int], object]] = []


def counted_by(enqueue: Callable[[int], object]) -> None:
    """Name the function that queues a count of one incident's people (the people's app does)."""
    _count_later[:] = [enqueue]


@dataclass(frozen=True)
class PeopleFigures:
    individuals: int
    minors: int  # under 18 on the notice date (on the day counted while there is none)
    deceased: int
    recipients: int
    without_address: int  # recipients who need substitute notice
    by_data_type: list[tuple[str, int]]  # catalog order
    by_state: list[tuple[str, int]]  # state of the recipients ("" for none) -> individuals, most first
    counted_at: datetime | None
    behind: bool  # a change is waiting to be counted

    @property
    def adults(self) -> int:
        return self.individuals - self.minors

    def residents(self) -> dict[str, int]:
        return {state: n for state, n in self.by_state if state}


def bump(incident_id: int) -> None:
    """Mark the figures out of date: the next count records this version."""
    if not IncidentFigures.objects.filter(pk=incident_id).update(version=F("version") + 1):
        IncidentFigures.objects.get_or_create(incident_id=incident_id, defaults={"version": 1})


def changed(incident_id: int) -> None:
    """Call in the transaction that changed the incident's people: a worker counts them once it commits."""
    bump(incident_id)
    for enqueue in _count_later:
        transaction.on_commit(lambda enqueue=enqueue: enqueue(incident_id))  # type: ignore[misc]


def of(incident: Incident) -> PeopleFigures:
    """The stored figures (one query); zeros for an incident whose people were never counted."""
    row = IncidentFigures.objects.filter(pk=incident.pk).first()
    people = row.people if row is not None else {}
    return PeopleFigures(
        individuals=people.get("individuals", 0),
        minors=people.get("minors", 0),
        deceased=people.get("deceased", 0),
        recipients=people.get("recipients", 0),
        without_address=people.get("without_address", 0),
        by_data_type=[(label, n) for label, n in people.get("by_data_type", [])],
        by_state=[(state, n) for state, n in people.get("by_state", [])],
        counted_at=row.counted_at if row is not None else None,
        behind=row is not None and row.counted_version < row.version,
    )
