"""The import's report as an export of personal data (registered in PeopleConfig.ready)."""

from collections.abc import Iterator

from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from incidents.exports import MANAGERS, Kind, SubjectRefused, csv_response, id_from
from incidents.exports import register as register_kind
from incidents.models import Export, Incident
from people.models import ImportJob


def _job(incident: Incident, subject: dict[str, int]) -> ImportJob:
    return get_object_or_404(ImportJob, pk=subject.get("job"), incident=incident)


def _report_described(incident: Incident, subject: dict[str, int]) -> tuple[str, int]:
    job = _job(incident, subject)
    if not job.error_report:
        raise SubjectRefused("This import has no report.")
    return f"Report of the check of “{job.original_name}”", job.rows_rejected + job.duplicates_merged + job.warnings


def _report_lines(job: ImportJob) -> Iterator[str]:
    with job.error_report.open("rb") as report:
        for line in report:
            yield line.decode("utf-8-sig")


def _report_response(export: Export, label: str) -> HttpResponseBase:
    job = _job(export.incident, export.subject)
    return csv_response(_report_lines(job), label, f"import-{job.pk}-report-{export.public_id}.csv")


def register() -> None:
    register_kind(
        Kind(
            key="import_report",
            requesters=MANAGERS,
            approvers=MANAGERS,
            subject=lambda request: {"job": id_from(request, "job")},
            describe=_report_described,
            respond=_report_response,
        )
    )
