"""Rendering a batch on workers: chunks of letters, then one assembly step.

Each chunk claims its pending letters through portal.lib.claims (a claim whose
run has been silent for CLAIM_SILENCE_SECONDS may be taken over; a running
chunk says it is alive from a thread), renders them into one chunk file and
records each letter under its claim, so a chunk that runs twice, or whose
worker was killed, renders every letter once. The chunk that leaves no letter
pending claims the assembly, which joins the chunk files into print parts and
writes the mail file; its steps say they are alive on the batch's row.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Max, QuerySet
from django.template import Template
from django.utils import timezone
from django.utils.safestring import SafeString

from audit import api as audit
from incidents.models import DataType, Incident
from notifications.letters import manifest, merge, parts, sandbox
from notifications.letters.render import LaidOut, LetterPage, Renderer
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate
from people.models import Exposure
from portal.lib import claims

logger = logging.getLogger(__name__)

KEPT_FAILING = "Rendering this letter stopped its worker {n} times; it was set aside so the batch could go on."
NO_TEMPLATE = "No active template fits this recipient (language, relationship, state or data types)."
NO_DATE = (
    "The incident has no notice date, the date its letters are dated, and the batch has no date of its own: "
    "set the notice date on the incident's form, then render again."
)

CHUNKS = claims.Claims(claim_field="claim", beat_field="claimed_at")  # on each Letter of a chunk
# On the batch: one claim for the whole assembly (the step that sends the parts, each part, the finish), which
# any of its running steps keeps alive; the sweep sends again what is missing once all of them went silent.
ASSEMBLY = claims.Claims(claim_field="assembly_claim", beat_field="assembly_beat_at")


def _tasks() -> ModuleType:
    """The task module, which imports this one: the next step of a batch is sent through it."""
    from notifications import tasks

    return tasks


def chunk_ranges(total: int, size: int) -> list[tuple[int, int]]:
    return [(first, min(first + size - 1, total)) for first in range(1, total + 1, size)]


def claim_letters(batch_id: int, first: int, last: int, token: str) -> int:
    rows = Letter.objects.filter(batch_id=batch_id, sequence__range=(first, last), status=LetterStatus.PENDING)
    return CHUNKS.take(rows, token, attempts=F("attempts") + 1)


def _held_letters(batch_id: int, token: str) -> QuerySet[Letter]:
    return CHUNKS.held(Letter.objects.filter(batch_id=batch_id, status=LetterStatus.PENDING), token)


def renderer_for(incident: Incident) -> Renderer:
    logo = None
    if incident.letter_logo:
        with incident.letter_logo.open("rb") as f:
            logo = f.read()
    lines = [incident.organisation_name, *incident.return_address.splitlines()]
    return Renderer(return_lines=[line.strip() for line in lines if line.strip()], logo=logo)


@dataclass
class Outcome:
    """What became of one letter in a chunk."""

    letter: Letter
    reason: str = ""
    template_id: int | None = None
    document: LaidOut | None = None


class LetterMaker:
    """Turns letters of one incident into laid-out documents; templates compile once."""

    def __init__(self, incident: Incident) -> None:
        self.incident = incident
        self.templates = list(LetterTemplate.objects.filter(incident=incident, is_active=True))
        self._compiled: dict[int, Template] = {}
        self._shared: dict[str, dict[str, Any]] = {}
        self.renderer = renderer_for(incident)

    def _body(self, template: LetterTemplate, context: Mapping[str, Any]) -> SafeString:
        if template.pk not in self._compiled:
            self._compiled[template.pk] = sandbox.compile_body(template.body)
        return sandbox.render_body(self._compiled[template.pk], context)

    def shared(self, language: str) -> dict[str, Any]:
        if language not in self._shared:
            self._shared[language] = merge.incident_fields(self.incident, language)
        return self._shared[language]

    def make(
        self, letter: Letter, data_types: list[DataType], on: date | None, template: LetterTemplate | None = None
    ) -> Outcome:
        """Lay out one letter dated `on` in the variant chosen for it (or in `template`, for a preview)."""
        facts = merge.LetterFacts(letter.recipient, letter.recipient.individual, data_types)
        template = template or merge.choose_template(self.templates, facts)
        if template is None:
            return Outcome(letter, NO_TEMPLATE)
        if on is None:
            return Outcome(letter, NO_DATE, template.pk)
        try:
            context = merge.letter_context(facts, self.shared(template.language), template.language, on)
        except merge.MissingTranslation as missing:
            return Outcome(letter, f"Template “{template.name}”: {missing}", template.pk)
        try:
            body = self._body(template, context)
            page = LetterPage(
                body=body,
                sequence=letter.sequence,
                reference_code=str(context["reference_code"]),
                address_lines=context["address_lines"],
                letter_date=str(context["letter_date"]),
                language=template.language,
                salutation=str(context["salutation"]),
                regarding="" if context["is_self"] else str(context["individual_name"]),
            )
            return Outcome(letter, template_id=template.pk, document=self.renderer.layout(page))
        except sandbox.TemplateProblem as problem:
            return Outcome(letter, f"Template “{template.name}”: {problem}", template.pk)
        except Exception as exc:  # the renderer's own failure: name its kind only (the message may quote data)
            logger.warning("letter %s of batch %s: %s", letter.sequence, letter.batch_id, type(exc).__name__)
            return Outcome(letter, f"The PDF renderer failed ({type(exc).__name__}).", template.pk)


_makers: dict[int, tuple[tuple[object, ...], LetterMaker]] = {}


def maker_for(incident: Incident) -> LetterMaker:
    """A worker process keeps one maker per incident, so its bodies stay laid out from chunk to chunk;
    an edited template or incident (a re-render after a fix) makes a new one."""
    templates = LetterTemplate.objects.filter(incident=incident, is_active=True)
    # The date is part of it: a worker that runs past midnight dates the next letters afresh.
    version = (timezone.localdate(), incident.updated_at, *templates.order_by("pk").values_list("pk", "updated_at"))
    cached = _makers.get(incident.pk)
    if cached is None or cached[0] != version:
        _makers.clear()  # one incident at a time is plenty; a worker renders batch after batch
        _makers[incident.pk] = (version, LetterMaker(incident))
    return _makers[incident.pk][1]


def data_types_of(letters: Iterable[Letter]) -> dict[int, list[DataType]]:
    individual_ids = [letter.recipient.individual_id for letter in letters]
    catalog = {t.pk: t for t in DataType.objects.all()}
    found: dict[int, list[DataType]] = defaultdict(list)
    for individual_id, type_id in Exposure.objects.filter(individual_id__in=individual_ids).values_list(
        "individual_id", "data_type_id"
    ):
        found[individual_id].append(catalog[type_id])
    return found


def _claimed(batch_id: int, token: str) -> list[Letter]:
    return list(
        Letter.objects.filter(batch_id=batch_id, claim=token, status=LetterStatus.PENDING)
        .select_related("recipient__individual")
        .order_by("sequence")
    )


def _chunk_name(batch: LetterBatch, first: int, token: str) -> str:
    return f"letters/batch-{batch.pk}/round-{batch.render_round}/chunk-{first:07d}-{token[:8]}.pdf"


def render_chunk(
    batch_id: int,
    render_round: int,
    first: int,
    last: int,
    maker: LetterMaker | None = None,
    assemble_with: Callable[[int, int], None] | None = None,
) -> None:
    """Render the pending letters first..last of a batch that is still in this rendering round.

    The chunk that leaves nothing pending sends the assembly (or runs `assemble_with`)."""
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
        types = data_types_of(letters)
        on = batch.letter_date()
        outcomes = [maker.make(letter, types.get(letter.recipient.individual_id, []), on) for letter in letters]
        outcomes += [Outcome(letter, KEPT_FAILING.format(n=Letter.MAX_ATTEMPTS)) for letter in worn_out]
        _record_chunk(batch, token, first, maker, outcomes)
    finish_if_done(batch_id, render_round, assemble_with)


def _record_chunk(batch: LetterBatch, token: str, first: int, maker: LetterMaker, outcomes: list[Outcome]) -> None:
    good = [o for o in outcomes if o.document is not None]
    pdf, page_counts = maker.renderer.write(o.document for o in good if o.document is not None)
    name = default_storage.save(_chunk_name(batch, first, token), ContentFile(pdf)) if good else ""
    rendered = failed = pages = 0
    with transaction.atomic():
        settled = _settle_rendered(good, page_counts, token, name)
        for outcome, count in zip(good, page_counts, strict=True):
            if outcome.letter.pk in settled:
                outcome.letter.status = LetterStatus.RENDERED
                rendered, pages = rendered + 1, pages + count
        for outcome in (o for o in outcomes if o.document is None):
            failed += _settle(outcome, token, status=LetterStatus.FAILED, reason=outcome.reason[:500])
        LetterBatch.objects.filter(pk=batch.pk).update(
            letters_rendered=F("letters_rendered") + rendered,
            letters_failed=F("letters_failed") + failed,
            pages_total=F("pages_total") + pages,
            worker_stopped_at=None,
        )
    if name and not rendered:  # every letter was taken over by another run
        default_storage.delete(name)


def _settle_rendered(good: list[Outcome], page_counts: list[int], token: str, chunk: str) -> set[int]:
    """Record the rendered letters this run still holds, in one statement; the ids it recorded.

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
        f"UPDATE {table} SET status = %s, claim = '', chunk = %s, "  # noqa: S608 (the table's name; values are parameters)
        "chunk_first_page = CAST(settled.column2 AS INTEGER), page_count = CAST(settled.column3 AS INTEGER), "
        "template_id = CAST(settled.column4 AS INTEGER) "
        f"FROM (VALUES {', '.join(rows)}) AS settled "
        f"WHERE {table}.id = CAST(settled.column1 AS INTEGER) AND {table}.claim = %s AND {table}.status = %s "
        f"RETURNING {table}.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [LetterStatus.RENDERED, chunk, *params, token, LetterStatus.PENDING])
        return {row[0] for row in cursor.fetchall()}


def _settle(outcome: Outcome, token: str, **fields: object) -> int:
    """Record one letter's outcome, if this run still holds it; 1 when it did."""
    done = Letter.objects.filter(pk=outcome.letter.pk, claim=token, status=LetterStatus.PENDING).update(
        claim="", template_id=outcome.template_id, **fields
    )
    outcome.letter.status = str(fields["status"]) if done else LetterStatus.PENDING
    return done


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
        transaction.on_commit(lambda: _tasks().enqueue_assembly(batch_id, render_round))
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
    """Block the batch on failed letters, or send one task per print part (which any worker may take);
    the part that completes the set finishes the batch. `inline` does it all in this process."""
    batch = _rendering(batch_id, render_round)
    if batch is None or not batch.assembly_claim:
        return
    with _assembling(batch):
        _send_parts(batch, inline)


def _send_parts(batch: LetterBatch, inline: bool) -> None:
    batch_id, render_round = batch.pk, batch.render_round
    if Letter.objects.filter(batch_id=batch_id, status=LetterStatus.FAILED).exists():
        _move(batch, BatchStatus.BLOCKED, "letter_batch.blocked", {"letters_failed": batch.letters_failed})
        return
    count = parts.part_count(batch, settings.LETTER_PART_SIZE)
    if not LetterBatch.objects.filter(pk=batch_id, parts=[]).update(parts=[None] * count):
        return  # another run sent the parts already
    if inline:
        for number in range(1, count + 1):
            assemble_part(batch_id, render_round, number, finish_with=finish)
        return
    for number in range(1, count + 1):
        _tasks().enqueue_part(batch_id, render_round, number)


def assemble_part(
    batch_id: int, render_round: int, number: int, finish_with: Callable[[int, int], None] | None = None
) -> None:
    """Write print part `number`; when it is the last one missing, finish the batch (or send its finish)."""
    batch = _rendering(batch_id, render_round)
    if batch is None or len(batch.parts) < number or batch.parts[number - 1] is not None:
        return
    with _assembling(batch):
        written = parts.write_part(batch, number, settings.LETTER_PART_SIZE)
    with transaction.atomic():
        locked = LetterBatch.objects.select_for_update().get(pk=batch_id)
        if locked.render_round != render_round or locked.parts[number - 1] is not None:
            transaction.on_commit(lambda: default_storage.delete(written.name))
            return
        locked.parts[number - 1] = written.as_json()
        locked.worker_stopped_at = None
        locked.save(update_fields=["parts", "worker_stopped_at"])
        complete = all(locked.parts)
    if complete and finish_with is not None:
        finish_with(batch_id, render_round)
    elif complete:
        _tasks().enqueue_finish(batch_id, render_round)


def finish(batch_id: int, render_round: int) -> None:
    """With every print part written: the mail file, the checksums, and the batch rendered."""
    batch = _rendering(batch_id, render_round)
    if batch is None or not batch.parts or not all(batch.parts) or batch.manifest:
        return
    written = [parts.StoredFile.from_json(p) for p in batch.parts]
    with _assembling(batch):
        mail_file = manifest.write_manifest(batch)
        checksums = _checksums(batch, [*written, mail_file])
    chunk_names = set(Letter.objects.filter(batch_id=batch_id).values_list("chunk", flat=True))
    with transaction.atomic():
        Letter.objects.filter(batch_id=batch_id).update(chunk="", chunk_first_page=0)
        # The batch's row is written once here: a second write in one transaction has PostgreSQL check its
        # foreign key to the incident at commit, after the audit trail's lock is taken, which deadlocks with
        # an import of the incident (it holds the incident and waits for that lock).
        details: dict[str, object] = {"pages": batch.pages_total, "parts": len(written)}
        _move(
            batch, BatchStatus.RENDERED, "letter_batch.rendered", details, manifest=mail_file.name, checksums=checksums
        )
        transaction.on_commit(lambda: _tasks().enqueue_proof(batch_id, render_round))
    for name in chunk_names - {""}:
        default_storage.delete(name)


def _checksums(batch: LetterBatch, files: list["parts.StoredFile"]) -> str:
    lines = "".join(f"{f.sha256}  {f.download_name}\n" for f in files)
    name = f"letters/batch-{batch.pk}/SHA256SUMS"
    return default_storage.save(name, ContentFile(lines.encode()))


def _move(batch: LetterBatch, status: str, action: str, details: dict[str, object], **fields: object) -> None:
    with transaction.atomic():
        moved = LetterBatch.objects.filter(pk=batch.pk, status=batch.status, render_round=batch.render_round).update(
            status=status, rendered_at=timezone.now(), assembly_claim="", worker_stopped_at=None, **fields
        )
        if moved:
            audit.record(action, actor=None, incident_id=batch.incident_id, target=batch, details=details)


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
    """The assembly of a batch whose letters are all done went silent (its worker died): send again
    what is missing. Each step checks what is already written, so a duplicate does nothing."""
    tasks = _tasks()
    if not batch.parts:
        tasks.enqueue_assembly(batch.pk, batch.render_round)
        return
    missing = [number for number, part in enumerate(batch.parts, start=1) if part is None]
    for number in missing:
        tasks.enqueue_part(batch.pk, batch.render_round, number)
    if not missing and not batch.manifest:
        tasks.enqueue_finish(batch.pk, batch.render_round)
