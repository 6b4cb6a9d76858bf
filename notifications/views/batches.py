"""Letter batches: create, watch render, approve (a second person), export, mark mailed, reprint one letter."""

from collections.abc import Callable

from django.contrib import messages
from django.core.files.storage import default_storage
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import signed_in_user
from incidents import status_mail
from incidents.access import IncidentAccess
from incidents.models import Incident, Role
from notifications import access, actions
from notifications.forms import BatchForm, MailedForm
from notifications.letters import kept_out, parts, proof
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, ProofOpening
from portal.lib.refusals import Refused, attempt_on_form, attempt_then_redirect

FAILURES_SHOWN = 50
CONCERNS_SHOWN = 5


def batch_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = BatchForm(
        request.POST or None,
        initial={"name": f"Letters {timezone.localdate():%m/%d/%Y}"},
        incident=found.incident,
    )
    if request.method == "POST" and form.is_valid():  # only managers POST here (the route's post_roles)
        user, data = signed_in_user(request), form.cleaned_data
        batch = attempt_on_form(
            form, lambda: actions.create_batch(user, found.incident, data["name"], form.selection(),
                                               letters_dated_on=data["letters_dated_on"]),
        )  # fmt: skip
        if not isinstance(batch, Refused):
            return redirect("notifications:batch-detail", slug=slug, batch_id=batch.pk)
    batches = LetterBatch.objects.filter(incident=found.incident).select_related("created_by")[:50]
    context = {
        "incident": found.incident,
        "roles": found.roles,
        "batches": batches,
        "form": form,
        "can_create": found.is_manager,
    }
    return render(request, "notifications/batch_list.html", context, status=400 if form.errors else 200)


def _failures(batch: LetterBatch) -> list[dict[str, object]]:
    """Failed letters grouped by reason, with the first sequence numbers of each."""
    failed = Letter.objects.filter(batch=batch, status=LetterStatus.FAILED)
    groups = list(failed.values("reason").annotate(count=Count("pk")).order_by("-count")[:10])
    for group in groups:
        sequences = failed.filter(reason=group["reason"]).order_by("sequence").values_list("sequence", flat=True)
        group["sequences"] = list(sequences[:FAILURES_SHOWN])
    return groups


def batch_detail(request: HttpRequest, found: IncidentAccess, slug: str, batch_id: int) -> HttpResponse:
    batch = access.batch_on(found, batch_id)
    user = signed_in_user(request)
    context = {
        "incident": found.incident,
        "roles": found.roles,
        "batch": batch,
        "failures": _failures(batch) if batch.letters_failed else [],
        "parts": [parts.StoredFile.from_json(p) for p in batch.parts if p] if batch.manifest else [],
        "is_manager": found.is_manager,
        "is_mail_admin": Role.MAIL_ADMIN in found.roles,
        "is_creator": batch.created_by_id == user.pk,
        "mailed_form": MailedForm(initial={"mailed_on": timezone.localdate()}),
        "proof_ready": batch.has_proof,
        "proof_seen": ProofOpening.objects.filter(batch=batch, user=user, render_round=batch.render_round).exists(),
        "concerns_shown": batch.proof.get("concerns", [])[:CONCERNS_SHOWN] if batch.has_proof else [],
        "kept_out": kept_out.in_batch(batch),
    }
    return render(request, "notifications/batch_detail.html", context)


def _refresh() -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def batch_proof(request: HttpRequest, found: IncidentAccess, slug: str, batch_id: int) -> HttpResponse:
    """The proof's pages as images, made now when no worker has made them yet; opening it is recorded.
    While another process makes it, the page says so and polls, reloading once it is ready."""
    batch = access.batch_on(found, batch_id)
    polling = bool(request.headers.get("HX-Request"))
    if batch.status not in proof.PROOFABLE:
        if polling:
            return _refresh()
        messages.error(request, "The proof is made once every letter of the batch is rendered.")
        return redirect("notifications:batch-detail", slug=slug, batch_id=batch.pk)
    try:
        batch = proof.ensure(batch.pk)
    except proof.NotProofable as refusal:
        messages.error(request, str(refusal))
        return _refresh() if polling else redirect("notifications:batch-detail", slug=slug, batch_id=batch.pk)
    context: dict[str, object] = {"incident": found.incident, "roles": found.roles, "batch": batch}
    if not batch.has_proof:
        template = "notifications/_batch_proof_waiting.html" if polling else "notifications/batch_proof.html"
        return render(request, template, context)
    if polling:
        return _refresh()
    user = signed_in_user(request)
    actions.record_proof_opened(user, batch)
    context["pages"] = batch.proof["pages"]
    context["concerns_shown"] = batch.proof.get("concerns", [])[:CONCERNS_SHOWN]
    context["kept_out"] = kept_out.in_batch(batch)
    context["can_approve"] = (
        Role.MAIL_ADMIN in found.roles and batch.status == BatchStatus.RENDERED and batch.created_by_id != user.pk
    )
    return render(request, "notifications/batch_proof.html", context)


def batch_proof_page(
    request: HttpRequest, found: IncidentAccess, slug: str, batch_id: int, number: int
) -> HttpResponse:
    """One page of the proof as PNG (personal data: the page sends no-store, like every portal page)."""
    batch = access.batch_on(found, batch_id)
    pages = batch.proof.get("pages", []) if batch.has_proof else []
    if not 1 <= number <= len(pages):
        raise Http404("No such page of the proof.")
    with default_storage.open(pages[number - 1]["name"], "rb") as f:
        return HttpResponse(f.read(), content_type="image/png")


def batch_progress(request: HttpRequest, found: IncidentAccess, slug: str, batch_id: int) -> HttpResponse:
    """Polled by the batch page while workers render; a finished batch reloads the page."""
    batch = access.batch_on(found, batch_id)
    if not batch.is_rendering:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "notifications/_batch_progress.html", {"incident": found.incident, "batch": batch})


def _act(
    request: HttpRequest, slug: str, batch: LetterBatch, done: str, action: Callable[..., object], *args: object
) -> HttpResponse:
    user = signed_in_user(request)
    return attempt_then_redirect(
        request,
        lambda: action(user, batch, *args),
        "notifications:batch-detail",
        slug=slug,
        batch_id=batch.pk,
        done=done,
    )


def batch_rerender(request: HttpRequest, found: IncidentAccess, slug: str, batch_id: int) -> HttpResponse:
    batch = access.batch_on(found, batch_id)
    return _act(
        request, slug, batch, "The batch is rendering again with the current templates.", actions.rerender_batch
    )


def batch_approve(request: HttpRequest, found: IncidentAccess, slug: str, batch_id: int) -> HttpResponse:
    batch = access.batch_on(found, batch_id)
    return _act(
        request, slug, batch, "Batch approved: it can now be exported for the print house.", actions.approve_batch
    )


def batch_mailed(request: HttpRequest, found: IncidentAccess, slug: str, batch_id: int) -> HttpResponse:
    batch = access.batch_on(found, batch_id)
    form = MailedForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the mail date as MM/DD/YYYY or YYYY-MM-DD.")
        return redirect("notifications:batch-detail", slug=slug, batch_id=batch.pk)
    mailed_on, was = form.cleaned_data["mailed_on"], found.incident.status
    stamped = f"Every letter of the batch is stamped mailed on {mailed_on:%m/%d/%Y}."

    def said(_: object) -> str:  # the incident moves to notifying with its first batch mailed
        moved = was != Incident.Status.NOTIFYING and batch.incident.status == Incident.Status.NOTIFYING
        return f"{stamped} {status_mail.ON_SCREEN}" if moved else stamped

    user = signed_in_user(request)
    return attempt_then_redirect(
        request, lambda: actions.mark_mailed(user, batch, mailed_on), "notifications:batch-detail",
        slug=slug, batch_id=batch.pk, done=said,
    )  # fmt: skip
