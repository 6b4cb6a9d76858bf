"""Letters: templates with variants, batches of mail pieces, and each piece's fate.

A batch moves draft -> rendering -> rendered -> approved -> exported -> mailed.
Rendering may also end in `blocked` (some letters failed: the reasons are on
the letters, and a re-render after a template fix tries again).
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from incidents.models import DataType, Incident
from incidents.readers import Language, Relationship
from people.models import Recipient
from portal.lib.transitions import Transitions


class LetterTemplate(models.Model):
    """One variant of an incident's letter: a body and the recipients it fits.

    Empty conditions match everyone. A recipient gets the active variant whose
    conditions all hold and that names the most of them; ties go to the lower
    position.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="letter_templates")
    name = models.CharField(max_length=100)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    relationship = models.CharField(
        max_length=20, choices=Relationship.choices, blank=True, help_text="Empty: any relationship."
    )
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter code; empty: any state.")
    data_type = models.ForeignKey(
        DataType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Only for people with this type of data exposed; empty: anyone.",
    )
    body = models.TextField()
    # What the author wrote, when the variant is written as letter text (notifications/letters/lettertext.py):
    # `body` is then compiled from it on each save. Empty: the body is written in the template language.
    text = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=100)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["incident", "name"], name="letter_template_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def specificity(self) -> int:
        return sum(1 for condition in (self.relationship, self.state, self.data_type_id) if condition) + 1

    def conditions(self) -> list[str]:
        shown = [self.get_language_display()]
        if self.relationship:
            shown.append(self.get_relationship_display())
        if self.state:
            shown.append(f"state {self.state}")
        if self.data_type_id:
            shown.append(f"with {self.data_type}")
        return shown


class BatchStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RENDERING = "rendering", "Rendering"
    BLOCKED = "blocked", "Blocked"
    RENDERED = "rendered", "Rendered"
    APPROVED = "approved", "Approved"
    EXPORTED = "exported", "Exported"
    MAILED = "mailed", "Mailed"


class LetterBatch(models.Model):
    Status = BatchStatus
    # Which status may follow which; `actions.move_batch` moves a batch only along these. Exporting an exported or
    # mailed batch again is a download, not a move.
    TRANSITIONS = Transitions(
        "letter batch",
        BatchStatus,
        {
            BatchStatus.DRAFT: (BatchStatus.RENDERING,),
            BatchStatus.RENDERING: (BatchStatus.RENDERED, BatchStatus.BLOCKED),
            BatchStatus.BLOCKED: (BatchStatus.RENDERING,),
            BatchStatus.RENDERED: (BatchStatus.RENDERING, BatchStatus.APPROVED),
            BatchStatus.APPROVED: (BatchStatus.EXPORTED,),
            BatchStatus.EXPORTED: (BatchStatus.MAILED,),
            BatchStatus.MAILED: (),
        },
    )

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="letter_batches")
    name = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    selection = models.JSONField(default=dict, help_text="The filters that chose the recipients, for the record.")
    is_remail = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    mailed_on = models.DateField(null=True, blank=True)
    letters_dated_on = models.DateField(
        null=True, blank=True, help_text="The date printed on its letters, when the manager chose the mail date."
    )
    # Progress, kept by the workers with F() updates.
    render_round = models.PositiveIntegerField(default=0)
    render_started_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    letters_total = models.PositiveIntegerField(default=0)
    letters_rendered = models.PositiveIntegerField(default=0)
    letters_failed = models.PositiveIntegerField(default=0)
    pages_total = models.PositiveIntegerField(default=0)
    assembly_claim = models.CharField(max_length=64, blank=True)
    assembly_beat_at = models.DateTimeField(null=True, blank=True, help_text="The last word from the assembly.")
    worker_stopped_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweep handed a stopped worker's part of the batch to another."
    )
    # Output: [{"name": storage name, "letters": n, "pages": n, "sha256": hex}], then the mail file.
    parts = models.JSONField(default=list)
    # The print parts a run is writing: {"3": when it began}. Another run leaves such a part alone until its
    # writer has been silent for CLAIM_SILENCE_SECONDS (jobs.assemble_part); emptied with each render round.
    parts_writing = models.JSONField(default=dict, blank=True)
    manifest = models.FileField(upload_to="letters/", max_length=300, blank=True)
    checksums = models.FileField(upload_to="letters/", max_length=300, blank=True)
    returned_count = models.PositiveIntegerField(default=0)
    # The proof of the current render round (notifications/letters/proof.py): its PDF, its pages as images,
    # what each proof letter is and the names or addresses that look wrong; empty until it is made.
    proof = models.JSONField(default=dict, blank=True)
    proof_claimed_at = models.DateTimeField(null=True, blank=True)  # a worker or a request is making the proof

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["incident", "-created_at"], name="letterbatch_incident_recent")]

    def __str__(self) -> str:
        return self.name

    @property
    def letters_done(self) -> int:
        return self.letters_rendered + self.letters_failed

    @property
    def percent(self) -> int:
        if not self.letters_total:
            return 0
        return min(100, self.letters_done * 100 // self.letters_total)

    def letter_date(self) -> date | None:
        """The date its letters print: the date chosen for the batch, else the incident's notice date."""
        return self.letters_dated_on or self.incident.notice_on

    @property
    def is_rendering(self) -> bool:
        return self.status == BatchStatus.RENDERING

    @property
    def has_proof(self) -> bool:
        """A proof made from this round's letters (a re-render makes the old one stale)."""
        return bool(self.proof) and self.proof.get("round") == self.render_round


class ProofOpening(models.Model):
    """A user opened a batch's proof of one render round: a mail administrator approves only after this."""

    batch = models.ForeignKey(LetterBatch, on_delete=models.CASCADE, related_name="proof_openings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    render_round = models.PositiveIntegerField()
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["batch", "user", "render_round"], name="proof_opening_unique")]

    def __str__(self) -> str:
        return f"Proof of batch {self.batch_id} opened"


class LetterStatus(models.TextChoices):
    PENDING = "pending", "Waiting to render"
    RENDERED = "rendered", "Rendered"
    FAILED = "failed", "Failed"


class ReturnReason(models.TextChoices):
    ATTEMPTED_NOT_KNOWN = "attempted_not_known", "Attempted, not known"
    MOVED_NO_ADDRESS = "moved_no_address", "Moved, left no address"
    INSUFFICIENT_ADDRESS = "insufficient_address", "Insufficient address"
    REFUSED = "refused", "Refused"
    VACANT = "vacant", "Vacant"
    NO_SUCH_NUMBER = "no_such_number", "No such number"


class Letter(models.Model):
    """One mail piece to one recipient in one batch."""

    Status = LetterStatus
    # Letters move in sets (`actions.move_letters`): a render chunk settles its letters, a re-render sends them all
    # back. Mailed and returned are dates on the letter, not statuses: a rendered letter is mailed with its batch.
    TRANSITIONS = Transitions(
        "letter",
        LetterStatus,
        {
            LetterStatus.PENDING: (LetterStatus.RENDERED, LetterStatus.FAILED),
            LetterStatus.RENDERED: (LetterStatus.PENDING,),
            LetterStatus.FAILED: (LetterStatus.PENDING,),
        },
    )
    MAX_ATTEMPTS = 3

    batch = models.ForeignKey(LetterBatch, on_delete=models.CASCADE, related_name="letters", db_index=False)
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    # Indexed by letter_recipient below (the FK's own index would be a second one, kept up by every write).
    recipient = models.ForeignKey(
        Recipient, on_delete=models.PROTECT, related_name="letters", db_constraint=False, db_index=False
    )
    sequence = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=LetterStatus.choices, default=LetterStatus.PENDING)
    template = models.ForeignKey(LetterTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True, help_text="Why it failed, without personal data.")
    # Where the rendered pages are: the chunk file while rendering, the print part after assembly.
    chunk = models.CharField(max_length=300, blank=True)
    chunk_first_page = models.PositiveIntegerField(default=0)
    page_count = models.PositiveSmallIntegerField(default=0)
    part_number = models.PositiveIntegerField(null=True, blank=True)
    part_first_page = models.PositiveIntegerField(null=True, blank=True)
    mailed_on = models.DateField(null=True, blank=True)
    returned_on = models.DateField(null=True, blank=True)
    return_reason = models.CharField(max_length=30, choices=ReturnReason.choices, blank=True)

    class Meta:
        ordering = ["batch", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "sequence"], name="letter_unique_sequence"),
            models.UniqueConstraint(fields=["batch", "recipient"], name="letter_unique_recipient"),
        ]
        indexes = [
            models.Index(fields=["batch", "status"], name="letter_batch_status"),
            models.Index(fields=["recipient"], name="letter_recipient"),
        ]

    def __str__(self) -> str:
        return f"Letter {self.sequence} of batch {self.batch_id}"

    @classmethod
    def returned(cls) -> Q:
        return Q(returned_on__isnull=False)
