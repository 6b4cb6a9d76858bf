"""Import screens: upload, column mapping with a preview, the dry-run report, progress and outcome."""

import json
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import signed_in_user
from incidents import access, figures
from incidents.models import DataType, Role
from people import access as people_access
from people import actions as people_actions
from people.forms import HeaderForm, MappingForm, UploadForm
from people.importing import files, jobs, report
from people.importing.fields import names_a_person
from people.importing.preview import preview as first_rows
from people.models import ImportJob
from portal.lib import errors, uploads

MANAGER = {Role.MANAGER}
PREVIEW_ROWS = 8


def _job(request: HttpRequest, slug: str, job_id: int) -> tuple[access.IncidentAccess, ImportJob]:
    found = access.incident_for(request.user, slug, need=MANAGER)
    job = people_access.import_job_on(found, job_id)
    return found, job


@login_required
@uploads.limited(lambda: settings.IMPORT_MAX_UPLOAD_BYTES)
def import_list(request: HttpRequest, slug: str) -> HttpResponse:
    found = access.incident_for(request.user, slug, need=MANAGER)
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


@login_required
def import_detail(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    found, job = _job(request, slug, job_id)
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


@require_POST
@login_required
def import_mapping(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    found, job = _job(request, slug, job_id)
    form = MappingForm(request.POST, job=job)
    if form.is_valid():
        types = [dt.pk for dt in form.cleaned_data["file_data_types"]]
        try:
            people_actions.check_import(
                signed_in_user(request), job, form.mapping(), types, form.cleaned_data.get("encoding", ""),
                both_parents=form.cleaned_data["letter_to_both_parents"],
            )  # fmt: skip
        except errors.ActionRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("people:import-detail", slug=slug, job_id=job.pk)
    context = {"incident": found.incident, "job": job, **_mapping_context(job, form)}
    return render(request, "people/import_detail.html", context, status=400)


@require_POST
@login_required
def import_header(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """Read the file again from another header row or sheet."""
    _, job = _job(request, slug, job_id)
    form = HeaderForm(request.POST, job=job)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("people:import-detail", slug=slug, job_id=job.pk)
    try:
        people_actions.reread_import(signed_in_user(request), job, form.read())
    except (files.Unreadable, errors.ActionRefused) as refusal:
        messages.error(request, str(refusal))
    return redirect("people:import-detail", slug=slug, job_id=job.pk)


def _mapping_context(job: ImportJob, form: MappingForm) -> dict[str, Any]:
    preview = _preview(job, form)
    examples = preview.get("examples") or [[] for _ in job.header]
    return {
        "form": form, "preview": preview, "columns": list(zip(form.column_fields(), examples, strict=True)),
        "header_form": HeaderForm(job=job), "duplicates": files.duplicate_headers(job.header),
    }  # fmt: skip


@require_POST
@login_required
def import_preview(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """The first rows as the mapping being edited would read them (htmx, on every change)."""
    _, job = _job(request, slug, job_id)
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


@login_required
def import_progress(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    """The job's progress or outcome, polled by its page while a worker runs it."""
    found, job = _job(request, slug, job_id)
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


@require_POST
@login_required
def import_confirm(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    _, job = _job(request, slug, job_id)
    try:
        people_actions.confirm_import(signed_in_user(request), job)
    except errors.ActionRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("people:import-detail", slug=slug, job_id=job.pk)


@require_POST
@login_required
def import_discard(request: HttpRequest, slug: str, job_id: int) -> HttpResponse:
    _, job = _job(request, slug, job_id)
    try:
        people_actions.discard_import(signed_in_user(request), job)
    except errors.ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("people:import-detail", slug=slug, job_id=job.pk)
    messages.success(request, f"The import of “{job.original_name}” was discarded; nothing from it was kept.")
    return redirect("people:import-list", slug=slug)
