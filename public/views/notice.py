"""The public notice: managers publish it and post dated updates; anyone may read it, without signing in,
and check a reference code with a date of birth."""

from datetime import date

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts.access import signed_in_user
from incidents import status_mail, wording
from incidents.access import IncidentAccess
from incidents.models import Incident
from incidents.readers import Language
from portal.lib.refusals import attempt_then_redirect
from public import access as public_access
from public import actions as public_actions
from public import selfcheck
from public.forms import NoticeUpdateForm, SelfCheckForm
from public.models import FaqEntry, NoticeUpdate


def notice_manage(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = NoticeUpdateForm(request.POST or None, initial={"posted_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        public_actions.add_notice_update(
            signed_in_user(request), found.incident, form.cleaned_data["posted_on"], form.cleaned_data["text"]
        )
        messages.success(request, "Update posted to the notice's update log.")
        return redirect("public:notice-manage", slug=slug)
    context = {
        "incident": found.incident,
        "updates": NoticeUpdate.objects.filter(incident=found.incident),
        "form": form,
    }
    return render(request, "public/notice_manage.html", context)


def notice_publish(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    user = signed_in_user(request)
    return attempt_then_redirect(
        request, lambda: public_actions.publish_notice(user, found.incident), "public:notice-manage", slug=slug,
        done=lambda moved: "The notice is public." + (f" {status_mail.ON_SCREEN}" if moved else ""),
    )  # fmt: skip


def notice_unpublish(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    public_actions.unpublish_notice(signed_in_user(request), found.incident)
    messages.success(request, "The notice was taken down: its address now answers “not found”.")
    return redirect("public:notice-manage", slug=slug)


def notice_update_remove(request: HttpRequest, found: IncidentAccess, slug: str, update_id: int) -> HttpResponse:
    update = public_access.notice_update_on(found, update_id)
    public_actions.remove_notice_update(signed_in_user(request), update)
    messages.success(request, "Update removed from the notice.")
    return redirect("public:notice-manage", slug=slug)


def notice_dates(incident: Incident) -> tuple[date, date | None]:
    """The day the notice went up and the day of its latest update after that: days that have come (an
    update dated ahead waits for its day). Never the letters' date, which may still be ahead."""
    published_on = timezone.localdate(incident.notice_published_at)
    latest = public_access.updates_shown(incident).values_list("posted_on", flat=True).first()
    return published_on, latest if latest is not None and latest > published_on else None


@require_http_methods(["GET", "HEAD", "POST"])
@never_cache  # the answer to a check names what was exposed
@sensitive_post_parameters("reference_code", "date_of_birth")
def public_notice(request: HttpRequest, slug: str) -> HttpResponse:
    incident = Incident.objects.filter(slug=slug, notice_published_at__isnull=False).first()
    if incident is None:
        raise Http404("No published notice at this address.")
    # In Spanish when asked for and when every text of the incident has its Spanish; else in English.
    has_spanish = incident.has_spanish_notice
    spanish = request.GET.get("lang") == Language.SPANISH and has_spanish
    language = Language.SPANISH if spanish else Language.ENGLISH
    form = SelfCheckForm(request.POST or None, language=language)
    answer = None
    if request.method == "POST" and form.is_valid():
        answer = selfcheck.check(
            request, incident, form.cleaned_data["reference_code"], form.cleaned_data["date_of_birth"]
        )
        form = SelfCheckForm(language=language)  # the answer stands alone; what was typed is not shown back
    published_on, updated_on = notice_dates(incident)
    context = {
        "incident": incident,
        "language": language,
        "words": wording.NOTICE_TEXT[language],
        "published_on": published_on,
        "published": wording.written_date(published_on, language),
        "updated_on": updated_on,
        "updated": wording.written_date(updated_on, language),
        "hours": wording.hotline_hours(incident, language),
        # In the order the incident form and the letters give them, "For more information" last.
        "sections": incident.notice_sections(language),
        "other_language": Language.ENGLISH if spanish else Language.SPANISH,
        "has_spanish": has_spanish,
        # Updates and answers are written in English only: the Spanish notice says where they are.
        "updates": [] if spanish else public_access.updates_shown(incident),
        "faq": [] if spanish else FaqEntry.objects.filter(incident=incident),
        "english_only": spanish
        and (public_access.updates_shown(incident).exists() or FaqEntry.objects.filter(incident=incident).exists()),
        "form": form,
        "answer": answer,
        "answer_types": wording.worded(answer.data_types, wording.PUBLIC, language) if answer else [],
        "outcomes": {"confirmed": selfcheck.CONFIRMED, "limited": selfcheck.LIMITED},
    }
    response = render(request, "public/public_notice.html", context)
    if answer is not None and answer.outcome == selfcheck.LIMITED:
        response.status_code = 429
        response["Retry-After"] = str(max(answer.retry_after, 1))
    return response
