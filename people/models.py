from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from incidents.models import DataType, Incident
from incidents.readers import Language, Relationship
from portal.lib import refcode
from portal.lib.sealed_fields import LookupKeyField, SealedCharField, SealedDateField
from portal.lib.transitions import Transitions


def new_reference_code() -> str:
    return refcode.generate()


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
        db_table = "incidents_individual"
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "external_id_key"],
                condition=~Q(external_id_key=""),
                name="individual_unique_external_id",
            ),
        ]
        indexes = [
            models.Index(fields=["incident", "last_name_key", "first_name_key"], name="individual_name_key"),
            # On PostgreSQL it carries each person's id and surname (people 0003): "last name and date of birth"
            # checks the people born that day from it alone.
            models.Index(fields=["incident", "date_of_birth_key"], name="individual_dob"),
            # PostgreSQL also holds individual_surname_by_id, a person's surname by id (people 0002).
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
        db_table = "incidents_exposure"
        constraints = [
            models.UniqueConstraint(fields=["individual", "data_type"], name="exposure_unique"),
        ]
        indexes = [models.Index(fields=["incident", "data_type"], name="exposure_incident_type")]

    def __str__(self) -> str:
        return f"Exposure #{self.pk}"


class Recipient(models.Model):
    """Whom a letter about an individual goes to, with the reference code printed on it."""

    # Foreign keys without database constraints: see Individual.incident.
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="recipients", db_index=False, db_constraint=False
    )
    # Its index carries, on PostgreSQL, the recipient's id, incident and surname (people 0003): the people born on
    # a day are matched to their recipients' surnames without reading the table. Django's introspection then
    # sees four columns: a migration that changes this field's index must drop it by name, as 0003 does.
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
        db_table = "incidents_recipient"
        constraints = [models.UniqueConstraint(fields=["reference_code"], name="recipient_unique_reference_code")]
        indexes = [
            models.Index(fields=["incident", "name_key"], name="recipient_name_key"),
            models.Index(fields=["incident", "last_name_key"], name="recipient_last_name_key"),
            # The surname rides along, so "last name and ZIP code" is answered from this index alone. On PostgreSQL
            # it also carries the ids (people 0002), so the misspelt-surname search ranks a ZIP code's recipients
            # from it.
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
    # Until it is imported or discarded a file may be read again from another header row (back to
    # uploaded, from uploaded too: its columns change) and checked again; a failed import is tried again.
    TRANSITIONS = Transitions(
        "import",
        ImportStatus,
        {
            ImportStatus.UPLOADED: (ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.DISCARDED),
            ImportStatus.VALIDATING: (ImportStatus.VALIDATED, ImportStatus.FAILED),
            ImportStatus.VALIDATED: (
                ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.IMPORTING, ImportStatus.DISCARDED,
            ),
            ImportStatus.IMPORTING: (ImportStatus.IMPORTED, ImportStatus.FAILED),
            ImportStatus.IMPORTED: (),
            ImportStatus.FAILED: (
                ImportStatus.UPLOADED, ImportStatus.VALIDATING, ImportStatus.IMPORTING, ImportStatus.DISCARDED,
            ),
            ImportStatus.DISCARDED: (),
        },
    )  # fmt: skip

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
        db_table = "incidents_importjob"
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

    class Meta:
        db_table = "incidents_importrow"

    def __str__(self) -> str:
        return f"Staged row {self.row_number} of import #{self.job_id}"
