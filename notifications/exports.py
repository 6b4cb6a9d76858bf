"""The letters' exports: the print house's zip of a batch, and one letter as PDF for a reprint."""

import tempfile

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404

from incidents import exports
from incidents.models import Export, Incident, Role
from notifications import access, actions
from notifications.letters import export, parts
from notifications.models import BatchStatus, Letter, LetterBatch

MAIL_ADMINS = frozenset({Role.MAIL_ADMIN})
READERS = frozenset({Role.MANAGER, Role.MAIL_ADMIN})
EXPORTABLE = (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.MAILED)


def _batch(incident: Incident, subject: dict[str, int]) -> LetterBatch:
    return get_object_or_404(LetterBatch, pk=subject.get("batch"), incident=incident)


def _batch_described(incident: Incident, subject: dict[str, int]) -> tuple[str, int]:
    batch = _batch(incident, subject)
    if batch.status not in EXPORTABLE:
        raise exports.SubjectRefused(
            "Only an approved batch can be exported: a second mail administrator approves it first."
        )
    return f"Print export of batch “{batch.name}”", batch.letters_total


def _batch_response(made: Export, label: str) -> HttpResponseBase:
    batch = _batch(made.incident, made.subject)
    actions.record_export(made.requested_by, batch, via=f"browser, {made.public_id}")
    out = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it; then it is gone from disk)
    export.write_export(batch, out, label)
    out.seek(0)
    name = export.export_name(batch).replace(".zip", f"-{made.public_id}.zip")
    response = FileResponse(out, as_attachment=True, filename=name, content_type="application/zip")
    response["Cache-Control"] = "no-store"
    return response


def _letter(incident: Incident, subject: dict[str, int]) -> Letter:
    return access.letter_on(_batch(incident, subject), subject.get("sequence", 0))


def _letter_described(incident: Incident, subject: dict[str, int]) -> tuple[str, int]:
    letter = _letter(incident, subject)
    if letter.part_number is None:
        raise exports.SubjectRefused("This letter is not in a print file yet; it is there once the batch has rendered.")
    return f"Letter {letter.sequence} of batch “{letter.batch.name}”", 1


def _letter_response(made: Export, label: str) -> HttpResponseBase:
    letter = _letter(made.incident, made.subject)
    actions.record_letter_download(made.requested_by, letter)
    response = HttpResponse(parts.letter_pdf(letter, label), content_type="application/pdf")
    name = f"batch-{letter.batch_id}-letter-{letter.sequence:06d}-{made.public_id}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _sequence(request: HttpRequest) -> int:
    value = request.POST.get("sequence", "")
    if not value.isdecimal():  # isdigit() also takes "²", which int() refuses
        raise exports.SubjectRefused(f"“{value[:20]}” is not a sequence number: give the piece's number, such as 42.")
    return int(value)


def register() -> None:
    exports.register(
        exports.Kind(
            key="letters",
            requesters=MAIL_ADMINS,
            approvers=READERS,
            subject=lambda request: {"batch": exports.id_from(request, "batch")},
            describe=_batch_described,
            respond=_batch_response,
        )
    )
    exports.register(
        exports.Kind(
            key="letter",
            requesters=READERS,
            approvers=READERS,
            subject=lambda request: {
                "batch": exports.id_from(request, "batch"),
                "sequence": _sequence(request),
            },
            describe=_letter_described,
            respond=_letter_response,
            free_per_day=lambda: settings.EXPORT_SINGLE_LETTERS_PER_DAY,
        )
    )
