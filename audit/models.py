from django.conf import settings
from django.db import models

from portal.lib.transitions import Transitions

# Events that mark an incident's course, which its timeline lists (through their own partial index,
# so that calls and lookups, by far the most events, are never read for it).
MILESTONES = (
    "incident.created",
    "incident.status_changed",
    "import.completed",
    "letter_batch.created",
    "letter_batch.rendered",
    "letter_batch.approved",
    "letter_batch.mailed",
    "mail.returned",
    "obligation.added",
    "obligation.done",
    "obligation.not_notifying",
    "notice.published",
    "notice.unpublished",
    "notice.update_added",
    "incident.purged",
)


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
            models.Index(
                fields=["incident_id", "-id"], condition=models.Q(action__in=MILESTONES), name="audit_milestones"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"


class TrailCheckStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Checking"
    PASSED = "passed", "Intact"
    FAILED = "failed", "Broken"
    ERROR = "error", "Stopped with an error"


class TrailCheck(models.Model):
    """One run of the hash-chain check in the background, with its progress and result.

    Checks cover the whole trail up to `up_to_id`, the newest event when the
    check was asked for; events written meanwhile wait for the next check.
    """

    Status = TrailCheckStatus
    FINISHED = (TrailCheckStatus.PASSED, TrailCheckStatus.FAILED, TrailCheckStatus.ERROR)
    # A run takes a queued check, or takes over a running one whose worker went silent (running again).
    TRANSITIONS = Transitions(
        "trail check",
        TrailCheckStatus,
        {
            TrailCheckStatus.QUEUED: (TrailCheckStatus.RUNNING,),
            TrailCheckStatus.RUNNING: (
                TrailCheckStatus.RUNNING, TrailCheckStatus.PASSED, TrailCheckStatus.FAILED, TrailCheckStatus.ERROR,
            ),
            TrailCheckStatus.PASSED: (),
            TrailCheckStatus.FAILED: (),
            TrailCheckStatus.ERROR: (),
        },
    )  # fmt: skip

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=TrailCheckStatus.choices, default=TrailCheckStatus.QUEUED)
    up_to_id = models.BigIntegerField(default=0)
    checked = models.BigIntegerField(default=0)
    last_checked_id = models.BigIntegerField(default=0)
    claim = models.CharField(max_length=64, blank=True, help_text="The task run that holds this check.")
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    broken_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    head_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status"], name="trailcheck_status")]

    def __str__(self) -> str:
        return f"Trail check #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED
