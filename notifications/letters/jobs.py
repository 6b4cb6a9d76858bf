"""Rendering a batch on workers: chunks of letters, print parts as their letters are done, then one finish.

Each chunk claims its pending letters through portal.lib.claims (a claim whose
run has been silent for CLAIM_SILENCE_SECONDS may be taken over; a running
chunk says it is alive from a thread), renders them (maker.py) into one chunk
file and records each letter under its claim, so a chunk that runs twice, or
whose worker was killed, renders every letter once. A chunk that completes a
print part's letters while others still render sends that part to be joined at
once, so the parts are written alongside the rendering rather than after it.
The chunk that leaves no letter pending claims the assembly, which blocks the
batch on failed letters or sends the parts still missing, and the last part
written sends the finish (the mail file); the assembly's steps say they are
alive on the batch's row.

This is where a worker's writes on the rows it claimed live (its letters' pages,
the batch's progress counters, assembly claim and print parts; the proof's marks
are in proof.py): they are the worker's own bookkeeping, not a person's action.
Status moves go through `notifications.actions.move_batch` and `move_letters`,
a worker's as a person's.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import datetime
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from notifications import actions, tasks
from notifications.letters import manifest, parts, shared_bodies
from notifications.letters.maker import LetterMaker, Outcome, data_types_of, maker_for
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from portal.lib import claims

logger = logging.getLogger(__name__)

KEPT_FAILING = "Rendering this letter stopped its worker {n} times; it was set aside so the batch could go on."

CHUNKS = claims.Claims(claim_field="claim", beat_field="claimed_at")  # on each Letter of a chunk
# On the batch: one claim for the whole assembly (the step that sends the parts, each part, the finish), which
# any of its running steps keeps alive; the sweep sends again what is missing once all of them went silent.
ASSEMBLY = claims.Claims(claim_field="assembly_claim", beat_field="assembly_beat_at")


def chunk_ranges(total: int, size: int) -> list[tuple[int, int]]:
    return [(first, min(first + size - 1, total)) for first in range(1, total + 1, size)]


def sending_order(total: int, chunk_size: int, part_size: int) -> list[tuple[int, int]]:
    """The batch's chunks in the order they are sent: in sequence, but with the chunks of the last two print
    parts taken in turn, so that both parts are complete only at the end.

    A part is written once its last letter is rendered. In sequence, the last part was written after the last
    chunk, by one worker, while every other worker had nothing left to do; taken in turn, two workers end the
    batch each writing a part. (Any order renders the same letters: this only moves the waiting.)"""
    ranges = chunk_ranges(total, chunk_size)
    part_of = {(first, last): (last - 1) // part_size for first, last in ranges}  # the part a chunk completes
    last_two = sorted(set(part_of.values()))[-2:]
    if len(last_two) < 2:
        return ranges
    earlier = [r for r in ranges if part_of[r] < last_two[0]]
    one, two = ([r for r in ranges if part_of[r] == part] for part in last_two)
    longer, shorter = (one, two) if len(one) >= len(two) else (two, one)
    lead = len(longer) - len(shorter)  # a short last part's chunks go in among the last of the longer one's
    in_turn = [chunk for pair in zip(longer[lead:], shorter, strict=True) for chunk in pair]
    return earlier + longer[:lead] + in_turn


def claim_letters(batch_id: int, first: int, last: int, token: str) -> int:
    rows = Letter.objects.filter(batch_id=batch_id, sequence__range=(first, last), status=LetterStatus.PENDING)
    return CHUNKS.take(rows, token, attempts=F("attempts") + 1)


def _held_letters(batch_id: int, token: str) -> QuerySet[Letter]:
    return CHUNKS.held(Letter.objects.filter(batch_id=batch_id, status=LetterStatus.PENDING), token)


def _claimed(batch_id: int, token: str) -> list[Letter]:
    return list(
        Letter.objects.filter(batch_id=batch_id, claim=token, status=LetterStatus.PENDING)
        .select_related("recipient__individual")
        .order_by("sequence")
    )


def _chunk_name(batch: LetterBatch, first: int, token: str) -> str:
    return f"{parts.round_folder(batch.pk, batch.render_round)}/chunk-{first:07d}-{token[:8]}.pdf"


def render_chunk(
    batch_id: int,
    render_round: int,
    first: int,
    last: int,
    maker: LetterMaker | None = None,
    assemble_with: Callable[[int, int], None] | None = None,
    part_with: Callable[[int, int, int], None] | None = None,
) -> None:
    """Render the pending letters first..last of a batch that is still in this rendering round.

    The chunk that leaves nothing pending sends the assembly (or runs `assemble_with`); one that completes
    a print part while other letters are pending sends that part (or runs `part_with`)."""
    batch = LetterBatch.objects.filter(pk=batch_id, status=BatchStatus.RENDERING, render_round=render_round).first()
    if batch is None:
        return
    token = claims.new_token()
    if not claim_letters(batch_id, first, last, token):
        return
    with CHUNKS.kept_alive(_held_letters(batch_id, token)):
        letters = _claimed(batch_id, token)
        worn_out = [letter for letter in letters if letter.attempts > Letter.MAX_ATTEMPTS]
        letters = [letter for letter in letters if letter.attempts <= Letter.MAX_ATTEMPTS]
        maker = maker or maker_for(batch.incident)
        # Every other chunk lays out the bodies it needs in the reverse order, so two workers starting together
        # share that work rather than doing it twice (Renderer.lay_out_bodies).
        descending = (first - 1) // settings.LETTER_CHUNK_SIZE % 2 == 1
        store = shared_bodies.SharedBodies(batch_id, render_round)
        outcomes = maker.make_chunk(letters, data_types_of(letters), batch.letter_date(), store, descending)
        outcomes += [Outcome(letter, KEPT_FAILING.format(n=Letter.MAX_ATTEMPTS)) for letter in worn_out]
        _record_chunk(batch, token, first, maker, outcomes)
    if not finish_if_done(batch_id, render_round, assemble_with):
        send_ready_parts(batch_id, render_round, first, last, part_with)


def _record_chunk(batch: LetterBatch, token: str, first: int, maker: LetterMaker, outcomes: list[Outcome]) -> None:
    """Settle the chunk's letters that this run still holds, and count them on the batch.

    The letters move without an audit row of their own: the batch's finishing step records the round's
    letters rendered and failed in its row ("letter_batch.rendered" or "letter_batch.blocked"). A row per
    chunk would take the audit trail's lock thousands of times per batch, one chunk after another."""
    good = [o for o in outcomes if o.document is not None]
    pdf, page_counts = maker.renderer.write(o.document for o in good if o.document is not None)
    name = default_storage.save(_chunk_name(batch, first, token), ContentFile(pdf)) if good else ""
    with transaction.atomic():
        placed = _place_rendered(good, page_counts, token, name)
        held = CHUNKS.held(Letter.objects.filter(pk__in=placed), token)
        rendered = actions.move_letters(None, batch, held, LetterStatus.RENDERED, also={"claim": ""}, audited=False)
        pages = sum(count for o, count in zip(good, page_counts, strict=True) if o.letter.pk in placed)
        failed = _settle_failed(batch, [o for o in outcomes if o.document is None], token)
        LetterBatch.objects.filter(pk=batch.pk).update(
            letters_rendered=F("letters_rendered") + rendered,
            letters_failed=F("letters_failed") + failed,
            pages_total=F("pages_total") + pages,
            worker_stopped_at=None,
        )
    if name and not rendered:  # every letter was taken over by another run
        default_storage.delete(name)


def _place_rendered(good: list[Outcome], page_counts: list[int], token: str, chunk: str) -> set[int]:
    """Write where each rendered letter's pages are, for the letters this run still holds, in one statement;
    the ids it wrote. Their status moves next, as a set (`actions.move_letters`).

    One UPDATE from a VALUES list (PostgreSQL and SQLite 3.35+ alike) rather than one per letter: a chunk's
    hundred round trips and query compilations cost its worker more than its own database work."""
    if not good:
        return set()
    table = connection.ops.quote_name(Letter._meta.db_table)
    rows, params, offset = [], [], 0
    for outcome, count in zip(good, page_counts, strict=True):
        rows.append("(%s, %s, %s, %s)")
        params += [outcome.letter.pk, offset, count, outcome.template_id]
        offset += count
    sql = (
        f"UPDATE {table} SET chunk = %s, "  # noqa: S608 (the table's name; values are parameters)
        "chunk_first_page = CAST(settled.column2 AS INTEGER), page_count = CAST(settled.column3 AS INTEGER), "
        "template_id = CAST(settled.column4 AS INTEGER) "
        f"FROM (VALUES {', '.join(rows)}) AS settled "
        f"WHERE {table}.id = CAST(settled.column1 AS INTEGER) AND {table}.claim = %s AND {table}.status = %s "
        f"RETURNING {table}.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [chunk, *params, token, LetterStatus.PENDING])
        return {row[0] for row in cursor.fetchall()}


def _settle_failed(batch: LetterBatch, failures: list[Outcome], token: str) -> int:
    """Move the failed letters this run still holds, one set per reason (a chunk's failures mostly share one);
    how many moved."""
    by_reason: dict[tuple[str, int | None], list[int]] = defaultdict(list)
    for outcome in failures:
        by_reason[(outcome.reason[:500], outcome.template_id)].append(outcome.letter.pk)
    failed = 0
    for (reason, template_id), ids in by_reason.items():
        held = CHUNKS.held(Letter.objects.filter(pk__in=ids), token)
        why = {"claim": "", "reason": reason, "template_id": template_id}
        failed += actions.move_letters(None, batch, held, LetterStatus.FAILED, also=why, audited=False)
    return failed


def send_ready_parts(
    batch_id: int, render_round: int, first: int, last: int, enqueue: Callable[[int, int, int], None] | None = None
) -> list[int]:
    """Send the print parts holding letters first..last whose letters are now all rendered, while letters
    elsewhere in the batch are still pending (the assembly sends what is left once none is); the parts sent.

    Checked after the chunk's letters were committed, so of two chunks that finish a part together at least
    the later sees it whole. Both may: the part is then written twice and recorded once (`assemble_part`).
    A part with a failed letter is not sent: the assembly blocks the batch instead."""
    if not Letter.objects.filter(batch_id=batch_id, status=LetterStatus.PENDING).exists():
        return []  # finish_if_done's assembly sends every part still missing
    size = settings.LETTER_PART_SIZE
    sent = []
    for number in range((first - 1) // size + 1, (last - 1) // size + 2):
        letters = Letter.objects.filter(batch_id=batch_id, sequence__range=parts.part_range(number, size))
        if letters.exclude(status=LetterStatus.RENDERED).exists():
            continue
        if enqueue is not None:
            enqueue(batch_id, render_round, number)
        else:
            tasks.enqueue_part(batch_id, render_round, number)
        sent.append(number)
    return sent


def finish_if_done(batch_id: int, render_round: int, enqueue: Callable[[int, int], None] | None = None) -> bool:
    """Claim the assembly once no letter is pending and send it (or run `enqueue` at once);
    True when this call claimed it."""
    if Letter.objects.filter(batch_id=batch_id, status=LetterStatus.PENDING).exists():
        return False
    claimed = LetterBatch.objects.filter(
        pk=batch_id, status=BatchStatus.RENDERING, render_round=render_round, assembly_claim=""
    ).update(assembly_claim=claims.new_token(), assembly_beat_at=timezone.now())
    if claimed and enqueue is not None:
        enqueue(batch_id, render_round)
    elif claimed:
        transaction.on_commit(lambda: tasks.enqueue_assembly(batch_id, render_round))
    return bool(claimed)


def _rendering(batch_id: int, render_round: int) -> LetterBatch | None:
    return LetterBatch.objects.filter(pk=batch_id, status=BatchStatus.RENDERING, render_round=render_round).first()


@contextmanager
def _assembling(batch: LetterBatch) -> Iterator[None]:
    """Say that the batch's assembly is alive, at once and then from a thread while the step runs."""
    held = ASSEMBLY.held(LetterBatch.objects.filter(pk=batch.pk, render_round=batch.render_round), batch.assembly_claim)
    ASSEMBLY.beat_now(held)
    with ASSEMBLY.kept_alive(held):
        yield


def assemble(batch_id: int, render_round: int, inline: bool = False) -> None:
    """Block the batch on failed letters, or send one task per print part not yet written (which any worker
    may take); the part that completes the set finishes the batch, or this step when every part was written
    while the letters rendered. `inline` does it all in this process."""
    batch = _rendering(batch_id, render_round)
    if batch is None or not batch.assembly_claim:
        return
    with _assembling(batch):
        _send_parts(batch, inline)


def _send_parts(batch: LetterBatch, inline: bool) -> None:
    batch_id, render_round = batch.pk, batch.render_round
    if Letter.objects.filter(batch_id=batch_id, status=LetterStatus.FAILED).exists():
        _move(batch, BatchStatus.BLOCKED, "letter_batch.blocked", {})
        return
    with transaction.atomic():
        locked = LetterBatch.objects.select_for_update().get(pk=batch_id)
        if not locked.parts:
            locked.parts = [None] * parts.part_count(locked, settings.LETTER_PART_SIZE)
            locked.save(update_fields=["parts"])
        missing = [number for number, part in enumerate(locked.parts, start=1) if part is None]
    if not missing and inline:  # every part was written while the letters rendered
        finish(batch_id, render_round)
    elif not missing:
        tasks.enqueue_finish(batch_id, render_round)
    for number in missing:  # a run that sends one a second time costs a part written twice, recorded once
        if inline:
            assemble_part(batch_id, render_round, number, finish_with=finish)
        else:
            tasks.enqueue_part(batch_id, render_round, number)


def assemble_part(
    batch_id: int, render_round: int, number: int, finish_with: Callable[[int, int], None] | None = None
) -> None:
    """Write print part `number` (its letters all rendered); when it is the last one missing and the assembly
    has been claimed, finish the batch (or send its finish).

    A part sent while other letters still render runs before the assembly is claimed: it keeps no claim
    alive, and if its worker dies the assembly sends the part again. A run finds the part already written,
    or being written by a run that is alive (`_take_part`), and leaves it."""
    batch = _rendering(batch_id, render_round)
    if batch is None or not _take_part(batch_id, render_round, number):
        return
    with _assembling(batch) if batch.assembly_claim else nullcontext():
        written = parts.write_part(batch, number, settings.LETTER_PART_SIZE)
        in_part = parts.part_range(number, settings.LETTER_PART_SIZE)
        rows = manifest.write_rows(batch, number, *in_part)  # the letters now placed in the part
        written = replace(written, rows=rows.name)
    with transaction.atomic():
        locked = LetterBatch.objects.select_for_update().get(pk=batch_id)
        slots = locked.parts or [None] * parts.part_count(locked, settings.LETTER_PART_SIZE)
        current = locked.status == BatchStatus.RENDERING and locked.render_round == render_round
        if not current or slots[number - 1] is not None:
            transaction.on_commit(partial(_delete, written.name, written.rows))
            return
        slots[number - 1] = written.as_json()
        locked.parts = slots
        locked.worker_stopped_at = None
        locked.save(update_fields=["parts", "worker_stopped_at"])
        # Before the assembly is claimed, the assembly finishes a set this completed (it sends nothing missing).
        complete = all(slots) and bool(locked.assembly_claim)
    if complete and finish_with is not None:
        finish_with(batch_id, render_round)
    elif complete:
        tasks.enqueue_finish(batch_id, render_round)


def _take_part(batch_id: int, render_round: int, number: int) -> bool:
    """Mark print part `number` as being written by this run; False when it is written already, or when another
    run began writing it within CLAIM_SILENCE_SECONDS.

    The part's chunk and the assembly may both send it (the assembly sends every part still missing), and two
    chunks that complete a part together may each send it. Written twice it is recorded once, but the second
    writer kept a worker busy for nothing at the batch's end. A writer that died leaves its mark, and the
    broker's redelivery of its message is refused like any other run: as with a chunk, the sweep sends the
    assembly again once the batch has been silent for as long, and the mark has gone stale by then. A write
    that outlasts the silence may be taken over, and is then written twice, recorded once."""
    now = timezone.now()
    with transaction.atomic():
        locked = LetterBatch.objects.select_for_update().filter(pk=batch_id, render_round=render_round).first()
        if locked is None or locked.status != BatchStatus.RENDERING:
            return False
        if locked.parts and locked.parts[number - 1] is not None:
            return False
        began = locked.parts_writing.get(str(number))
        if began and datetime.fromisoformat(began) > now - claims.silence():
            return False
        locked.parts_writing = {**locked.parts_writing, str(number): now.isoformat()}
        locked.save(update_fields=["parts_writing"])
    return True


def finish(batch_id: int, render_round: int) -> None:
    """With every print part written: the mail file, the checksums, and the batch rendered."""
    batch = _rendering(batch_id, render_round)
    if batch is None or not batch.parts or not all(batch.parts) or batch.manifest:
        return
    written = [parts.StoredFile.from_json(p) for p in batch.parts]
    with _assembling(batch):
        mail_file = manifest.write_manifest(batch, written)
        checksums = _checksums(batch, [*written, mail_file])
    with transaction.atomic():
        # The batch's row is written once here: a second write in one transaction has PostgreSQL check its
        # foreign key to the incident at commit, after the audit trail's lock is taken, which deadlocks with
        # an import of the incident (it holds the incident and waits for that lock).
        details: dict[str, object] = {"pages": batch.pages_total, "parts": len(written)}
        _move(
            batch, BatchStatus.RENDERED, "letter_batch.rendered", details, manifest=mail_file.name, checksums=checksums
        )
        transaction.on_commit(lambda: tasks.enqueue_proof(batch_id, render_round))
    # Once the batch is rendered (the mail administrator waits for that, not for this): the round's chunk files and
    # the letters' places in them, now in the parts, the parts' rows, now in the mail file, and the shared bodies.
    # Clearing the places of 10,000 letters took a fifth of a second. A re-render that came first cleared every
    # letter's place itself; a letter placed in a later round keeps its own.
    this_round = f"{parts.round_folder(batch_id, render_round)}/"
    in_chunks = Letter.objects.filter(batch_id=batch_id, chunk__startswith=this_round)
    chunk_names = set(in_chunks.values_list("chunk", flat=True))
    in_chunks.update(chunk="", chunk_first_page=0)
    bodies = shared_bodies.files_of(batch_id, render_round)
    _delete(*chunk_names, *(part.rows for part in written), *bodies)


def _delete(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def _checksums(batch: LetterBatch, files: list["parts.StoredFile"]) -> str:
    lines = "".join(f"{f.sha256}  {f.download_name}\n" for f in files)
    name = f"letters/batch-{batch.pk}/SHA256SUMS"
    return default_storage.save(name, ContentFile(lines.encode()))


def _move(batch: LetterBatch, status: str, action: str, details: dict[str, object], **fields: object) -> None:
    """The assembly's end: the batch leaves this rendering round, unless a re-render or another run moved it."""
    details = {**details, "letters_rendered": batch.letters_rendered, "letters_failed": batch.letters_failed}
    done = {"rendered_at": timezone.now(), "assembly_claim": "", "parts_writing": {}, "worker_stopped_at": None,
            **fields}  # fmt: skip
    actions.move_batch(None, batch, status, action, details=details, only_from=[BatchStatus.RENDERING],
                       also=done, in_round=batch.render_round)  # fmt: skip


def sweep() -> list[tuple[int, int, int, int]]:
    """Chunks to send again, as (batch, round, first, last): those whose run went silent (their worker died;
    handed back and marked stopped), and every waiting chunk of a batch that had no word from any worker for
    CLAIM_UNTAKEN_SECONDS (its messages were lost). An assembly gone silent is sent again here too."""
    found: list[tuple[int, int, int, int]] = []
    for batch in LetterBatch.objects.filter(status=BatchStatus.RENDERING):
        found += _sweep_batch(batch, timezone.now())
    return found


def _sweep_batch(batch: LetterBatch, now: datetime) -> list[tuple[int, int, int, int]]:
    pending = Letter.objects.filter(batch=batch, status=LetterStatus.PENDING)
    dead = list(pending.filter(CHUNKS.silent(now)).values_list("sequence", flat=True))
    if dead and CHUNKS.hand_back(pending.filter(CHUNKS.silent(now), sequence__in=dead)):
        _stopped(batch, now)
    else:
        dead = []  # none, or its run spoke up since: nothing to send
    last_word = Letter.objects.filter(batch=batch).aggregate(latest=Max("claimed_at"))["latest"]
    lost = max(filter(None, (last_word, batch.render_started_at)), default=now) <= now - claims.untaken_after()
    waiting = dead + (list(pending.filter(CHUNKS.free()).values_list("sequence", flat=True)) if lost else [])
    size = settings.LETTER_CHUNK_SIZE
    firsts = sorted({(seq - 1) // size * size + 1 for seq in waiting})
    if not firsts and not pending.exists():
        if not batch.assembly_claim:
            finish_if_done(batch.pk, batch.render_round)
        elif ASSEMBLY.beat_now(LetterBatch.objects.filter(ASSEMBLY.silent(now), pk=batch.pk)):
            _stopped(batch, now)
            _resend_assembly(batch)
    return [(batch.pk, batch.render_round, first, min(first + size - 1, batch.letters_total)) for first in firsts]


def _stopped(batch: LetterBatch, now: datetime) -> None:
    """What the batch's page says until the next progress: a worker stopped, and another takes its work over."""
    LetterBatch.objects.filter(pk=batch.pk).update(worker_stopped_at=now)


def _resend_assembly(batch: LetterBatch) -> None:
    """The assembly of a batch whose letters are all done went silent (its worker died): send it again.
    It checks for failed letters, sends the parts still missing, or the finish when none is; each step
    checks what is already written, so a duplicate does nothing."""
    tasks.enqueue_assembly(batch.pk, batch.render_round)
