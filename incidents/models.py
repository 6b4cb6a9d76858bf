from datetime import date, datetime, timedelta
from typing import ClassVar
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from portal.lib import refcode
from portal.lib.sealed_fields import LookupKeyField, SealedCharField, SealedDateField


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


class IncidentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    INVESTIGATING = "investigating", "Investigating"
    NOTIFYING = "notifying", "Notifying"
    CLOSED = "closed", "Closed"


class Incident(models.Model):
    Status = IncidentStatus
    TRANSITIONS: ClassVar[dict[str, tuple[str, ...]]] = {
        IncidentStatus.DRAFT: (IncidentStatus.INVESTIGATING,),
        IncidentStatus.INVESTIGATING: (IncidentStatus.NOTIFYING, IncidentStatus.DRAFT),
        IncidentStatus.NOTIFYING: (IncidentStatus.CLOSED,),
        IncidentStatus.CLOSED: (IncidentStatus.NOTIFYING,),
    }

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=200)
    organisation_name = models.CharField(max_length=200)
    organisation_type = models.CharField(
        max_length=20,
        choices=OrganisationType.choices,
        default=OrganisationType.SCHOOL_DISTRICT,
        help_text="Which notification laws apply depends on it (for example HIPAA only for a covered entity).",
    )
    status = models.CharField(max_length=20, choices=IncidentStatus.choices, default=IncidentStatus.DRAFT)

    occurred_on = models.DateField(null=True, blank=True)
    discovered_on = models.DateField()
    contained_on = models.DateField(null=True, blank=True)
    notice_on = models.DateField(null=True, blank=True)

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
        return self.TRANSITIONS[self.status]

    def can_move_to(self, status: str) -> bool:
        return status in self.allowed_statuses()

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


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    SPANISH = "es", "Spanish"


class Individual(models.Model):
    """A person whose data was exposed in one incident."""

    # Bulk-written rows (people, recipients, exposures) carry their foreign keys
    # without a database constraint or an index of their own: PostgreSQL checks
    # a constraint row by row, locking the parent each time, which would make a
    # million-row import take minutes. Deletion rules hold in the ORM (PROTECT,
    # CASCADE); the import writes ids it created in the same transaction, and
    # the composite indexes below lead with the incident.
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="individuals", db_index=False, db_constraint=False
    )
    # The external ID and the date of birth are sealed (portal.lib.sealed_fields); their lookup keys find them.
    external_id = SealedCharField(
        kind="external_id", max_length=64, blank=True, help_text="For example the state student ID."
    )
    external_id_key = LookupKeyField(source="external_id")
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    suffix = models.CharField(max_length=20, blank=True)
    date_of_birth = SealedDateField(kind="date_of_birth", null=True, blank=True)
    date_of_birth_key = LookupKeyField(source="date_of_birth")
    is_deceased = models.BooleanField(default=False)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    last_name_key = models.CharField(max_length=100)
    first_name_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "external_id_key"],
                condition=~Q(external_id_key=""),
                name="individual_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["incident", "last_name_key", "first_name_key"], name="individual_name_key"),
            models.Index(fields=["incident", "date_of_birth_key"], name="individual_dob"),
        ]

    def __str__(self) -> str:
        return f"Individual #{self.pk}"

    @property
    def full_name(self) -> str:
        parts = (self.first_name, self.middle_name, self.last_name, self.suffix)
        return " ".join(part for part in parts if part)


class Exposure(models.Model):
    """One data type of one individual that was exposed. Carries the incident for fast per-incident counts."""

    # Foreign keys without database constraints: see Individual.incident.
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="exposures", db_index=False, db_constraint=False
    )
    individual = models.ForeignKey(
        Individual, on_delete=models.CASCADE, related_name="exposures", db_index=False, db_constraint=False
    )
    data_type = models.ForeignKey(
        DataType, on_delete=models.PROTECT, related_name="exposures", db_index=False, db_constraint=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["individual", "data_type"], name="exposure_unique"),
        ]
        indexes = [models.Index(fields=["incident", "data_type"], name="exposure_incident_type")]

    def __str__(self) -> str:
        return f"Exposure #{self.pk}"


class Relationship(models.TextChoices):
    SELF = "self", "Self"
    PARENT_GUARDIAN = "parent_guardian", "Parent or guardian"
    NEXT_OF_KIN = "next_of_kin", "Next of kin"


def new_reference_code() -> str:
    return refcode.generate()


class Recipient(models.Model):
    """Whom a letter about an individual goes to, with the reference code printed on it."""

    # Foreign keys without database constraints: see Individual.incident.
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="recipients", db_index=False, db_constraint=False
    )
    individual = models.ForeignKey(Individual, on_delete=models.CASCADE, related_name="recipients", db_constraint=False)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    name = models.CharField(max_length=200)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    # Sealed, with lookup keys (see Individual.external_id); the email's key tells a re-import what changed.
    phone = SealedCharField(kind="phone", max_length=20, blank=True, help_text="E.164, for example +15735550100.")
    phone_key = LookupKeyField(source="phone")
    email = SealedCharField(kind="email", max_length=254, blank=True)
    email_key = LookupKeyField(source="email")
    # The parent's or guardian's own contacts, and the next of kin's, as the file had them: sealed like the
    # others. The call center finds a person by any of the three phones (a parent calling from the number the
    # district has on file finds the child); the e-mails' keys tell a re-import what changed.
    guardian_phone = SealedCharField(kind="phone", max_length=20, blank=True)
    guardian_phone_key = LookupKeyField(source="guardian_phone")
    guardian_email = SealedCharField(kind="email", max_length=254, blank=True)
    guardian_email_key = LookupKeyField(source="guardian_email")
    next_of_kin_phone = SealedCharField(kind="phone", max_length=20, blank=True)
    next_of_kin_phone_key = LookupKeyField(source="next_of_kin_phone")
    next_of_kin_email = SealedCharField(kind="email", max_length=254, blank=True)
    next_of_kin_email_key = LookupKeyField(source="next_of_kin_email")
    # Unique by a constraint rather than `unique=True`, which on PostgreSQL adds a second index for LIKE
    # that no query uses and every import maintains.
    reference_code = models.CharField(max_length=refcode.LENGTH, default=new_reference_code)
    address_returned_on = models.DateField(
        null=True, blank=True, help_text="Mail came back from this address; cleared when the address is corrected."
    )
    name_key = models.CharField(max_length=200, blank=True)
    # The last word of the name, so a parent calling about a child is found by surname.
    last_name_key = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["reference_code"], name="recipient_unique_reference_code")]
        indexes = [
            models.Index(fields=["incident", "name_key"], name="recipient_name_key"),
            models.Index(fields=["incident", "last_name_key"], name="recipient_last_name_key"),
            # The surname rides along, so "last name and ZIP code" is answered from this index alone.
            models.Index(fields=["incident", "postal_code", "last_name_key"], name="recipient_postal_name"),
            # The phones' indexes hold only the phones there are (most recipients have one of the three): a
            # lookup names the same condition (callcenter.search), which lets SQLite use them too.
            *(
                models.Index(fields=["incident", f"{phone}_key"], name=name, condition=~Q(**{f"{phone}_key": ""}))
                for phone, name in (
                    ("phone", "recipient_phone"),
                    ("guardian_phone", "recipient_guardian_phone"),
                    ("next_of_kin_phone", "recipient_kin_phone"),
                )
            ),
        ]

    def __str__(self) -> str:
        return f"Recipient #{self.pk}"

    @property
    def reference_code_display(self) -> str:
        return refcode.display(self.reference_code)

    ADDRESS_FIELDS: ClassVar[tuple[str, ...]] = ("address_line1", "address_line2", "city", "state", "postal_code")
    # The phones a caller may be calling from, each sealed with its lookup key.
    PHONE_FIELDS: ClassVar[tuple[str, ...]] = ("phone", "guardian_phone", "next_of_kin_phone")
    _MAILING_FIELDS = ("address_line1", "city", "state", "postal_code")

    @classmethod
    def deliverable(cls) -> Q:
        """Rows a letter can go to: a full mailing address that no letter has come back from."""
        return ~cls.without_mailing_address() & Q(address_returned_on__isnull=True)

    @classmethod
    def without_mailing_address(cls) -> Q:
        """Rows that cannot be mailed and need substitute notice."""
        q = Q()
        for name in cls._MAILING_FIELDS:
            q |= Q(**{name: ""})
        return q

    @property
    def has_mailing_address(self) -> bool:
        return all(getattr(self, name) for name in self._MAILING_FIELDS)


class NoticeUpdate(models.Model):
    """A dated entry in the public notice's update log."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="notice_updates")
    posted_on = models.DateField()
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-posted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.posted_on}: {self.text[:40]}"


class FaqEntry(models.Model):
    """A question callers ask, with the answer agents give and the public notice shows."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="faq_entries")
    question = models.CharField(max_length=300)
    answer = models.TextField()
    sort_order = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.question


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Waiting for its column mapping"
    VALIDATING = "validating", "Checking"
    VALIDATED = "validated", "Checked: waiting for confirmation"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    FAILED = "failed", "Failed"
    DISCARDED = "discarded", "Discarded"


class ImportJob(models.Model):
    """One uploaded file of people and its fate: mapping, dry-run report, import, counts, progress.

    Workers update this row (progress, counts, status) with conditional
    updates; the web reads it.
    """

    Status = ImportStatus
    ACTIVE = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="import_jobs")
    # Empty when the import ran from the command line.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)

    # The file, as uploaded, and how it reads.
    file = models.FileField(upload_to="imports/", max_length=300, blank=True)
    original_name = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    kind = models.CharField(max_length=10)  # "csv" or "xlsx"
    encoding = models.CharField(max_length=20, blank=True)
    encoding_sure = models.BooleanField(default=True)
    delimiter = models.CharField(max_length=1, blank=True)
    header = models.JSONField(default=list)
    # Where the header is (a report's title lines above it are left out), and for a workbook, which sheet.
    header_row = models.PositiveIntegerField(default=1)
    header_found = models.BooleanField(default=False, help_text="The header was found below title lines.")
    sheet = models.CharField(max_length=100, blank=True)
    sheets = models.JSONField(default=list)

    # What the manager confirmed: field key -> column index, and data types for every row.
    mapping = models.JSONField(default=dict)
    file_data_type_ids = models.JSONField(default=list)
    # A minor's letter when the file names two parents: to the first named (False) or to both names.
    letter_to_both_parents = models.BooleanField(default=False)
    minor_cutoff = models.DateField(null=True, blank=True)

    # Progress of the running step (bytes or rows of the file; steps while writing).
    claim = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(default=0)
    validated_at = models.DateTimeField(null=True, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why the job failed, in words the manager can act on.")

    # The dry run's report.
    rows_read = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    duplicates_merged = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    without_address = models.PositiveIntegerField(default=0)
    footer_rows = models.PositiveIntegerField(default=0, help_text="Report lines under the data, left out.")
    first_issues = models.JSONField(default=list)
    # What the import would change for people already in the incident: counts per field, first examples.
    changes = models.JSONField(default=dict)
    error_report = models.FileField(upload_to="imports/", max_length=300, blank=True)

    # The import's outcome.
    individuals_added = models.PositiveIntegerField(default=0)
    individuals_updated = models.PositiveIntegerField(default=0)
    recipients_added = models.PositiveIntegerField(default=0)
    recipients_updated = models.PositiveIntegerField(default=0)
    exposures_added = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["incident", "-created_at"], name="importjob_incident_recent")]

    def __str__(self) -> str:
        return f"Import #{self.pk}"

    @property
    def is_running(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def failed_to_import(self) -> bool:
        """Failed after its check, while writing: the staged rows wait for another try."""
        return self.status == ImportStatus.FAILED and self.validated_at is not None

    @property
    def people(self) -> int:
        """The people the valid rows hold: rows of the same person are merged into one."""
        return max(self.rows_valid - self.duplicates_merged, 0)

    @property
    def individuals_unchanged(self) -> int:
        return max(self.rows_valid - self.duplicates_merged - self.individuals_added - self.individuals_updated, 0)

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)


class ImportRow(models.Model):
    """A checked, normalised row of an import, staged until the manager confirms.

    Written by the dry run (COPY on PostgreSQL), read set-wise by the import,
    then deleted. Only the job index: every other index would slow the load.
    """

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="+", db_constraint=False)
    row_number = models.PositiveIntegerField()
    # "id:<external ID's lookup key>" or "nd:<last>|<first>|<birth date's lookup key>": no identifier in clear.
    match_key = models.TextField()
    external_id = SealedCharField(kind="external_id")
    external_id_key = models.CharField(max_length=22, default="")
    first_name = models.CharField(max_length=100)
    middle_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    suffix = models.CharField(max_length=20)
    last_name_key = models.CharField(max_length=100)
    first_name_key = models.CharField(max_length=100)
    date_of_birth = SealedDateField(kind="date_of_birth", null=True)
    date_of_birth_key = models.CharField(max_length=22, default="")
    is_deceased = models.BooleanField()
    language = models.CharField(max_length=5)
    relationship = models.CharField(max_length=20)
    recipient_name = models.CharField(max_length=200)
    recipient_name_key = models.CharField(max_length=200)
    recipient_last_name_key = models.CharField(max_length=100, default="")
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=2)
    postal_code = models.CharField(max_length=10)
    phone = SealedCharField(kind="phone")
    phone_key = models.CharField(max_length=22, default="")
    email = SealedCharField(kind="email")
    email_key = models.CharField(max_length=22, default="")
    guardian_phone = SealedCharField(kind="phone", default="")
    guardian_phone_key = models.CharField(max_length=22, default="")
    guardian_email = SealedCharField(kind="email", default="")
    guardian_email_key = models.CharField(max_length=22, default="")
    next_of_kin_phone = SealedCharField(kind="phone", default="")
    next_of_kin_phone_key = models.CharField(max_length=22, default="")
    next_of_kin_email = SealedCharField(kind="email", default="")
    next_of_kin_email_key = models.CharField(max_length=22, default="")
    reference_code = models.CharField(max_length=refcode.LENGTH)
    data_type_ids = models.TextField()  # JSON list of DataType ids

    def __str__(self) -> str:
        return f"Staged row {self.row_number} of import #{self.job_id}"


class Obligation(models.Model):
    """A notice owed, as recorded: a rule's obligation once marked done (its key in `rule`; see
    incidents.obligations), or one a manager added (no rule). What the rules derive from the incident's
    facts is computed, not stored, until it is marked done."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="obligations")
    rule = models.CharField(max_length=60, blank=True)
    party = models.CharField(max_length=200)
    notice = models.CharField(max_length=300)
    citation = models.CharField(max_length=100, blank=True)
    due_on = models.DateField(null=True, blank=True)
    due_rule = models.CharField(max_length=200, blank=True)
    done_on = models.DateField(null=True, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    evidence = models.FileField(upload_to="obligations/%Y/", max_length=300, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    # Instead of the notice: a documented decision not to give it (for example after a risk-of-harm
    # assessment), kept for five years.
    not_notifying_reasons = models.TextField(blank=True)
    not_notifying_on = models.DateField(null=True, blank=True)
    not_notifying_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    keep_until = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "party"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "rule"], condition=~Q(rule=""), name="obligation_one_per_rule")
        ]

    def __str__(self) -> str:
        return f"{self.party}: {self.notice}"


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
