"""The call center's manager screens: supervisor figures, escalations, address reviews, dispositions.

Every view here is `never_cache`: these pages show callers' names and addresses, which must not
stay in a browser's or a proxy's cache.
"""

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.access import signed_in_user
from callcenter import access as call_access
from callcenter import actions, reports
from callcenter.manage_forms import CallbackForm, DispositionForm, DispositionToggleForm, ResolveForm, ReviewForm
from callcenter.models import AddressChange, Disposition, Escalation, LetterResend
from incidents.access import IncidentAccess
from incidents.models import Incident
from portal.lib.refusals import Refused, attempt_on_form, attempt_then_redirect

OPEN_SHOWN = 200
RESOLVED_SHOWN = 50
PENDING_SHOWN = 100
REVIEWED_SHOWN = 20


def _first(rows: list[Any], limit: int) -> tuple[list[Any], bool]:
    """The first `limit` of rows fetched as limit + 1, and whether there were more."""
    return rows[:limit], len(rows) > limit


@never_cache
def supervisor(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    figures = reports.call_figures(found.incident, timezone.now())
    return render(request, "callcenter/supervisor.html", {"incident": found.incident, "figures": figures})


@never_cache
def escalation_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    escalations = (
        Escalation.objects.filter(incident=found.incident)
        .select_related("owner", "call__agent")
        .annotate(callbacks=Count("attempts"))
    )
    open_rows, more_open = _first(
        list(escalations.filter(status=Escalation.Status.OPEN).order_by("created_at")[: OPEN_SHOWN + 1]), OPEN_SHOWN
    )
    resolved = escalations.filter(status=Escalation.Status.RESOLVED).order_by("-resolved_at")[:RESOLVED_SHOWN]
    context = {"incident": found.incident, "open": open_rows, "more_open": more_open, "resolved": resolved}
    return render(request, "callcenter/escalation_list.html", context)


def _escalation(request: HttpRequest, found: IncidentAccess, escalation_id: int) -> Escalation:
    return call_access.escalation_on(found, signed_in_user(request), escalation_id)


def _escalation_page(
    request: HttpRequest,
    found: IncidentAccess,
    escalation: Escalation,
    *,
    callback_form: CallbackForm | None = None,
    resolve_form: ResolveForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "incident": found.incident,
        "access": found,
        "escalation": escalation,
        "call": escalation.call,
        "attempts": escalation.attempts.select_related("made_by"),
        "callback_form": callback_form or CallbackForm(),
        "resolve_form": resolve_form or ResolveForm(),
    }
    return render(request, "callcenter/escalation_detail.html", context, status=status)


@never_cache
def escalation_detail(request: HttpRequest, found: IncidentAccess, slug: str, escalation_id: int) -> HttpResponse:
    escalation = _escalation(request, found, escalation_id)
    actions.record_escalation_view(signed_in_user(request), escalation)
    return _escalation_page(request, found, escalation)


@never_cache
def escalation_callback(request: HttpRequest, found: IncidentAccess, slug: str, escalation_id: int) -> HttpResponse:
    escalation = _escalation(request, found, escalation_id)
    form = CallbackForm(request.POST)
    if not form.is_valid():
        return _escalation_page(request, found, escalation, callback_form=form, status=400)
    user, data = signed_in_user(request), form.cleaned_data
    return attempt_then_redirect(
        request, lambda: actions.log_callback(user, escalation, data["outcome"], data["notes"]),
        "callcenter:escalation-detail", slug=slug, escalation_id=escalation.pk, done="Callback attempt logged.",
    )  # fmt: skip


@never_cache
def escalation_resolve(request: HttpRequest, found: IncidentAccess, slug: str, escalation_id: int) -> HttpResponse:
    escalation = _escalation(request, found, escalation_id)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _escalation_page(request, found, escalation, resolve_form=form, status=400)
    user, resolution = signed_in_user(request), form.cleaned_data["resolution"]
    return attempt_then_redirect(
        request, lambda: actions.resolve_escalation(user, escalation, resolution),
        "callcenter:escalation-detail", slug=slug, escalation_id=escalation.pk,
        done=f"Escalation #{escalation.pk} resolved.",
    )  # fmt: skip


@never_cache
def address_change_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    changes = AddressChange.objects.filter(incident=found.incident)
    pending, more_pending = _first(
        list(
            changes.filter(status=AddressChange.Status.PENDING)
            .select_related("recipient", "requested_by", "call")
            .order_by("requested_at")[: PENDING_SHOWN + 1]
        ),
        PENDING_SHOWN,
    )
    reviewed = list(
        changes.exclude(status=AddressChange.Status.PENDING)
        .select_related("recipient", "requested_by", "reviewed_by")
        .order_by("-reviewed_at")[:REVIEWED_SHOWN]
    )
    shown = [change.pk for change in (*pending, *reviewed)]
    actions.record_address_changes_view(signed_in_user(request), found.incident, shown)
    context = {
        "incident": found.incident,
        "pending": pending,
        "more_pending": more_pending,
        "reviewed": reviewed,
        "resends_waiting": LetterResend.objects.filter(incident=found.incident, batched_at__isnull=True).count(),
    }
    return render(request, "callcenter/address_change_list.html", context)


def resend_batch(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    """Put every letter asked for again on calls into a new letter batch."""
    try:
        batch = actions.batch_letter_resends(signed_in_user(request), found.incident)
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("callcenter:address-change-list", slug=slug)
    messages.success(request, f"{batch.letters_total} letter(s) asked for on calls are rendering in “{batch.name}”.")
    return redirect("notifications:batch-detail", slug=slug, batch_id=batch.pk)


def _reviewed_message(change: AddressChange, approved: bool, changed: list[str]) -> str:
    who = change.recipient.name
    if not approved:
        return f"The address change for {who} was rejected; the address on file stays as it was."
    if not changed:
        return f"The address change for {who} was approved; the address on file was already the same."
    return f"The address change for {who} was approved; letters now go to the new address."


@never_cache
def address_change_review(request: HttpRequest, found: IncidentAccess, slug: str, change_id: int) -> HttpResponse:
    change = call_access.address_change_on(found, change_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["decision"][0]))
        return redirect("callcenter:address-change-list", slug=slug)
    user = signed_in_user(request)
    return attempt_then_redirect(
        request, lambda: actions.review_address_change(user, change, form.approves), "callcenter:address-change-list",
        slug=slug, done=lambda changed: _reviewed_message(change, form.approves, changed),
    )  # fmt: skip


def _dispositions(incident: Incident) -> tuple[list[Disposition], bool]:
    """The incident's dispositions, and whether they are saved.

    Until the first call (or a change here) saves them, an incident has none stored, and the
    page shows the defaults it will get: reading the page never writes.
    """
    saved = list(Disposition.objects.filter(incident=incident))
    if saved:
        return saved, True
    defaults = [Disposition(incident=incident, key=key, label=label) for key, label in Disposition.DEFAULTS]
    return defaults, False


def _save_defaults(request: HttpRequest, incident: Incident) -> HttpResponse:
    actions.ensure_dispositions(incident, signed_in_user(request))
    messages.success(request, "The default dispositions are saved; each can now be hidden from agents.")
    return redirect("callcenter:disposition-list", slug=incident.slug)


@never_cache
def disposition_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    if request.method == "POST" and "save_defaults" in request.POST:
        return _save_defaults(request, found.incident)
    form = DispositionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, label = signed_in_user(request), form.cleaned_data["label"]
        added = attempt_on_form(form, lambda: actions.add_disposition(user, found.incident, label), "label")
        if not isinstance(added, Refused):
            messages.success(request, f"“{added.label}” added; agents can choose it when they close a call.")
            return redirect("callcenter:disposition-list", slug=slug)
    dispositions, saved = _dispositions(found.incident)
    context = {"incident": found.incident, "dispositions": dispositions, "saved": saved, "form": form}
    return render(request, "callcenter/disposition_list.html", context)


@never_cache
def disposition_toggle(request: HttpRequest, found: IncidentAccess, slug: str, disposition_id: int) -> HttpResponse:
    disposition = call_access.disposition_on(found, disposition_id)
    form = DispositionToggleForm(request.POST)
    if not form.is_valid():
        messages.error(request, str(form.errors["active"][0]))
        return redirect("callcenter:disposition-list", slug=slug)
    user = signed_in_user(request)
    shown = "offered to agents" if form.shows else "hidden from agents; calls closed with it keep it"
    return attempt_then_redirect(
        request, lambda: actions.set_disposition_active(user, disposition, form.shows), "callcenter:disposition-list",
        slug=slug, done=f"“{disposition.label}” is {shown}.",
    )  # fmt: skip
