"""Returned mail: reference codes typed or uploaded with their USPS reason."""

from django.contrib import messages
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import signed_in_user
from incidents.access import IncidentAccess
from notifications import actions
from notifications.forms import MAX_RETURNS_BYTES, ReturnsForm
from notifications.models import Letter, LetterBatch
from portal.lib import uploads
from portal.lib.refusals import Refused, attempt_on_form


@uploads.limited(lambda: MAX_RETURNS_BYTES)
def returned_mail(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = ReturnsForm(request.POST or None, request.FILES or None, initial={"returned_on": timezone.localdate()})
    uploads.refuse_too_large(request, form, "upload", "a file of returned mail")
    if request.method == "POST" and form.is_valid():
        user, data = signed_in_user(request), form.cleaned_data
        count = attempt_on_form(
            form, lambda: actions.record_returns(user, found.incident, data["pieces"], data["returned_on"])
        )
        if not isinstance(count, Refused):
            messages.success(
                request,
                f"{count} returned letter{'s' if count != 1 else ''} recorded; those addresses are now undeliverable.",
            )
            return redirect("notifications:returned-mail", slug=slug)
    batches = LetterBatch.objects.filter(incident=found.incident)
    context = {
        "incident": found.incident,
        "roles": found.roles,
        "form": form,
        "returned": batches.aggregate(n=Sum("returned_count"))["n"] or 0,
        "remailed": batches.filter(is_remail=True, mailed_on__isnull=False).aggregate(n=Sum("letters_total"))["n"] or 0,
        "recent": Letter.objects.filter(incident=found.incident, returned_on__isnull=False)
        .select_related("batch")
        .order_by("-returned_on", "-pk")[:20],
    }
    return render(request, "notifications/returned_mail.html", context, status=400 if form.errors else 200)
