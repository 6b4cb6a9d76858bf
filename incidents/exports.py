"""The kinds of file with personal data a person may export, each with who may ask for it, how many rows
it holds, and how it is written with its export ID inside.

Apps register their own kinds in their AppConfig.ready (people the import's report, regulators the FERPA
record, notifications the print export and single letters), so that the export screens here need not import them.
"""

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase

from incidents.models import Export, Incident, Role


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


MANAGERS = frozenset({Role.MANAGER})
