"""Letter templates: the variants, their editor with the merge fields, settings and PDF preview."""

import copy

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import signed_in_user
from incidents.access import IncidentAccess
from notifications import access, actions
from notifications.forms import MAX_LOGO_BYTES, LetterSettingsForm, LetterTemplateForm, PreviewForm, TextPreviewForm
from notifications.letters import lettertext, merge, preview, sandbox, textpreview
from notifications.letters.maker import LetterMaker
from notifications.models import LetterTemplate
from people.lookup_budget import lookup_budget_spent
from people.models import Recipient
from portal.lib import uploads

_LIMITED = (
    "You have looked up {limit} people in the past hour (caller searches and previews by reference code "
    "together), the most allowed. Previews by reference code open again in about {wait} minutes."
)


@uploads.limited(lambda: MAX_LOGO_BYTES)
def template_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    incident = found.incident
    settings_form = LetterSettingsForm(initial={"return_address": incident.return_address})
    if request.method == "POST":
        settings_form = LetterSettingsForm(request.POST, request.FILES)
        uploads.refuse_too_large(request, settings_form, "logo", "a logo")
        if settings_form.is_valid():
            data = settings_form.cleaned_data
            changed = actions.save_letter_settings(
                signed_in_user(request), incident, data["return_address"], data["logo"], data["remove_logo"]
            )
            messages.success(request, "Letter settings saved." if changed else "Nothing changed.")
            return redirect("notifications:template-list", slug=slug)
    context = {
        "incident": incident,
        "roles": found.roles,
        "templates": LetterTemplate.objects.filter(incident=incident).select_related("data_type"),
        "settings_form": settings_form,
    }
    return render(request, "notifications/template_list.html", context, status=400 if settings_form.errors else 200)


def template_defaults(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    made = actions.install_default_templates(signed_in_user(request), found.incident)
    if made:
        messages.success(request, "The standard English and Spanish letters were added. Read them before you mail.")
    else:
        messages.info(request, "This incident already has letter templates.")
    return redirect("notifications:template-list", slug=slug)


def template_edit(
    request: HttpRequest, found: IncidentAccess, slug: str, template_id: int | None = None
) -> HttpResponse:
    template = access.template_on(found, template_id) if template_id else None
    # Validating writes the typed values onto the form's instance; the action compares them with the saved ones.
    form = LetterTemplateForm(request.POST or None, instance=copy.copy(template), incident=found.incident)
    if request.method == "POST" and form.is_valid():
        saved = actions.save_template(signed_in_user(request), found.incident, template, form.template_fields())
        messages.success(request, f"“{saved.name}” saved. Preview it before you build a batch.")
        return redirect("notifications:template-edit", slug=slug, template_id=saved.pk)
    context = {
        "incident": found.incident,
        "roles": found.roles,
        "template": template,
        "form": form,
        "merge_fields": merge.MERGE_FIELDS,
        "text_fields": lettertext.FIELDS,
        "conditions": lettertext.CONDITIONS,
        "incident_gives": lettertext.INCIDENT_GIVES,
        "blocks": [(name, meaning) for name, (meaning, _) in lettertext.BLOCKS.items()],
        "preview_form": PreviewForm(),
        "text_preview_form": TextPreviewForm(),
    }
    return render(request, "notifications/template_form.html", context, status=400 if form.errors else 200)


def template_text_preview(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    """The letter text being typed, as a made-up reader gets it (the editor asks for it as the text changes)."""
    form = TextPreviewForm(request.POST)
    form.is_valid()  # every field is optional, and a bad choice falls back to the first sample
    data = form.cleaned_data
    label, relationship, medical = form.SAMPLES.get(data.get("preview_for") or "", next(iter(form.SAMPLES.values())))
    state = data.get("preview_state") or "MO"
    context: dict[str, object] = {"sample": label, "language": data.get("language") or "en", "state": state}
    try:
        context["salutation"], context["body"] = textpreview.render(
            found.incident, data.get("text", ""), str(context["language"]), relationship, medical, state
        )
    except sandbox.TemplateProblem as problem:
        context["problem"] = str(problem)
    return render(request, "notifications/_template_text_preview.html", context)


def template_preview(request: HttpRequest, found: IncidentAccess, slug: str, template_id: int) -> HttpResponse:
    """The variant as PDF: for a recipient named by reference code (POST), else for the first
    recipient it fits (GET, or POST without a code), else for a made-up one."""
    template = access.template_on(found, template_id)
    recipient: Recipient | None = None
    form = PreviewForm(request.POST if request.method == "POST" else None)
    if form.is_bound and not form.is_valid():
        messages.error(request, " ".join(str(e) for e in form.errors["reference_code"]))
        return redirect("notifications:template-edit", slug=slug, template_id=template.pk)
    code = form.cleaned_data["reference_code"] if form.is_bound else ""
    if code:
        # A preview by reference code counts as a caller search does, in the same hourly budget.
        if (wait := lookup_budget_spent(signed_in_user(request).pk)) is not None:
            actions.record_refused_preview(signed_in_user(request), template)
            messages.error(request, _LIMITED.format(limit=settings.CALLCENTER_SEARCHES_PER_HOUR, wait=wait))
            return redirect("notifications:template-edit", slug=slug, template_id=template.pk)
        recipient = (
            Recipient.objects.filter(incident=found.incident, reference_code=code).select_related("individual").first()
        )
        actions.record_preview_lookup(signed_in_user(request), template, recipient)
        if recipient is None:
            raise Http404("No recipient of this incident has that reference code.")
    else:  # no code: the first recipient the variant fits, as the hint under the code's field says
        recipient = preview.first_fitting(template)
    maker = LetterMaker(found.incident)
    try:
        pdf = preview.render(maker, template, recipient)
    except preview.PreviewFailed as failure:
        messages.error(request, str(failure))
        return redirect("notifications:template-edit", slug=slug, template_id=template.pk)
    actions.record_preview(signed_in_user(request), template, recipient)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="preview-{template.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
