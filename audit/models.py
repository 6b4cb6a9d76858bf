from django.db import models


class AuditEvent(models.Model):
    """One append-only entry of the audit trail.

    Actor and incident are plain ids, not foreign keys: a row must never be
    touched again, so no cascade or SET NULL may reach it. `actor_label`
    keeps the username as it was when the event happened.
    """

    occurred_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    incident_id = models.BigIntegerField(null=True, blank=True)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64, unique=True)  # two rows linking to one would be a fork
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["incident_id", "-id"], name="audit_incident_recent"),
            models.Index(fields=["actor_label", "-id"], name="audit_actor_recent"),
            models.Index(fields=["action", "-id"], name="audit_action_recent"),
            models.Index(fields=["occurred_at"], name="audit_occurred_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"
