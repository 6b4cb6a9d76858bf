from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import Membership, Role


def navigation(request: HttpRequest) -> dict[str, object]:
    """Whether to offer the audit log; asked only when a page shows the navigation."""

    def can_audit() -> bool:
        user = request.user
        if not user.is_authenticated:
            return False
        return user.is_superuser or Membership.objects.filter(user_id=user.pk, role=Role.AUDITOR).exists()

    return {"nav_can_audit": SimpleLazyObject(can_audit)}
