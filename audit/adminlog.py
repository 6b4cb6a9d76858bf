"""Django admin changes go into the audit trail as well as admin's own log."""

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest

from audit import api as audit


def _changed_fields(message: Any) -> list[str]:
    """Field labels from admin's change message ([{"changed": {"fields": [...]}}])."""
    if not isinstance(message, list):
        return []
    return [str(f) for part in message for f in part.get("changed", {}).get("fields", [])]


class AuditedAdmin(admin.ModelAdmin):
    """Records additions and changes made in admin; deletion is turned off (deactivate instead)."""

    audit_noun = ""  # e.g. "user" gives user.created / user.changed

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._record(request, "created", obj, [])
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        self._record(request, "changed", obj, _changed_fields(message))
        return super().log_change(request, obj, message)

    def _record(self, request: HttpRequest, verb: str, obj: Model, fields: list[str]) -> None:
        with transaction.atomic():
            audit.record(f"{self.audit_noun}.{verb}", actor=request.user, target=obj, details={"fields": fields})
