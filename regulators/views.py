"""What the incident owes to whom by when: the jurisdictions table's obligations by jurisdiction, manual ones,
the target date, and their done marks."""

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone

from accounts.access import signed_in_user
from accounts.views import fresh_code_needed
from incidents import figures
from incidents.access import IncidentAccess
from portal.lib import errors, uploads
from regulators import actions as regulator_actions
from regulators import obligations, packet, uncovered
from regulators.forms import NotNotifyingForm, ObligationDoneForm, ObligationForm, TargetForm


def obligation_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    incident = found.incident
    people = figures.of(incident)
    offered = obligations.offered_target(incident, people)
    targeting = request.method == "POST" and request.POST.get("action") == "target"
    form = ObligationForm(request.POST if request.method == "POST" and not targeting else None)
    target = TargetForm(request.POST if targeting else None, initial={"target_on": incident.target_on or offered})
    if targeting and target.is_valid():
        chosen = target.cleaned_data["target_on"]
        regulator_actions.set_target(signed_in_user(request), incident, chosen, offered)
        said = f"Target date set to {dateformat.format(chosen, 'F j, Y')}." if chosen else "Target date cleared."
        messages.success(request, said)
        return redirect("regulators:obligation-list", slug=slug)
    if request.method == "POST" and not targeting and form.is_valid():
        added = regulator_actions.add_obligation(signed_in_user(request), incident, **form.cleaned_fields())
        messages.success(request, f"Obligation to {added.party} added.")
        return redirect("regulators:obligation-list", slug=slug)
    today = timezone.localdate()
    groups = [
        (group, [(entry, entry.state(today), entry.past_target_only(today)) for entry in group.entries])
        for group in obligations.by_jurisdiction(obligations.entries(incident, people))
    ]
    context = {
        "incident": incident,
        "groups": groups,
        "uncovered": uncovered.uncovered_of(incident, people),
        "unsettled": obligations.unsettled_of(incident),
        "can_edit": found.is_manager,
        "form": form,
        "target": target,
        "offered": offered,
        "today": today,
        "due_soon_days": obligations.DUE_SOON_DAYS,
    }
    return render(request, "regulators/obligation_list.html", context)


@uploads.limited(lambda: settings.OBLIGATION_EVIDENCE_MAX_BYTES)
def obligation_detail(request: HttpRequest, found: IncidentAccess, slug: str, key: str) -> HttpResponse:
    entry = obligations.entry(found.incident, key)
    if entry is None:
        raise Http404("No such obligation on this incident.")
    record = entry.record
    initial: dict[str, object] = {}  # the date it was sent is the manager's to give, never assumed
    if record is not None and record.done_on is not None:  # correcting: start from what was recorded
        initial = {"done_on": record.done_on, "reference": record.reference}
    deciding = request.method == "POST" and request.POST.get("action") == "not_notifying"
    form = ObligationDoneForm(
        request.POST if request.method == "POST" and not deciding else None, request.FILES or None, initial=initial,
        discovered_on=found.incident.discovered_on, has_evidence=bool(record is not None and record.evidence),
    )  # fmt: skip
    decision = NotNotifyingForm(request.POST if deciding else None)
    uploads.refuse_too_large(request, form, "evidence", "an evidence file")
    if deciding and decision.is_valid():
        try:
            regulator_actions.decide_not_to_notify(
                signed_in_user(request), found.incident, key, decision.cleaned_data["reasons"]
            )
        except errors.ActionRefused as refusal:
            decision.add_error(None, str(refusal))
        else:
            years = regulator_actions.decision_kept_years(found.incident)
            messages.success(request, f"Decision not to notify {entry.party} recorded; it is kept for {years} years.")
            return redirect("regulators:obligation-list", slug=slug)
    elif request.method == "POST" and not deciding and form.is_valid():
        data = form.cleaned_data
        try:
            regulator_actions.mark_obligation_done(
                signed_in_user(request), found.incident, key, data["done_on"], data["reference"], data["evidence"]
            )
        except errors.ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Notice to {entry.party} marked done.")
            return redirect("regulators:obligation-list", slug=slug)
    context = {
        "incident": found.incident,
        "entry": entry,
        "state": entry.state(timezone.localdate()),
        "past_target": entry.past_target_only(timezone.localdate()),
        "form": form,
        "decision": decision,
        "kept_years": regulator_actions.decision_kept_years(found.incident),
    }
    return render(request, "regulators/obligation_detail.html", context)


def obligation_evidence(request: HttpRequest, found: IncidentAccess, slug: str, key: str) -> HttpResponseBase:
    """The evidence file, as a download; POST, so that every fetch is a deliberate, audited act."""
    entry = obligations.entry(found.incident, key)
    if entry is None or entry.record is None or not entry.record.evidence:
        raise Http404("This obligation has no evidence file.")
    if refused := fresh_code_needed(request):
        return refused
    regulator_actions.record_evidence_download(signed_in_user(request), entry.record)
    response = FileResponse(
        entry.record.evidence.open("rb"),
        as_attachment=True,
        filename=entry.record.evidence_name or "evidence",
        content_type="application/octet-stream",
    )
    response["Cache-Control"] = "no-store"
    return response


def obligation_packet(request: HttpRequest, found: IncidentAccess, slug: str, key: str, kind: str) -> HttpResponse:
    """What this obligation's agency is told: the facts and counts, and its own form where the portal knows it."""
    built = packet.build(found.incident, key)
    if built is None:
        raise Http404("No such obligation on this incident.")
    name = f"{found.incident.slug}-{key}"
    if kind == "pdf":
        response = HttpResponse(packet.as_pdf(found.incident, built), content_type="application/pdf")
    else:
        response = HttpResponse(packet.as_csv(built), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}-packet.{kind}"'
    return response
