from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from incidents.models import Incident, Role
from people.models import Recipient
from portal.lib.sealed_fields import SealedCharField
from portal.lib.transitions import Transitions


class Disposition(models.Model):
    """How a call ended, as a supervisor counts it. Configurable per incident."""

    DEFAULTS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("confirmed_impacted", "Confirmed impacted"),
        ("not_found", "Not found"),
        ("general_question", "General question"),
        ("address_update", "Address update requested"),
        ("letter_resend", "Letter re-send requested"),
        ("credit_monitoring", "Credit-monitoring help"),
        ("escalated", "Escalated"),
        ("hung_up", "Caller hung up"),
    )

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="dispositions")
    key = models.SlugField(max_length=50, blank=True, help_text="Set on the defaults, which calls pick by key.")
    label = models.CharField(max_length=100)
    is_active = models.BooleanField(default=True, help_text="Offered to agents when they close a call.")
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "label"]
        constraints = [models.UniqueConstraint(fields=["incident", "label"], name="disposition_unique_label")]

    def __str__(self) -> str:
        return self.label


class CallerRelationship(models.TextChoices):
    SELF = "self", "Self"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian"
    OTHER = "other", "Other"


class Verification(models.TextChoices):
    NOT_ATTEMPTED = "not_attempted", "Not attempted"
    UNVERIFIED = "unverified", "Unverified"
    VERIFIED = "verified", "Verified"
    NOT_FOUND = "not_found", "Caller not in the file"


class Call(models.Model):
    """One telephone call taken by an agent, from the first search to its disposition."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls")
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    recipient = models.ForeignKey(
        Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="calls", db_constraint=False
    )
    caller_name = models.CharField(max_length=200, blank=True)
    caller_relationship = models.CharField(max_length=20, choices=CallerRelationship.choices, blank=True)
    verification = models.CharField(max_length=20, choices=Verification.choices, default=Verification.NOT_ATTEMPTED)
    # Names of the points that matched at the last check, e.g. ["reference_code", "zip_code"]; never values.
    verified_points = models.JSONField(default=list)
    failed_checks = models.PositiveSmallIntegerField(default=0)
    disposition = models.ForeignKey(Disposition, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    notes = models.TextField(blank=True)
    tallied_on = models.DateField(
        null=True, blank=True, help_text="The day its tally counts it on (the hotline's day when it started)."
    )

    # After this many failed checks on one person's record within FAILED_CHECKS_WINDOW, on any
    # call, nobody is checked against it: a new call does not give a guesser three more tries.
    MAX_FAILED_CHECKS = 3
    FAILED_CHECKS_WINDOW = timedelta(hours=24)
    # A second start within this time, before any check, is a double submit of the first.
    DOUBLE_SUBMIT = timedelta(seconds=30)
    # A call open longer than this is taken as abandoned: it discloses nothing more.
    DISCLOSURE_WINDOW = timedelta(hours=2)

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["incident", "started_at"], name="call_incident_started"),
            models.Index(fields=["agent", "incident"], condition=Q(ended_at__isnull=True), name="call_open"),
        ]

    def __str__(self) -> str:
        return f"Call #{self.pk}"

    @property
    def duration(self) -> timedelta | None:
        return self.ended_at - self.started_at if self.ended_at else None

    def checks_left(self, now: datetime) -> int:
        """Failed checks this call's record may still take (0: verification is locked)."""
        if self.recipient_id is None or self.is_verified:
            return 0
        since = now - self.FAILED_CHECKS_WINDOW
        recent = Call.objects.filter(recipient_id=self.recipient_id, started_at__gte=since).aggregate(
            n=models.Sum("failed_checks")
        )["n"]
        return max(self.MAX_FAILED_CHECKS - (recent or 0), 0)

    def verification_locked(self, now: datetime) -> bool:
        return self.recipient_id is not None and not self.is_verified and self.checks_left(now) == 0

    def discloses(self, now: datetime) -> bool:
        """Whether the record may be shown in full now: verified, still open and not abandoned."""
        return self.is_verified and self.is_open and now - self.started_at <= self.DISCLOSURE_WINDOW

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def is_verified(self) -> bool:
        return self.verification == Verification.VERIFIED


class EscalationStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class Escalation(models.Model):
    """A call that needs someone else: an owner calls back until it is resolved."""

    Status = EscalationStatus
    TRANSITIONS = Transitions(
        "escalation",
        EscalationStatus,
        {EscalationStatus.OPEN: (EscalationStatus.RESOLVED,), EscalationStatus.RESOLVED: ()},
    )
    # Who may own and work an escalation.
    OWNER_ROLES: ClassVar[frozenset[str]] = frozenset({Role.MANAGER, Role.AGENT})

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="escalations")
    call = models.OneToOneField(Call, on_delete=models.PROTECT, related_name="escalation")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="escalations")
    reason = models.TextField()
    callback_phone = SealedCharField(
        kind="phone", max_length=20, blank=True, help_text="E.164; shown to the owner and managers, not on lists."
    )
    status = models.CharField(max_length=20, choices=EscalationStatus.choices, default=EscalationStatus.OPEN)
    resolution = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["incident", "created_at"], condition=Q(status="open"), name="escalation_open")]

    def __str__(self) -> str:
        return f"Escalation #{self.pk}"


class CallbackOutcome(models.TextChoices):
    REACHED = "reached", "Reached the caller"
    VOICEMAIL = "voicemail", "Left a voicemail"
    NO_ANSWER = "no_answer", "No answer"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class CallbackAttempt(models.Model):
    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="attempts")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=CallbackOutcome.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["made_at"]

    def __str__(self) -> str:
        return f"Callback #{self.pk}"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class AddressChange(models.Model):
    """A new mailing address a verified caller asked for; a manager approves it before it replaces the old one."""

    Status = RequestStatus
    TRANSITIONS = Transitions(
        "address change",
        RequestStatus,
        {
            RequestStatus.PENDING: (RequestStatus.APPROVED, RequestStatus.REJECTED),
            RequestStatus.APPROVED: (),
            RequestStatus.REJECTED: (),
        },
    )

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="address_changes")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="address_changes")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="address_changes")
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10)
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        indexes = [
            models.Index(fields=["incident", "requested_at"], condition=Q(status="pending"), name="address_pending")
        ]
        constraints = [
            # One change waits per recipient: a second request (or a double submit) is refused.
            models.UniqueConstraint(
                fields=["recipient"], condition=Q(status="pending"), name="address_change_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"Address change #{self.pk}"

    ADDRESS_FIELDS = Recipient.ADDRESS_FIELDS


class LetterResend(models.Model):
    """A recipient to include in the next letter batch, asked for on a call.

    `batched_at` is set when a batch takes it.
    """

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="letter_resends")
    recipient = models.ForeignKey(Recipient, on_delete=models.CASCADE, related_name="letter_resends")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="letter_resends")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    batched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            # One waiting request per recipient: asking twice queues the letter once.
            models.UniqueConstraint(
                fields=["recipient"], condition=Q(batched_at__isnull=True), name="letter_resend_one_waiting"
            )
        ]

    def __str__(self) -> str:
        return f"Re-send #{self.pk}"


class CallTally(models.Model):
    """How many calls started on one day, in the hotline's time zone, ended with one disposition (none
    while they are open).

    `start_call` and `close_call` keep it, so the dashboard reads a row per day and disposition
    instead of every call of a busy hotline.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="call_tallies")
    day = models.DateField()
    disposition = models.ForeignKey(Disposition, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    calls = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "day", "disposition"],
                condition=Q(disposition__isnull=False),
                name="calltally_unique_closed",
            ),
            models.UniqueConstraint(
                fields=["incident", "day"], condition=Q(disposition__isnull=True), name="calltally_unique_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.calls}"
