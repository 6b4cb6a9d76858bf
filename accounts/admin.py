from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts import actions
from accounts.access import signed_in_user
from accounts.models import User
from audit.adminlog import AuditedAdmin


@admin.register(User)
class PortalUserAdmin(AuditedAdmin, UserAdmin):
    audit_noun = "user"
    actions = ["end_sessions", "reset_second_factor"]
    readonly_fields = ("sessions_ended_at",)

    @admin.action(description="End their sessions now")
    def end_sessions(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            actions.end_sessions(signed_in_user(request), user)
        self.message_user(request, f"Sessions ended for {queryset.count()} user(s).", messages.SUCCESS)

    @admin.action(description="Reset their second factor (they set up a new authenticator at next sign-in)")
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            actions.reset_second_factor(signed_in_user(request), user)
        self.message_user(request, f"Second factor reset for {queryset.count()} user(s).", messages.SUCCESS)
