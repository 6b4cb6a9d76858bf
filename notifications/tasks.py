"""Letter rendering on workers. Tasks take ids, claim their work and are safe to run twice;
chunks and the assembly run on the `letters` queue, away from imports and email."""

import logging

from celery import shared_task
from celery.signals import worker_process_init
from django.conf import settings
from django.db import transaction

from notifications.letters import jobs, proof
from notifications.letters.maker import LetterMaker, warm_up
from notifications.models import LetterBatch

# A batch's chunks wait behind the steps that finish batches: a print part sent while chunks are still queued is
# taken next, not after the rest of the chunks, so parts are joined while the letters render. Redis takes the
# lower number first (kombu's priority steps 0, 3, 6, 9; a task sent without one is 0); the embedded default's
# filesystem queue ignores priorities, and there a part waits for the chunks queued before it.
CHUNK_PRIORITY = 6

logger = logging.getLogger(__name__)


@worker_process_init.connect
def warm_up_letters(**_: object) -> None:
    """Each prefork worker process loads the letter renderer's fonts and C bindings as it starts, not in its
    first chunk (maker.warm_up). A failure here is logged and left to the letters, which report it: it must
    not stop a worker that also runs imports and e-mail."""
    try:
        warm_up()
    except Exception:
        logger.exception("The letter renderer could not be warmed up; letters will load it themselves.")


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def plan_letter_batch(batch_id: int, render_round: int) -> None:
    """Send one task per chunk of the batch's letters."""
    batch = LetterBatch.objects.filter(pk=batch_id, render_round=render_round).first()
    if batch is None or not batch.is_rendering:
        return
    for first, last in jobs.sending_order(batch.letters_total, settings.LETTER_CHUNK_SIZE, settings.LETTER_PART_SIZE):
        send_chunk(batch_id, render_round, first, last)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=600, time_limit=660)
def render_letter_chunk(batch_id: int, render_round: int, first: int, last: int) -> None:
    jobs.render_chunk(batch_id, render_round, first, last)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3 * 3600 - 60, time_limit=3 * 3600)
def assemble_letter_batch(batch_id: int, render_round: int) -> None:
    jobs.assemble(batch_id, render_round)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def sweep_letter_batches() -> None:
    """Send again the chunks and assembly steps whose worker died or whose messages were lost (Celery beat runs
    this every CLAIM_SWEEP_SECONDS)."""
    for args in jobs.sweep():
        send_chunk(*args)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3600 - 60, time_limit=3600)
def assemble_letter_part(batch_id: int, render_round: int, number: int) -> None:
    jobs.assemble_part(batch_id, render_round, number)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3600 - 60, time_limit=3600)
def finish_letter_batch(batch_id: int, render_round: int) -> None:
    jobs.finish(batch_id, render_round)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=1800 - 60, time_limit=1800)
def make_batch_proof(batch_id: int, render_round: int) -> None:
    """Make a rendered batch's proof ahead of the mail administrator. The proof page makes it itself when this
    has not run (a lost message needs no sweep); one process at a time makes it (proof.ensure claims it)."""
    if LetterBatch.objects.filter(pk=batch_id, render_round=render_round, status__in=proof.PROOFABLE).exists():
        try:
            proof.ensure(batch_id)
        except proof.NotProofable:  # its letters were deleted (a purge) before the proof was made
            return


def send_chunk(batch_id: int, render_round: int, first: int, last: int) -> None:
    render_letter_chunk.apply_async((batch_id, render_round, first, last), priority=CHUNK_PRIORITY)


def enqueue_proof(batch_id: int, render_round: int) -> None:
    make_batch_proof.delay(batch_id, render_round)


def enqueue_assembly(batch_id: int, render_round: int) -> None:
    assemble_letter_batch.delay(batch_id, render_round)


def enqueue_part(batch_id: int, render_round: int, number: int) -> None:
    transaction.on_commit(lambda: assemble_letter_part.delay(batch_id, render_round, number))


def enqueue_finish(batch_id: int, render_round: int) -> None:
    transaction.on_commit(lambda: finish_letter_batch.delay(batch_id, render_round))


def enqueue_rendering(batch: LetterBatch) -> None:
    batch_id, render_round = batch.pk, batch.render_round
    transaction.on_commit(lambda: plan_letter_batch.delay(batch_id, render_round))


def run_now(batch_id: int, render_round: int) -> None:
    """Render and assemble in this process (commands, tests and benchmarks without a worker)."""
    batch = LetterBatch.objects.get(pk=batch_id)
    maker = LetterMaker(batch.incident)
    for first, last in jobs.chunk_ranges(batch.letters_total, settings.LETTER_CHUNK_SIZE):
        jobs.render_chunk(
            batch_id, render_round, first, last, maker=maker, assemble_with=_assemble_here, part_with=_part_here
        )


def _assemble_here(batch_id: int, render_round: int) -> None:
    jobs.assemble(batch_id, render_round, inline=True)


def _part_here(batch_id: int, render_round: int, number: int) -> None:
    jobs.assemble_part(batch_id, render_round, number, finish_with=jobs.finish)
