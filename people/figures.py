"""The incident's people figures, counted (incidents/figures.py reads them and marks them out of date).

A statewide breach has millions of people; counting them by data type and by state on each visit to
the dashboard would scan every row each time. The import counts them once, in its own transaction, so
the figures change in the same instant as the people; smaller changes (an approved address, a new
notice date) ask a worker to count again, and the dashboard says when its figures were counted.
"""

from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from incidents.figures import bump
from incidents.models import Incident, IncidentFigures
from people.models import Exposure, Individual, Recipient


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


def count_now(incident: Incident) -> None:
    """Count in the caller's transaction (the import, whose people appear in the same commit)."""
    bump(incident.pk)
    refresh(incident.pk)


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
