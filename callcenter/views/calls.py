"""One call: verification, the disclosure card, actions taken for the caller, and closing it."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.access import signed_in_user
from callcenter import access as call_access
from callcenter import actions, disclosure, scripts, verification
from callcenter.forms import AddressChangeForm, CloseCallForm, EscalationForm, VerificationForm
from callcenter.models import Call, Escalation
from callcenter.views.lookup import carried_code_key
from incidents.access import IncidentAccess
from portal.lib import refcode
from portal.lib.refusals import attempt
from public.models import FaqEntry

_JUST_VERIFIED = "callcenter:just-verified"


def _in_words(labels: list[str]) -> str:
    """["Reference code", "Date of birth", "ZIP code"] -> "reference code, date of birth and ZIP code"."""
    words = [label if label[:2].isupper() else label[0].lower() + label[1:] for label in labels]
    return " and ".join([", ".join(words[:-1]), words[-1]] if len(words) > 1 else words)


def _verify_form(request: HttpRequest, call: Call, form: VerificationForm | None) -> VerificationForm:
    """The verification form, holding the code the agent searched by, with focus on the first field left to type."""
    if form is None:
        carried = request.session.get(carried_code_key(call.pk), "")
        form = VerificationForm(initial={"reference_code": refcode.display(carried) if carried else ""})
    for name, field in form.fields.items():
        if not (form[name].value() or "").strip():
            field.widget.attrs["autofocus"] = True
            break
    return form


def _page(request: HttpRequest, found: IncidentAccess, call: Call, status: int = 200, **forms: Any) -> HttpResponse:
    """The call screen; every showing of a record is recorded."""
    incident = found.incident
    if call.recipient is not None:
        actions.record_view(signed_in_user(request), call)
    escalation = Escalation.objects.filter(call=call).select_related("owner").first()
    context: dict[str, Any] = {
        "incident": incident,
        "access": found,
        "call": call,
        "recipient": call.recipient,
        "matched": [verification.POINT_LABELS[p] for p in call.verified_points],
        "matched_in_words": _in_words([verification.POINT_LABELS[p] for p in call.verified_points]),
        "unverified_script": scripts.UNVERIFIED,
        "not_found_script": scripts.not_found(incident),
        "verified_script": scripts.verified(incident),
        "hotline_open": incident.hotline_is_open(timezone.now()),
        "escalation": escalation,
        "verify_form": _verify_form(request, call, forms.get("verify_form")),
        # Right after verifying, focus moves to the card that now tells the caller what was exposed.
        "just_verified": request.session.pop(_JUST_VERIFIED, None) == call.pk,
        "close_form": forms.get("close_form") or CloseCallForm(incident_id=incident.pk),
        "escalation_form": forms.get("escalation_form") or EscalationForm(owners=call_access.escalation_owners(found)),
    }
    context["locked_message"] = actions.LOCKED
    context["verification_locked"] = call.verification_locked(timezone.now())
    if call.recipient is not None and call.discloses(timezone.now()):
        context["disclosure"] = disclosure.for_recipient(call.recipient)
        context["talking_points"] = [(label, text) for label, text in incident.notice_sections() if text]
        context["faq"] = FaqEntry.objects.filter(incident=incident)
        context["address_form"] = forms.get("address_form") or AddressChangeForm()
    return render(request, "callcenter/call_detail.html", context, status=status)


def _call(request: HttpRequest, found: IncidentAccess, call_id: int) -> Call:
    return call_access.call_of(found, signed_in_user(request), call_id)


def _back(slug: str, call: Call, anchor: str = "") -> HttpResponse:
    response = redirect("callcenter:call-detail", slug=slug, call_id=call.pk)
    response["Location"] += anchor
    return response


@never_cache
def call_detail(request: HttpRequest, found: IncidentAccess, slug: str, call_id: int) -> HttpResponse:
    call = _call(request, found, call_id)
    return _page(request, found, call)


@sensitive_post_parameters()
@never_cache
def call_verify(request: HttpRequest, found: IncidentAccess, slug: str, call_id: int) -> HttpResponse:
    call = _call(request, found, call_id)
    form = VerificationForm(request.POST)
    if not form.is_valid():
        return _page(request, found, call, status=400, verify_form=form)
    try:
        left = actions.check_verification(signed_in_user(request), call, form.said())
    except actions.ActionRefused as refusal:
        messages.error(request, str(refusal))
        return _back(slug, call)
    if left is None:
        request.session.pop(carried_code_key(call.pk), None)
        request.session[_JUST_VERIFIED] = call.pk
        messages.success(request, "Caller verified.")
        return _back(slug, call, "#disclosure")
    # Shown again with what was typed, so the agent adds a detail rather than retyping them all.
    messages.warning(
        request,
        "Not verified: what the caller said does not verify them."
        + (f" {left} more check{'s' if left != 1 else ''} on this call." if left else ""),
    )
    return _page(request, found, call, verify_form=form)


@sensitive_post_parameters()
@never_cache
def call_close(request: HttpRequest, found: IncidentAccess, slug: str, call_id: int) -> HttpResponse:
    call = _call(request, found, call_id)
    form = CloseCallForm(request.POST, incident_id=found.incident.pk)
    if not form.is_valid():
        return _page(request, found, call, status=400, close_form=form)
    user, data = signed_in_user(request), form.cleaned_data
    closed = attempt(
        request,
        lambda: actions.close_call(user, call, disposition=data["disposition"], caller_name=data["caller_name"],
                                   relationship=data["caller_relationship"], notes=data["notes"]),
        done=f"Call logged as “{data['disposition']}”. Ready for the next caller.",
    )  # fmt: skip
    if not closed:
        return _back(slug, call)
    request.session.pop(carried_code_key(call.pk), None)
    return redirect("callcenter:lookup", slug=slug)


@sensitive_post_parameters()
@never_cache
def call_address(request: HttpRequest, found: IncidentAccess, slug: str, call_id: int) -> HttpResponse:
    call = _call(request, found, call_id)
    form = AddressChangeForm(request.POST)
    if not call.is_verified:
        messages.error(request, "Verify the caller first.")
        return _back(slug, call)
    if not form.is_valid():
        return _page(request, found, call, status=400, address_form=form)
    user = signed_in_user(request)
    attempt(
        request,
        lambda: actions.request_address_change(user, call, form.address()),
        "Address change sent to a manager for review.",
    )
    return _back(slug, call, "#actions")


@never_cache
def call_resend(request: HttpRequest, found: IncidentAccess, slug: str, call_id: int) -> HttpResponse:
    call = _call(request, found, call_id)
    user = signed_in_user(request)
    attempt(
        request, lambda: actions.request_letter_resend(user, call), "The letter will be sent again with the next batch."
    )
    return _back(slug, call, "#actions")


@sensitive_post_parameters()
@never_cache
def call_escalate(request: HttpRequest, found: IncidentAccess, slug: str, call_id: int) -> HttpResponse:
    call = _call(request, found, call_id)
    form = EscalationForm(request.POST, owners=call_access.escalation_owners(found))
    if not form.is_valid():
        return _page(request, found, call, status=400, escalation_form=form)
    user, data = signed_in_user(request), form.cleaned_data
    attempt(
        request, lambda: actions.escalate(user, call, data["owner"], data["reason"], data["callback_phone"]),
        done=lambda escalation: f"Escalated to {escalation.owner.display_name()}.",
    )  # fmt: skip
    return _back(slug, call, "#actions")
