"""Returned mail: reference codes typed or uploaded with their USPS reason."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import signed_in_user
from incidents import access as incident_access
from incidents.models import Role
from notifications import actions
from notifications.forms import ReturnsForm
from notifications.models import Letter, LetterBatch
from portal.lib.errors import ActionRefused

MAIL_ADMIN = {Role.MAIL_ADMIN}


@login_required
def returned_mail(request: HttpRequest, slug: str) -> HttpResponse:
    found = incident_access.incident_for(request.user, slug, need=MAIL_ADMIN)
    form = ReturnsForm(request.POST or None, request.FILES or None, initial={"returned_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            count = actions.record_returns(
                signed_in_user(request), found.incident, form.cleaned_data["pieces"], form.cleaned_data["returned_on"]
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
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
