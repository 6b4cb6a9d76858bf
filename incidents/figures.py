"""The incident's people figures: counted when the people change, read from one row on every view.

A statewide breach has millions of people; counting them by data type and by state on each visit to
the dashboard would scan every row each time. The import counts them once, in its own transaction, so
the figures change in the same instant as the people; smaller changes (an approved address, a new
notice date) ask a worker to count again, and the dashboard says when its figures were counted.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q
from django.utils import timezone

from incidents.models import Exposure, Incident, IncidentFigures, Individual, Recipient


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


def _count(incident: Incident, before: dict[str, Any]) -> dict[str, Any]:
    people = Individual.objects.filter(incident=incident).aggregate(
        individuals=Count("id"), deceased=Count("id", filter=Q(is_deceased=True)), changed=Max("updated_at")
    )
    # Minors are counted again only when the people or the cutoff changed since the last count (an approved
    # address, say, changes neither): counting them opens every date of birth.
    changed = people.pop("changed")
    basis = f"{people['individuals']}|{changed.isoformat() if changed else ''}|{incident.minor_cutoff().isoformat()}"
    same = before.get("minors_basis") == basis and "minors" in before
    people.update(minors=before["minors"] if same else _minors(incident), minors_basis=basis)
    recipients = Recipient.objects.filter(incident=incident).aggregate(
        recipients=Count("id"), without_address=Count("id", filter=Recipient.without_mailing_address())
    )
    by_type = (
        Exposure.objects.filter(incident=incident)
        .values_list("data_type__label")
        .annotate(n=Count("id"))
        .order_by("data_type__sort_order", "data_type__label")
    )
    by_state = (
        Recipient.objects.filter(incident=incident)
        .values_list("state")
        .annotate(n=Count("individual_id", distinct=True))
        .order_by("-n", "state")
    )
    return {**people, **recipients, "by_data_type": list(by_type), "by_state": list(by_state)}


def _minors(incident: Incident) -> int:
    """Dates of birth are sealed, so the database cannot compare them: they are opened here, in batches."""
    cutoff = incident.minor_cutoff()
    born = Individual.objects.filter(incident=incident, date_of_birth__isnull=False).values_list(
        "date_of_birth", flat=True
    )
    return sum(1 for day in born.iterator(chunk_size=5000) if day is not None and day > cutoff)


def changed(incident_id: int) -> None:
    """Call in the transaction that changed the incident's people: a worker counts them once it commits."""
    _bump(incident_id)
    from incidents import tasks  # tasks import the modules whose work they run

    transaction.on_commit(lambda: tasks.count_incident_figures.delay(incident_id))


def count_now(incident: Incident) -> None:
    """Count in the caller's transaction (the import, whose people appear in the same commit)."""
    _bump(incident.pk)
    refresh(incident.pk)


def _bump(incident_id: int) -> None:
    if not IncidentFigures.objects.filter(pk=incident_id).update(version=F("version") + 1):
        IncidentFigures.objects.get_or_create(incident_id=incident_id, defaults={"version": 1})


def refresh(incident_id: int) -> bool:
    """Count the people if a change is waiting; False when another count got there first."""
    stored = IncidentFigures.objects.filter(pk=incident_id).values("version", "counted_version", "people").first()
    incident = Incident.objects.filter(pk=incident_id, purged_at__isnull=True).first()
    if stored is None or incident is None or stored["counted_version"] >= stored["version"]:
        return False  # nothing waiting, or purged: its figures are all that is left of its people
    people = _count(incident, stored["people"] or {})
    # Conditional: a count that started earlier and finishes later must not overwrite a newer one.
    return bool(
        IncidentFigures.objects.filter(pk=incident_id, counted_version__lt=stored["version"]).update(
            people=people, counted_version=stored["version"], counted_at=timezone.now()
        )
    )


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
