"""State changes on staff accounts. Each is atomic and audited."""

from django.contrib.auth.models import Permission
from django.db import transaction

from accounts.models import User
from audit import api as audit


@transaction.atomic
def create_user(
    actor: User | None,
    username: str,
    password: str,
    *,
    email: str = "",
    superuser: bool = False,
    can_create_incidents: bool = False,
) -> User:
    """A staff account; roles on incidents come from memberships."""
    user = User.objects.create_user(username=username, email=email, password=password)
    if superuser:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    if can_create_incidents:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="incidents", codename="add_incident"))
    audit.record(
        "user.created",
        actor=actor,
        target=user,
        details={"username": username, "superuser": superuser, "can_create_incidents": can_create_incidents},
    )
    return user
