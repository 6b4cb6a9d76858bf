"""The incident's FAQ: the questions callers ask and the answers agents give, kept by managers.

The same entries feed the agent's script and the public notice, so there is one text to correct.
"""

from django.contrib import messages
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import signed_in_user
from incidents.access import IncidentAccess
from incidents.models import Incident
from public import access as public_access
from public import actions as public_actions
from public.forms import FaqEntryForm
from public.models import FaqEntry

ORDER_STEP = 10  # room to slot an entry between two others without renumbering


def _next_position(incident: Incident) -> int:
    last = FaqEntry.objects.filter(incident=incident).aggregate(n=Max("sort_order"))["n"]
    return ORDER_STEP if last is None else min(last + ORDER_STEP, 32767)


def faq_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = FaqEntryForm(request.POST or None, initial={"sort_order": _next_position(found.incident)})
    if request.method == "POST" and form.is_valid():
        entry = public_actions.add_faq_entry(signed_in_user(request), found.incident, **form.entry_fields())
        messages.success(request, f"“{entry.question}” added to the FAQ.")
        return redirect("public:faq-list", slug=slug)
    entries = FaqEntry.objects.filter(incident=found.incident)
    return render(request, "public/faq_list.html", {"incident": found.incident, "entries": entries, "form": form})


def faq_edit(request: HttpRequest, found: IncidentAccess, slug: str, entry_id: int) -> HttpResponse:
    entry = public_access.faq_entry_on(found, entry_id)
    initial = {"question": entry.question, "answer": entry.answer, "sort_order": entry.sort_order}
    form = FaqEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = public_actions.update_faq_entry(signed_in_user(request), entry, **form.entry_fields())
        messages.success(request, "FAQ entry saved." if changed else "Nothing changed.")
        return redirect("public:faq-list", slug=slug)
    return render(request, "public/faq_form.html", {"incident": found.incident, "entry": entry, "form": form})


def faq_remove(request: HttpRequest, found: IncidentAccess, slug: str, entry_id: int) -> HttpResponse:
    entry = public_access.faq_entry_on(found, entry_id)
    public_actions.remove_faq_entry(signed_in_user(request), entry)
    messages.success(request, f"“{entry.question}” removed from the FAQ.")
    return redirect("public:faq-list", slug=slug)
