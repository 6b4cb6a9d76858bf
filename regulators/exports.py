"""The FERPA record of disclosure as an export of personal data (registered in RegulatorsConfig.ready)."""

from django.http.response import HttpResponseBase

from incidents.exports import MANAGERS, Kind, SubjectRefused, csv_response
from incidents.exports import register as register_kind
from incidents.models import Export, Incident
from regulators import ferpa


def _ferpa_described(incident: Incident, subject: dict[str, int]) -> tuple[str, int]:
    if not (incident.ferpa_party and incident.ferpa_description):
        raise SubjectRefused(
            "Write the party that received the records and a description of the disclosure on the incident "
            "form first: both go on every student's record."
        )
    return "FERPA record of disclosure", ferpa.students(incident).count()


def _ferpa_response(export: Export, label: str) -> HttpResponseBase:
    return csv_response(ferpa.rows(export.incident), label, f"{export.incident.slug}-ferpa-{export.public_id}.csv")


def register() -> None:
    register_kind(
        Kind(
            key="ferpa",
            requesters=MANAGERS,
            approvers=MANAGERS,
            subject=lambda request: {},
            describe=_ferpa_described,
            respond=_ferpa_response,
        )
    )
