"""Figures about an incident, computed by the database (aggregates, never rows)."""

from dataclasses import dataclass

from django.db.models import Count, Q

from incidents.models import Exposure, Incident, Individual, Recipient


@dataclass(frozen=True)
class IncidentCounts:
    individuals: int
    minors: int
    deceased: int
    recipients: int
    without_address: int
    by_data_type: list[tuple[str, int]]


def incident_counts(incident: Incident) -> IncidentCounts:
    people = Individual.objects.filter(incident=incident).aggregate(
        total=Count("id"),
        minors=Count("id", filter=Q(date_of_birth__gt=incident.minor_cutoff())),
        deceased=Count("id", filter=Q(is_deceased=True)),
    )
    letters = Recipient.objects.filter(incident=incident).aggregate(
        total=Count("id"), without_address=Count("id", filter=Recipient.without_mailing_address())
    )
    by_type = (
        Exposure.objects.filter(incident=incident)
        .values_list("data_type__label")
        .annotate(n=Count("id"))
        .order_by("data_type__sort_order", "data_type__label")
    )
    return IncidentCounts(
        individuals=people["total"],
        minors=people["minors"],
        deceased=people["deceased"],
        recipients=letters["total"],
        without_address=letters["without_address"],
        by_data_type=[(label, n) for label, n in by_type],
    )
