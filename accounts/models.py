from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Staff who sign in. What a user may see is decided per incident by Membership."""

    sessions_ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Sessions signed in before this moment were ended by an administrator."
    )

    class Meta:
        ordering = ["username"]

    def display_name(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    MANAGER = "manager", "Incident manager"
    AGENT = "agent", "Call agent"
    MAIL_ADMIN = "mail_admin", "Mail administrator"
    AUDITOR = "auditor", "Auditor"


class Membership(models.Model):
    """A role a user holds on one incident. One row per (user, incident, role)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "incident", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["incident", "role"], name="membership_incident_role")]
        ordering = ["user__username", "role"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} on {self.incident_id}"


class FieldKeyCheck(models.Model):
    """A fixed text sealed under one field key (or hashed under the lookup key), stored when the key was
    first seen, so that a start with a well-formed but wrong key is refused (accounts/keycheck.py)."""

    key_id = models.CharField(max_length=16, unique=True)
    value = models.TextField()
    recorded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"check value of key {self.key_id}"
