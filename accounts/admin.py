from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from accounts import actions
from accounts.access import signed_in_user
from accounts.models import User
from accounts.views import fresh_code_needed
from audit.adminlog import AuditedAdmin


@admin.register(User)
class PortalUserAdmin(AuditedAdmin, UserAdmin):
    audit_noun = "user"
    actions = ["end_sessions", "reset_second_factor"]
    readonly_fields = ("sessions_ended_at",)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return self._fresh_code(request) or super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return self._fresh_code(request) or super().changelist_view(request, extra_context)

    def _fresh_code(self, request: HttpRequest) -> HttpResponse | None:
        """Changes to accounts (permissions, superusers, sessions, second factors) take a fresh code."""
        if request.method != "POST":
            return None
        return fresh_code_needed(request, request.get_full_path())

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
