"""Letter batches: made from a selection of recipients, sent to the workers to render, and rendered again after
a template fix."""

from collections.abc import Iterator
from datetime import date
from itertools import islice
from typing import Any

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from incidents.models import Incident
from incidents.readers import Language
from notifications import tasks
from notifications.actions import moves
from notifications.letters import merge, parts, proof, shared_bodies
from notifications.letters.selection import Selection, recipients_for
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate
from portal.lib.errors import ActionRefused

_INSERT_ROWS = 5000
_PARAMETERS = 30_000  # per statement: within SQLite's limit of 32,766


@transaction.atomic
def create_batch(
    actor: User | None,
    incident: Incident,
    name: str,
    selection: Selection,
    queue: bool = True,
    letters_dated_on: date | None = None,
) -> LetterBatch:
    """A batch of the selected recipients, in ZIP order, sent to the workers to render
    (unless `queue` is off: the caller renders it with `tasks.run_now`). Its letters are dated
    `letters_dated_on` (the mail date the manager chose) or else the incident's notice date."""
    locked = Incident.objects.select_for_update().get(pk=incident.pk)  # two batches must not take the same people
    if not LetterTemplate.objects.filter(incident=incident, is_active=True).exists():
        raise ActionRefused("This incident has no active letter template: add the standard letters or write one first.")
    if letters_dated_on is None and locked.notice_on is None:
        raise ActionRefused(
            "Letters are dated the incident's notice date, and it has none: set it on the incident's form, "
            "or choose the date to print on this batch's letters."
        )
    _refuse_missing_spanish(locked, selection)
    batch = LetterBatch.objects.create(
        incident=incident,
        name=name,
        selection=selection.as_json(),
        is_remail=selection.remail,
        created_by=actor,
        letters_dated_on=letters_dated_on,
    )
    ids = recipients_for(incident, selection).values_list("pk", flat=True)
    sequence = _insert_letters(batch, ids.iterator(chunk_size=_INSERT_ROWS))
    if not sequence:
        raise ActionRefused(
            "No recipient matches: everyone chosen already has a letter, or has no deliverable address."
        )
    batch.letters_total = sequence
    batch.save(update_fields=["letters_total"])
    details = {"letters": sequence, **selection.as_json(), "letters_dated_on": str(batch.letter_date())}
    _start_rendering(actor, batch, "letter_batch.created", details, queue)  # its row records the batch and the move
    return batch


def _insert_letters(batch: LetterBatch, recipient_ids: Iterator[int]) -> int:
    """The batch's letters, numbered 1, 2, ... in the order given, in statements of _PARAMETERS at most; how many.

    Written out rather than with bulk_create: building and preparing a model instance per letter cost half a
    second of Python for 10,000 letters, while the workers waited, where only the recipient and the sequence
    differ from row to row; every other column takes its field's default, prepared once."""
    fields = [field for field in Letter._meta.concrete_fields if not field.primary_key]
    blank = Letter(batch=batch, incident_id=batch.incident_id, recipient_id=0, sequence=0)
    row = [field.get_db_prep_save(field.pre_save(blank, True), connection) for field in fields]
    names = [field.name for field in fields]
    at_recipient, at_sequence = names.index("recipient"), names.index("sequence")
    table, marks = connection.ops.quote_name(Letter._meta.db_table), "(" + ", ".join(["%s"] * len(row)) + ")"
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    sequence = 0
    with connection.cursor() as cursor:
        while ids := list(islice(recipient_ids, _PARAMETERS // len(row))):
            params: list[Any] = []
            for recipient_id in ids:
                sequence += 1
                row[at_recipient], row[at_sequence] = recipient_id, sequence
                params += row
            values = ", ".join([marks] * len(ids))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values}", params)  # noqa: S608 (names)
    return sequence


def _refuse_missing_spanish(incident: Incident, selection: Selection) -> None:
    """A batch that would print Spanish letters needs every text of the incident in Spanish."""
    missing = incident.missing_spanish()
    if (
        not missing
        or not LetterTemplate.objects.filter(incident=incident, is_active=True, language=Language.SPANISH).exists()
    ):
        return
    if recipients_for(incident, selection).filter(individual__language=Language.SPANISH).exists():
        raise ActionRefused(f"Some of these recipients get the Spanish letter. {merge.MissingTranslation(missing)}")


def _start_rendering(
    actor: User | None, batch: LetterBatch, action: str, details: dict[str, object] | None = None, queue: bool = True
) -> None:
    fresh_round = {
        "render_round": F("render_round") + 1,
        "render_started_at": timezone.now(),
        "rendered_at": None,
        "letters_rendered": 0,
        "letters_failed": 0,
        "pages_total": 0,
        "assembly_claim": "",
        "parts": [],
        "parts_writing": {},
        "manifest": "",
        "checksums": "",
    }
    moves.move_batch(actor, batch, BatchStatus.RENDERING, action, details=details, also=fresh_round)
    batch.refresh_from_db()
    if queue:
        tasks.enqueue_rendering(batch)


@transaction.atomic
def rerender_batch(actor: User, batch: LetterBatch) -> None:
    """Render every letter again (after a template fix): same letters, same sequence numbers."""
    locked = moves.locked_batch(batch)
    if locked.status not in (BatchStatus.BLOCKED, BatchStatus.RENDERED):  # a draft renders once it is made
        raise ActionRefused(f"A batch that is {locked.get_status_display().lower()} cannot be rendered again.")
    old_files = parts.files_of(locked.parts) + [f.name for f in (locked.manifest, locked.checksums) if f]
    old_files += list(Letter.objects.filter(batch=locked).exclude(chunk="").values_list("chunk", flat=True).distinct())
    old_files += proof.files_of(locked.proof) + shared_bodies.every_round(locked.pk, locked.render_round)
    LetterBatch.objects.filter(pk=locked.pk).update(proof={}, proof_claimed_at=None)
    unrendered = {
        "attempts": 0,
        "claim": "",
        "claimed_at": None,
        "reason": "",
        "chunk": "",
        "chunk_first_page": 0,
        "page_count": 0,
        "part_number": None,
        "part_first_page": None,
    }
    moves.move_letters(actor, locked, Letter.objects.filter(batch=locked), LetterStatus.PENDING, also=unrendered)
    _start_rendering(actor, locked, "letter_batch.rerender_requested")
    transaction.on_commit(lambda: [default_storage.delete(name) for name in old_files])  # type: ignore[func-returns-value]
