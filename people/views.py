"""Import screens: upload, column mapping with a preview, the dry-run report, progress and outcome."""

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import signed_in_user
from incidents import figures
from incidents.access import IncidentAccess
from incidents.models import DataType
from people import access as people_access
from people import actions as people_actions
from people.forms import HeaderForm, MappingForm, UploadForm
from people.importing import files, jobs, report
from people.importing.fields import names_a_person
from people.importing.preview import preview as first_rows
from people.models import ImportJob
from portal.lib import uploads
from portal.lib.refusals import REFUSALS, attempt, attempt_then_redirect

PREVIEW_ROWS = 8


@uploads.limited(lambda: settings.IMPORT_MAX_UPLOAD_BYTES)
def import_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        uploads.refuse_too_large(request, form, "file", "a file of people")
        if form.is_valid() and form.info is not None:
            upload = form.cleaned_data["file"]
            job = people_actions.upload_import(signed_in_user(request), found.incident, upload, upload.name, form.info)
            return redirect("people:import-detail", slug=slug, job_id=job.pk)
    recent = list(ImportJob.objects.filter(incident=found.incident).select_related("created_by")[:20])
    context = {"incident": found.incident, "form": form, "jobs": recent}
    if not recent:
        # People can arrive otherwise (the demo loader, an earlier import since purged): the stored
        # figures say how many without counting a table of millions on every visit.
        context["held"] = figures.of(found.incident)
    return render(request, "people/import_list.html", context)


def import_detail(request: HttpRequest, found: IncidentAccess, slug: str, job_id: int) -> HttpResponse:
    job = people_access.import_job_on(found, job_id)
    step = jobs.import_progress(job.pk) if job.status == ImportJob.Status.IMPORTING else None
    context: dict[str, Any] = {"incident": found.incident, "job": job, "step": step, "stopped": jobs.stopped(job)}
    # The report keeps only the first problems: the page says so only when some were left out of it.
    context["issues_cut"] = len(job.first_issues) >= report.FIRST_ISSUES
    if _wants_mapping(job) or job.status == ImportJob.Status.VALIDATED:
        form = MappingForm(job=job)
        context |= _mapping_context(job, form)
    return render(request, "people/import_detail.html", context)


def _wants_mapping(job: ImportJob) -> bool:
    failed_check = job.status == ImportJob.Status.FAILED and not job.failed_to_import
    return bool(job.file) and (job.status == ImportJob.Status.UPLOADED or failed_check)


def import_mapping(request: HttpRequest, found: IncidentAccess, slug: str, job_id: int) -> HttpResponse:
    job = people_access.import_job_on(found, job_id)
    form = MappingForm(request.POST, job=job)
    if form.is_valid():
        types = [dt.pk for dt in form.cleaned_data["file_data_types"]]
        user, data = signed_in_user(request), form.cleaned_data
        return attempt_then_redirect(
            request, lambda: people_actions.check_import(user, job, form.mapping(), types, data.get("encoding", ""),
                                                         both_parents=data["letter_to_both_parents"]),
            "people:import-detail", slug=slug, job_id=job.pk,
        )  # fmt: skip
    context = {"incident": found.incident, "job": job, **_mapping_context(job, form)}
    return render(request, "people/import_detail.html", context, status=400)


def import_header(request: HttpRequest, found: IncidentAccess, slug: str, job_id: int) -> HttpResponse:
    """Read the file again from another header row or sheet."""
    job = people_access.import_job_on(found, job_id)
    form = HeaderForm(request.POST, job=job)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("people:import-detail", slug=slug, job_id=job.pk)
    user = signed_in_user(request)
    # A file that cannot be read from that row or sheet is refused as an action would be.
    attempt(
        request, lambda: people_actions.reread_import(user, job, form.read()), refusals=(*REFUSALS, files.Unreadable)
    )
    return redirect("people:import-detail", slug=slug, job_id=job.pk)


def _mapping_context(job: ImportJob, form: MappingForm) -> dict[str, Any]:
    preview = _preview(job, form)
    examples = preview.get("examples") or [[] for _ in job.header]
    return {
        "form": form, "preview": preview, "columns": list(zip(form.column_fields(), examples, strict=True)),
        "header_form": HeaderForm(job=job), "duplicates": files.duplicate_headers(job.header),
    }  # fmt: skip


def import_preview(request: HttpRequest, found: IncidentAccess, slug: str, job_id: int) -> HttpResponse:
    """The first rows as the mapping being edited would read them (htmx, on every change)."""
    job = people_access.import_job_on(found, job_id)
    form = MappingForm(request.POST, job=job)
    form.is_valid()
    # The columns' first values come too, out of band: a change of encoding changes them.
    context = {"job": job, "preview": _preview(job, form), "oob": True}
    return render(request, "people/_import_preview.html", context)


def _preview(job: ImportJob, form: MappingForm) -> dict[str, Any]:
    """Each column's first values, the rows as they will be read, or why the file cannot be read."""
    mapping, type_ids, encoding, both = form.draft()
    try:
        checked, examples = first_rows(job, mapping, type_ids, encoding, rows=PREVIEW_ROWS, both_parents=both)
    except files.Unreadable as exc:
        return {"rows": [], "problem": str(exc)}
    if not names_a_person(mapping):
        problem = "Choose the column that holds the last name (or the full name) to see the rows as they will be read."
        return {"rows": [], "problem": problem, "examples": examples}
    labels = dict(DataType.objects.values_list("pk", "label"))
    rows = [
        {
            "number": r.number,
            "row": _readable(r.staged, labels),
            "reading": r.reading and _address_of(r.reading),
            "issues": r.issues,
        }
        for r in checked
    ]
    return {"rows": rows, "problem": "", "examples": examples}


def _readable(row: dict[str, Any] | None, labels: dict[int, str]) -> dict[str, Any] | None:
    if row is None:
        return None
    data_types = [labels.get(pk, str(pk)) for pk in json.loads(str(row["data_type_ids"]))]
    return {**_address_of(row), "data_types": data_types}


def _address_of(row: dict[str, Any]) -> dict[str, Any]:
    street = ", ".join(str(row[k]) for k in ("address_line1", "address_line2", "city") if row[k])
    return {**row, "address": f"{street} {row['state']} {row['postal_code']}".strip()}


def import_progress(request: HttpRequest, found: IncidentAccess, slug: str, job_id: int) -> HttpResponse:
    """The job's progress or outcome, polled by its page while a worker runs it."""
    job = people_access.import_job_on(found, job_id)
    if not job.is_running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the finished page (report or outcome) replaces the progress bar
        return response
    context = {
        "incident": found.incident,
        "job": job,
        "step": jobs.import_progress(job.pk),
        "stopped": jobs.stopped(job),
    }
    return render(request, "people/_import_progress.html", context)


def import_confirm(request: HttpRequest, found: IncidentAccess, slug: str, job_id: int) -> HttpResponse:
    job = people_access.import_job_on(found, job_id)
    user = signed_in_user(request)
    return attempt_then_redirect(
        request, lambda: people_actions.confirm_import(user, job), "people:import-detail", slug=slug, job_id=job.pk
    )


def import_discard(request: HttpRequest, found: IncidentAccess, slug: str, job_id: int) -> HttpResponse:
    job = people_access.import_job_on(found, job_id)
    user = signed_in_user(request)
    done = f"The import of “{job.original_name}” was discarded; nothing from it was kept."
    if not attempt(request, lambda: people_actions.discard_import(user, job), done):
        return redirect("people:import-detail", slug=slug, job_id=job.pk)
    return redirect("people:import-list", slug=slug)
