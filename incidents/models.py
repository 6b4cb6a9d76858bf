from datetime import date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from incidents.readers import Language
from portal.lib.transitions import Transitions
from portal.lib.us_states import PLACES


class DataType(models.Model):
    """A kind of personal information that can be exposed (catalog, seeded by migration)."""

    key = models.SlugField(max_length=50, unique=True)
    label = models.CharField(max_length=100, unique=True)
    description = models.TextField(help_text="Plain language, as a parent would read it in a letter.")
    is_government_id = models.BooleanField(default=False)
    is_medical = models.BooleanField(default=False)
    is_financial = models.BooleanField(default=False)
    is_education_record = models.BooleanField(default=False)
    is_ssn = models.BooleanField(default=False)
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "label"]

    def __str__(self) -> str:
        return self.label


def default_time_zone() -> str:
    return settings.TIME_ZONE


class OrganisationType(models.TextChoices):
    SCHOOL_DISTRICT = "school_district", "School district"
    HEALTH_CARE = "health_care", "Health care provider or plan (HIPAA covered entity)"
    GOVERNMENT = "government", "Other government body"
    BUSINESS = "business", "Business"
    NONPROFIT = "nonprofit", "Nonprofit"
    FINANCIAL_INSTITUTION = "financial_institution", "Non-bank financial institution (FTC Safeguards Rule)"
    HEALTH_APP = (
        "health_app",
        "Vendor of personal health records or a health app (FTC Health Breach Notification Rule)",
    )


class IncidentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    INVESTIGATING = "investigating", "Investigating"
    NOTIFYING = "notifying", "Notifying"
    CLOSED = "closed", "Closed"


class Incident(models.Model):
    Status = IncidentStatus
    TRANSITIONS = Transitions(
        "incident",
        IncidentStatus,
        {
            IncidentStatus.DRAFT: (IncidentStatus.INVESTIGATING, IncidentStatus.NOTIFYING),
            IncidentStatus.INVESTIGATING: (IncidentStatus.NOTIFYING, IncidentStatus.DRAFT),
            IncidentStatus.NOTIFYING: (IncidentStatus.CLOSED,),
            IncidentStatus.CLOSED: (IncidentStatus.NOTIFYING,),
        },
    )

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200)
    organisation_type = models.CharField(
        max_length=30,
        choices=OrganisationType.choices,
        default=OrganisationType.SCHOOL_DISTRICT,
        help_text="Which notification laws apply depends on it (for example HIPAA only for a covered entity).",
    )
    organisation_state = models.CharField(
        max_length=2,
        blank=True,
        choices=PLACES,
        help_text="Where the organisation is: school and public-body laws bind by it, not by where people live.",
    )
    status = models.CharField(max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.DRAFT)

    occurred_on = models.DateField(null=True, blank=True)
    discovered_on = models.DateField()
    contained_on = models.DateField(null=True, blank=True)
    notice_on = models.DateField(null=True, blank=True)
    target_on = models.DateField(
        null=True, blank=True, help_text="The date the managers work toward where the law gives no fixed date."
    )

    # Notice sections, in the order of the founding notice.
    what_happened = models.TextField(blank=True)
    what_information = models.TextField(blank=True)
    what_we_are_doing = models.TextField(blank=True)
    what_you_can_do = models.TextField(blank=True)
    for_more_information = models.TextField(blank=True)
    # The same texts in Spanish, for Spanish letters and the Spanish public notice; a Spanish letter is
    # refused while a section written in English has no Spanish beside it (never filled with English).
    title_es = models.CharField(max_length=200, blank=True)
    what_happened_es = models.TextField(blank=True)
    what_information_es = models.TextField(blank=True)
    what_we_are_doing_es = models.TextField(blank=True)
    what_you_can_do_es = models.TextField(blank=True)
    for_more_information_es = models.TextField(blank=True)
    hotline_hours_es = models.CharField(max_length=100, blank=True)

    hotline_phone = models.CharField(max_length=20, blank=True)
    hotline_hours = models.CharField(max_length=100, blank=True)
    hotline_time_zone = models.CharField(max_length=64, default=default_time_zone)
    # The same hours, for the agents' workspace to know when the line is open.
    hotline_days = models.CharField(
        max_length=7, blank=True, default="01234", help_text="Weekdays the line is open, Monday = 0."
    )
    hotline_opens_at = models.TimeField(null=True, blank=True)
    hotline_closes_at = models.TimeField(null=True, blank=True)
    contact_email = models.EmailField(blank=True)
    detected_how = models.TextField(blank=True, help_text="How the incident was detected, for regulators' reports.")
    cause = models.TextField(blank=True, help_text="What caused it, for regulators' reports.")
    records_from = models.DateField(null=True, blank=True, help_text="The earliest date the exposed records cover.")
    records_to = models.DateField(null=True, blank=True, help_text="The latest date the exposed records cover.")
    law_enforcement_notified_on = models.DateField(null=True, blank=True)
    ferpa_party = models.CharField(
        max_length=300,
        blank=True,
        help_text="For the FERPA record of disclosure: who received the students' records.",
    )
    ferpa_description = models.CharField(
        max_length=500,
        blank=True,
        help_text="For the FERPA record of disclosure: what was disclosed, and how.",
    )
    obligation_digest_on = models.DateField(
        null=True, blank=True, help_text="The last day the managers were sent the digest of obligations due."
    )
    notice_published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the public notice page went up; empty while it is not published."
    )
    closed_at = models.DateTimeField(null=True, blank=True, help_text="When the incident was closed.")
    purged_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When its personal data was deleted (purge_incident); counts and trail stay.",
    )
    return_address = models.TextField(
        blank=True, help_text="The sender block printed in the envelope's upper window, one line per line."
    )
    letter_logo = models.FileField(upload_to="logos/", max_length=300, blank=True)
    data_types = models.ManyToManyField(DataType, blank=True, related_name="incidents")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    NOTICE_SECTIONS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("what_happened", "What happened"),
        ("what_information", "What information was involved"),
        ("what_we_are_doing", "What we are doing"),
        ("what_you_can_do", "What you can do"),
        ("for_more_information", "For more information"),
    )

    class Meta:
        ordering = ["-discovered_on", "title"]

    def __str__(self) -> str:
        return self.title

    def allowed_statuses(self) -> tuple[str, ...]:
        return tuple(self.TRANSITIONS.table[self.status])

    SPANISH_SECTION_LABELS: ClassVar[dict[str, str]] = {
        "what_happened": "Qué sucedió",
        "what_information": "Qué información se vio afectada",
        "what_we_are_doing": "Qué estamos haciendo",
        "what_you_can_do": "Qué puede hacer usted",
        "for_more_information": "Más información",
    }
    # The texts an incident contributes to letters and notices, each with its Spanish field.
    TRANSLATED: ClassVar[tuple[tuple[str, str], ...]] = (
        *NOTICE_SECTIONS,
        ("hotline_hours", "Hotline hours"),
    )

    def notice_sections(self, language: str = "en") -> list[tuple[str, str]]:
        if language == Language.SPANISH:
            return [(self.SPANISH_SECTION_LABELS[f], getattr(self, f"{f}_es")) for f, _label in self.NOTICE_SECTIONS]
        return [(label, getattr(self, field)) for field, label in self.NOTICE_SECTIONS]

    def text(self, field: str, language: str) -> str:
        """One of the TRANSLATED texts (or the title) in `language` (English unless Spanish)."""
        return str(getattr(self, f"{field}_es" if language == Language.SPANISH else field))

    def missing_spanish(self) -> list[str]:
        """The English names of the texts written in English that have no Spanish version."""
        return [
            label
            for field, label in self.TRANSLATED
            if getattr(self, field).strip() and not self.text(field, "es").strip()
        ]

    @property
    def has_spanish_notice(self) -> bool:
        """Every text written in English has its Spanish, and at least one section is written."""
        return not self.missing_spanish() and any(text.strip() for _label, text in self.notice_sections("es"))

    @property
    def notice_is_published(self) -> bool:
        return self.notice_published_at is not None

    def hotline_is_open(self, moment: datetime) -> bool | None:
        """Whether the hotline is staffed at `moment`; None when its hours are not set."""
        if self.hotline_opens_at is None or self.hotline_closes_at is None:
            return None
        local = moment.astimezone(ZoneInfo(self.hotline_time_zone))
        return str(local.weekday()) in self.hotline_days and (
            self.hotline_opens_at <= local.time().replace(tzinfo=None) < self.hotline_closes_at
        )

    def purge_due_on(self) -> date | None:
        """The day its personal data may be deleted: PURGE_AFTER_DAYS after it was closed."""
        if self.closed_at is None:
            return None
        return timezone.localdate(self.closed_at) + timedelta(days=settings.PURGE_AFTER_DAYS)

    def minor_cutoff(self) -> date:
        """People born after this date were under 18 on the notice date (or today)."""
        ref = self.notice_on or timezone.localdate()
        try:
            return ref.replace(year=ref.year - 18)
        except ValueError:  # 29 February
            return ref.replace(year=ref.year - 18, day=28)


class IncidentFigures(models.Model):
    """The incident's people figures, counted when the people change rather than on every view.

    Actions that change people, recipients or the notice date call `incidents.figures.changed`, which
    raises `version`; the count (inline after an import, by a worker otherwise) records the version it
    reflects in `counted_version`, and never overwrites a later count with an earlier one.
    """

    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, primary_key=True, related_name="figures")
    people = models.JSONField(default=dict)
    version = models.PositiveIntegerField(default=0)
    counted_version = models.PositiveIntegerField(default=0)
    counted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Figures of incident {self.incident_id}"


class ExportStatus(models.TextChoices):
    AWAITING = "awaiting", "Waiting for a second person's approval"
    READY = "ready", "Ready to download"
    DOWNLOADED = "downloaded", "Downloaded"
    REFUSED = "refused", "Refused"


class Export(models.Model):
    """One file of personal data asked for by one person, for a stated reason: generated when its link is
    used, once, before the link expires, and marked inside with `public_id` so that a copy found later
    leads back here and to the person in the audit trail."""

    Status = ExportStatus
    # A file is asked for awaiting a second person, or ready at once (small enough, within the daily limit).
    TRANSITIONS = Transitions(
        "export",
        ExportStatus,
        {
            ExportStatus.AWAITING: (ExportStatus.READY, ExportStatus.REFUSED),
            ExportStatus.READY: (ExportStatus.DOWNLOADED,),
            ExportStatus.DOWNLOADED: (ExportStatus.READY,),  # the file could not be made: the link works again
            ExportStatus.REFUSED: (),
        },
        starts=(ExportStatus.AWAITING, ExportStatus.READY),
    )

    public_id = models.CharField(max_length=20, unique=True)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="exports")
    kind = models.CharField(max_length=30)
    subject = models.JSONField(default=dict, help_text="Which batch, import or letter (ids, never personal data).")
    title = models.CharField(max_length=200)
    reason = models.TextField()
    rows = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=ExportStatus.choices)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["incident", "-requested_at"], name="export_incident_recent"),
            models.Index(fields=["incident"], condition=Q(status="awaiting"), name="export_awaiting"),
        ]

    def __str__(self) -> str:
        return self.public_id

    @property
    def is_expired(self) -> bool:
        return self.status == ExportStatus.READY and self.expires_at is not None and self.expires_at <= timezone.now()

    def label(self, user_label: str) -> str:
        """The line each exported file carries."""
        return f"Export {self.public_id} for {user_label}, {timezone.localtime():%Y-%m-%d %H:%M %Z}"


class Role(models.TextChoices):
    MANAGER = "manager", "Incident manager"
    AGENT = "agent", "Call agent"
    MAIL_ADMIN = "mail_admin", "Mail administrator"
    AUDITOR = "auditor", "Auditor"


class Membership(models.Model):
    """A role a user holds on one incident. One row per (user, incident, role)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "accounts_membership"
        constraints = [
            models.UniqueConstraint(fields=["user", "incident", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["incident", "role"], name="membership_incident_role")]
        ordering = ["user__username", "role"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.role} on {self.incident_id}"
