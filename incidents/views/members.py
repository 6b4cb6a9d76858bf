from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.access import signed_in_user
from accounts.views import fresh_code_needed
from incidents import access, actions
from incidents.access import IncidentAccess
from incidents.forms import MembershipForm
from incidents.models import Membership, Role
from portal.lib.refusals import Refused, attempt_on_form, attempt_then_redirect


def member_list(request: HttpRequest, found: IncidentAccess, slug: str) -> HttpResponse:
    form = MembershipForm(request.POST or None)
    if request.method == "POST" and (refused := fresh_code_needed(request)):
        return refused
    if request.method == "POST" and form.is_valid():
        user, role = form.cleaned_data["username"], form.cleaned_data["role"]
        manager = signed_in_user(request)
        added = attempt_on_form(form, lambda: actions.add_member(manager, found.incident, user, role), "role")
        if not isinstance(added, Refused):
            messages.success(request, f"{user.get_username()} added as {Role(role).label}.")
            return redirect("incidents:member-list", slug=slug)
    members = Membership.objects.filter(incident=found.incident).select_related("user")
    context = {"incident": found.incident, "access": found, "members": members, "form": form}
    return render(request, "incidents/member_list.html", context)


def member_remove(request: HttpRequest, found: IncidentAccess, slug: str, membership_id: int) -> HttpResponse:
    membership = access.membership_on(found, membership_id)
    if refused := fresh_code_needed(request):
        return refused
    user = signed_in_user(request)
    return attempt_then_redirect(
        request, lambda: actions.remove_member(user, membership), "incidents:member-list", slug=slug,
        done=f"{membership.user.get_username()} is no longer {membership.get_role_display()}.",
    )  # fmt: skip
