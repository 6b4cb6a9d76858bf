from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from incidents.access import can_read_audit_trail


def navigation(request: HttpRequest) -> dict[str, object]:
    """Whether to offer the audit log; asked only when a page shows the navigation."""
    return {"nav_can_audit": SimpleLazyObject(lambda: can_read_audit_trail(request.user))}
