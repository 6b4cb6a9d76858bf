"""Letter batches: made from a selection of recipients, sent to the workers to render, and rendered again after
a template fix."""

from datetime import date

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts.models import User
from incidents.models import Incident
from incidents.readers import Language
from notifications import tasks
from notifications.actions import moves
from notifications.letters import merge, parts, proof, shared_bodies
from notifications.letters.selection import ZIP_ORDER, Selection, recipients_for
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate
from people.models import Recipient
from portal.lib.errors import ActionRefused


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
    sequence = _insert_letters(batch, recipients_for(incident, selection))
    if not sequence:
        raise ActionRefused(
            "No recipient matches: everyone chosen already has a letter, or has no deliverable address."
        )
    batch.letters_total = sequence
    batch.save(update_fields=["letters_total"])
    details = {"letters": sequence, **selection.as_json(), "letters_dated_on": str(batch.letter_date())}
    _start_rendering(actor, batch, "letter_batch.created", details, queue)  # its row records the batch and the move
    return batch


def _insert_letters(batch: LetterBatch, chosen: QuerySet[Recipient]) -> int:
    """A letter of the batch for each of the `chosen` recipients, numbered 1, 2, ... in ZIP order; how many.

    One INSERT ... SELECT: the database numbers the recipients (ROW_NUMBER over ZIP_ORDER) and writes the rows
    itself. Sending the rows from here took 0.4 s for 10,000 letters, before any worker could start on them;
    the statement takes 0.1 s. Every column but the recipient and the sequence takes its field's default."""
    numbered = (
        chosen.order_by()
        .annotate(letter_recipient=F("pk"), letter_sequence=Window(RowNumber(), order_by=[F(f) for f in ZIP_ORDER]))
        .values_list("letter_recipient", "letter_sequence")
    )
    select, select_params = numbered.query.sql_with_params()
    blank = Letter(batch=batch, incident_id=batch.incident_id, recipient_id=0, sequence=0)
    columns, values, params = [], [], []
    for field in (field for field in Letter._meta.concrete_fields if not field.primary_key):
        columns.append(connection.ops.quote_name(field.column))
        if field.name in ("recipient", "sequence"):
            values.append(f"chosen.letter_{field.name}")
        else:  # cast: a NULL of an unknown type is text in PostgreSQL's SELECT list
            values.append(f"CAST(%s AS {field.db_type(connection)})")
            params.append(field.get_db_prep_save(field.pre_save(blank, True), connection))
    table = connection.ops.quote_name(Letter._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608 (names and the ORM's own SQL; values are parameters)
        f"SELECT {', '.join(values)} FROM ({select}) AS chosen"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *select_params])
        return cursor.rowcount


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
