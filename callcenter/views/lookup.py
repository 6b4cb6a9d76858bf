"""The agent's lookup screen: search, screen-pop from a phone system, and opening a call."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from accounts.access import signed_in_user
from callcenter import access as call_access
from callcenter import actions, search
from callcenter.forms import LookupForm
from incidents.access import IncidentAccess
from incidents.models import Incident
from people.lookup_budget import lookup_budget_spent

# A phone system opens the lookup with ?phone= or ?code=; the values move to the session and leave the URL.
_SCREEN_POP = {"phone": "phone", "code": "reference_code"}
_ABANDONED = timedelta(minutes=30)


def _session_key(name: str, incident: Incident) -> str:
    return f"callcenter:{name}:{incident.pk}"


def carried_code_key(call_id: int) -> str:
    """Where the session keeps the reference code a call's search was by, until the caller is verified."""
    return f"callcenter:carried-code:{call_id}"


def _mark_call_start(request: HttpRequest, incident: Incident, ringing: bool = False) -> None:
    """The call began at the first search since the last call was opened, or when a screen-pop says it rang.

    A mark older than `_ABANDONED` is from searches that never became a call.
    """
    key, now = _session_key("started", incident), timezone.now()
    stored = request.session.get(key)
    if ringing or not stored or now - datetime.fromisoformat(stored) > _ABANDONED:
        request.session[key] = now.isoformat()


def _take_call_start(request: HttpRequest, incident: Incident) -> datetime:
    stored = request.session.pop(_session_key("started", incident), None)
    return datetime.fromisoformat(stored) if stored else timezone.now()


def _screen_pop(request: HttpRequest, incident: Incident) -> HttpResponse | None:
    given = {field: request.GET[param] for param, field in _SCREEN_POP.items() if request.GET.get(param)}
    if not given:
        return None
    request.session[_session_key("pop", incident)] = given
    _mark_call_start(request, incident, ringing=True)
    return redirect(request.path)


def _search(request: HttpRequest, incident: Incident, form: LookupForm) -> search.Found | None:
    user = signed_in_user(request)
    wait = lookup_budget_spent(user.pk)
    if wait is not None:
        actions.record_refused_search(user, incident)
        limit = settings.CALLCENTER_SEARCHES_PER_HOUR
        form.add_error(
            None,
            f"You have run {limit} searches in the past hour, the most allowed. "
            f"Searching opens again in about {wait} minute{'s' if wait != 1 else ''}; "
            "a supervisor can help with urgent callers.",
        )
        return None
    criteria = form.criteria()
    # One transaction and one commit for the search, the session that keeps whom it showed, and its audit event,
    # written last: it holds the trail's lock until the commit.
    with transaction.atomic():
        found = search.find(incident, criteria)
        _mark_call_start(request, incident)
        # A call opens only on someone this search showed: record ids cannot be walked one by one.
        request.session[_session_key("results", incident)] = [match.recipient_id for match in found.matches]
        # The code the caller read out verifies them too: the call page offers it rather than have it typed again.
        request.session[_session_key("searched_code", incident)] = criteria.reference_code
        request.session.save()
        actions.record_search(user, incident, criteria, found)
    request.session.modified = False  # saved above; the session middleware need not write it again
    return found


@sensitive_post_parameters("reference_code", "last_name", "first_name", "date_of_birth", "postal_code", "phone")
@never_cache
def lookup(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    incident = found.incident
    redirected = _screen_pop(request, incident)
    if redirected is not None:
        return redirected
    popped = None if request.method == "POST" else request.session.pop(_session_key("pop", incident), None)
    data: QueryDict | dict[str, str] | None = request.POST if request.method == "POST" else popped
    form = LookupForm(data)
    result = _search(request, incident, form) if data is not None and form.is_valid() else None
    if result is not None and result.matches:
        form.fields["reference_code"].widget.attrs.pop("autofocus", None)  # the first result takes focus
    waiting = call_access.open_work_of(found, signed_in_user(request))
    context = {
        "incident": incident,
        "access": found,
        "form": form,
        "result": result,
        "hotline_open": incident.hotline_is_open(timezone.now()),
        "searching": data is not None,
        "open_calls": waiting.calls,
        "my_escalations": waiting.escalations,
    }
    return render(request, "callcenter/lookup.html", context)


@never_cache
def call_start(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    try:
        recipient_id = int(request.POST.get("recipient", ""))
    except ValueError:
        messages.error(request, "Choose a person from the results.")
        return redirect("callcenter:lookup", slug=slug)
    shown = request.session.get(_session_key("results", found.incident), [])
    if recipient_id not in shown:
        messages.error(request, "Choose a person from your search results.")
        return redirect("callcenter:lookup", slug=slug)
    recipient = call_access.recipient_on(found, recipient_id)
    call = actions.start_call(
        signed_in_user(request), found.incident, recipient, _take_call_start(request, found.incident)
    )
    searched_code = request.session.pop(_session_key("searched_code", found.incident), "")
    if searched_code and searched_code == recipient.reference_code:
        request.session[carried_code_key(call.pk)] = searched_code
    return redirect("callcenter:call-detail", slug=slug, call_id=call.pk)


@never_cache
def call_not_found(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    call = actions.start_call(signed_in_user(request), found.incident, None, _take_call_start(request, found.incident))
    return redirect("callcenter:call-detail", slug=slug, call_id=call.pk)
