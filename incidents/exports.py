"""The kinds of file with personal data a person may export, each with who may ask for it, how many rows
it holds, and how it is written with its export ID inside.

Apps register their own kinds (notifications adds the print export and single letters in its
AppConfig.ready), so that the export screens here need not import them.
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from accounts.models import Role
from incidents import ferpa
from incidents.models import Export, ImportJob, Incident


class SubjectRefused(Exception):
    """The file cannot be made (yet): the message says why, in words for the person asking."""


@dataclass(frozen=True)
class Kind:
    key: str
    requesters: frozenset[str]  # roles that may ask for it
    approvers: frozenset[str]  # roles whose holders (another person) may approve a large one
    subject: Callable[[HttpRequest], dict[str, int]]  # the ids from the request's form
    describe: Callable[[Incident, dict[str, int]], tuple[str, int]]  # its title and rows; Http404 if gone
    respond: Callable[[Export, str], HttpResponseBase]  # the file, carrying the export's label
    # How many of this kind one person may take in a day before each further one waits for approval,
    # however small (single letters: a batch taken one letter at a time is still a batch).
    free_per_day: Callable[[], int] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> None:
    KINDS[kind.key] = kind


def kind_of(key: str) -> Kind:
    if key not in KINDS:
        raise Http404("No such kind of export.")
    return KINDS[key]


def id_from(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdecimal():
        raise Http404(f"No {name} given.")
    return int(value)


def comment_line(label: str) -> str:
    return f"# {label}\r\n"


def csv_response(lines: Iterator[str], label: str, filename: str) -> StreamingHttpResponse:
    """A CSV whose first line, a comment, names the export and the person it was made for."""
    response = StreamingHttpResponse(
        itertools.chain([comment_line(label)], lines), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


# The import's report: rejected rows as they were in the file -----------------------------------


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


# The FERPA record of disclosure ------------------------------------------------------------------


def _ferpa_described(incident: Incident, subject: dict[str, int]) -> tuple[str, int]:
    if not (incident.ferpa_party and incident.ferpa_description):
        raise SubjectRefused(
            "Write the party that received the records and a description of the disclosure on the incident "
            "form first: both go on every student's record."
        )
    return "FERPA record of disclosure", ferpa.students(incident).count()


def _ferpa_response(export: Export, label: str) -> HttpResponseBase:
    return csv_response(ferpa.rows(export.incident), label, f"{export.incident.slug}-ferpa-{export.public_id}.csv")


MANAGERS = frozenset({Role.MANAGER})

register(
    Kind(
        key="import_report",
        requesters=MANAGERS,
        approvers=MANAGERS,
        subject=lambda request: {"job": id_from(request, "job")},
        describe=_report_described,
        respond=_report_response,
    )
)
register(
    Kind(
        key="ferpa",
        requesters=MANAGERS,
        approvers=MANAGERS,
        subject=lambda request: {},
        describe=_ferpa_described,
        respond=_ferpa_response,
    )
)
