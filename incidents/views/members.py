from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import signed_in_user
from accounts.views import fresh_code_needed
from incidents import access, actions
from incidents.forms import MembershipForm
from incidents.models import Membership, Role
from portal.lib import errors


@login_required
def member_list(request: HttpRequest, slug: str) -> HttpResponse:
    found = access.incident_for(request.user, slug, need={Role.MANAGER})
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and (refused := fresh_code_needed(request)):
        return refused
    if request.method == "POST" and form.is_valid():
        user, role = form.cleaned_data["username"], form.cleaned_data["role"]
        try:
            actions.add_member(signed_in_user(request), found.incident, user, role)
        except errors.ActionRefused as refusal:
            form.add_error("role", str(refusal))
        else:
            messages.success(request, f"{user.get_username()} added as {Role(role).label}.")
            return redirect("incidents:member-list", slug=slug)
    members = Membership.objects.filter(incident=found.incident).select_related("user")
    context = {"incident": found.incident, "access": found, "members": members, "form": form}
    return render(request, "incidents/member_list.html", context)


@require_POST
@login_required
def member_remove(request: HttpRequest, slug: str, membership_id: int) -> HttpResponse:
    found = access.incident_for(request.user, slug, need={Role.MANAGER})
    membership = access.membership_on(found, membership_id)
    if refused := fresh_code_needed(request):
        return refused
    try:
        actions.remove_member(signed_in_user(request), membership)
    except errors.ActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"{membership.user.get_username()} is no longer {membership.get_role_display()}.")
    return redirect("incidents:member-list", slug=slug)
