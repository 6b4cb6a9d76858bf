"""The letters benchmark end to end: Celery workers started as the Procfile starts them render a batch, timed
from create_batch until it is rendered, with their memory sampled meanwhile."""

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from common import ROOT  # bench/, the scripts' folder
from letter_rendering import describe, incident_with_letters, language_mix, letters_for, machine_scaling, one_process
from machine import PSS_EVERY, SAMPLE_MB_INTERVAL, MemorySampler, busy, cpu_seconds, trees

# Workers ---------------------------------------------------------------------


def _worker_env(redis_url: str) -> dict[str, str]:
    return {**os.environ, "REDIS_URL": redis_url, "DEBUG": "false"}


def check_broker(redis_url: str) -> None:
    """Refuse a Redis database that holds messages or that another process uses: other workers on it would take
    the benchmark's chunks, and the benchmark's workers would run their tasks."""
    import redis

    client = redis.Redis.from_url(redis_url)
    db = int(client.connection_pool.connection_kwargs.get("db", 0))
    # Each queue and its priority lists (kombu names them queue + "\x06\x16" + step; chunks go to one of those).
    lists = [name for queue in ("celery", "letters") for name in (queue, *(f"{queue}\x06\x16{n}" for n in (3, 6, 9)))]
    waiting = {name.replace("\x06\x16", ":"): client.llen(name) for name in lists}
    unacked = client.hlen("unacked")
    others = [c for c in client.client_list() if int(c.get("db", -1)) == db and int(c["id"]) != client.client_id()]
    client.close()
    if others:
        sys.exit(
            f"{len(others)} other connection(s) use Redis database {db}: give the benchmark a database of its own "
            "(REDIS_URL=redis://127.0.0.1:6379/N)."
        )
    if any(waiting.values()) or unacked:
        sys.exit(
            f"{redis_url} holds messages ({waiting}, {unacked} unacknowledged). Give the benchmark a Redis database "
            f"of its own, or empty this one if it is the benchmark's: redis-cli -n {db} flushdb"
        )


_RECEIVED = re.compile(r"Task ([\w.]+)\[[^\]]+\] received")
_OURS = {
    "notifications.tasks.plan_letter_batch",
    "notifications.tasks.render_letter_chunk",
    "notifications.tasks.assemble_letter_batch",
    "notifications.tasks.assemble_letter_part",
    "notifications.tasks.finish_letter_batch",
    "notifications.tasks.make_batch_proof",  # sent by the finish once the batch is rendered (after the timing)
}


def _foreign_tasks(log: IO[bytes]) -> list[str]:
    """Tasks the workers received that this run did not send (one plan, the chunks, the assembly and its parts,
    the proof)."""
    log.seek(0)
    received = _RECEIVED.findall(log.read().decode(errors="replace"))
    plans = received.count("notifications.tasks.plan_letter_batch")
    return [name for name in received if name not in _OURS] + ["another batch's plan"] * max(plans - 1, 0)


def _check_no_batch_rendering() -> None:
    from notifications.models import BatchStatus, LetterBatch

    if LetterBatch.objects.filter(status=BatchStatus.RENDERING).exists():
        sys.exit("A batch of an earlier run is still rendering in this database; drop the database to start afresh.")


@contextlib.contextmanager
def workers(
    count: int, concurrency: int, redis_url: str, log_path: Path | None
) -> Iterator[tuple[list[subprocess.Popen[bytes]], IO[bytes]]]:
    """`count` Celery workers as the Procfile starts them, each with `concurrency` prefork children."""
    from portal.celery import app

    celery = str(Path(sys.executable).parent / "celery")
    names = [f"bench-letters-{n}@{socket.gethostname()}" for n in range(1, count + 1)]
    started: list[subprocess.Popen[bytes]] = []
    with log_path.open("w+b") if log_path else tempfile.TemporaryFile() as log:
        try:
            for name in names:
                command = [celery, "-A", "portal", "worker", "--queues", "celery,letters", "--loglevel", "INFO",
                           "--without-gossip", "--without-mingle", "--pool", "prefork",
                           "--concurrency", str(concurrency), "--hostname", name]  # fmt: skip
                started.append(
                    subprocess.Popen(  # noqa: S603
                        command, cwd=ROOT, env=_worker_env(redis_url), stdout=log, stderr=subprocess.STDOUT
                    )
                )
            _wait_until_ready(app, names, started, log)
            yield started, log
        finally:
            _stop(started)


def _wait_until_ready(app: Any, names: list[str], started: list[subprocess.Popen[bytes]], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in started):
            break
        replies = app.control.ping(destination=names, timeout=1.0)
        if {name for reply in replies for name in reply} >= set(names):
            return
    log.seek(0)
    sys.exit("The workers did not start:\n" + log.read().decode(errors="replace")[-3000:])


def _stop(started: list[subprocess.Popen[bytes]]) -> None:
    """Warm shutdown (SIGTERM), then SIGKILL for the workers and the children they left."""
    families = trees([p.pid for p in started if p.poll() is None])
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pids in families.values():
        for pid in pids[1:]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# End to end ------------------------------------------------------------------


@dataclass
class Progress:
    created: float = 0.0  # seconds from the start: create_batch returned (letters inserted, planning sent)
    chunks_done: float = 0.0  # no letter pending
    rendered: float = 0.0  # assembled: print parts and mail file written
    ended_as: str = ""  # the batch's status when it left rendering


def _wait_for_batch(
    batch_id: int, started: float, progress: Progress, processes: list[subprocess.Popen[bytes]], log: IO[bytes]
) -> None:
    from django.conf import settings

    from notifications.models import BatchStatus, LetterBatch

    last_count, last_change = -1, time.perf_counter()
    while True:
        batch = LetterBatch.objects.get(pk=batch_id)
        now = time.perf_counter()
        settled = batch.letters_rendered + batch.letters_failed
        if settled == batch.letters_total and not progress.chunks_done:
            progress.chunks_done = now - started
        if batch.status != BatchStatus.RENDERING:
            # The moment the batch was marked rendered, from its row: the poll alone added up to its interval.
            ended = batch.rendered_at.timestamp() - (time.time() - time.perf_counter()) if batch.rendered_at else now
            progress.rendered, progress.ended_as = min(ended, now) - started, batch.status
            return
        if settled != last_count:
            last_count, last_change = settled, now
        stalled = now - last_change > settings.CLAIM_SILENCE_SECONDS + settings.CLAIM_UNTAKEN_SECONDS
        if stalled or any(process.poll() is not None for process in processes):
            log.seek(0)
            sys.exit(
                f"The batch stopped at {settled:,} of {batch.letters_total:,} letters "
                f"({'stalled' if stalled else 'a worker exited'}):\n{log.read().decode(errors='replace')[-3000:]}"
            )
        time.sleep(SAMPLE_MB_INTERVAL)


@dataclass
class WorkerRun:
    """A batch rendered by workers, timed from create_batch until it is rendered."""

    batch: Any
    progress: Progress
    used: Any  # machine.busy's figures while the workers rendered
    own_cpu: float
    sampler: MemorySampler
    idle_kb: int
    end_kb: int
    started: float

    @property
    def rate(self) -> float:
        return float(self.batch.letters_total) / self.progress.rendered

    def describe(self, label: str) -> str:
        batch, progress = self.batch, self.progress
        return (
            f"{label:<12} {batch.letters_total:,} letters in {progress.rendered:6.1f} s  {self.rate:7.1f} letters/s  "
            f"({batch.pages_total:,} pages in {len(batch.parts)} print parts; create_batch {progress.created:.1f} s, "
            f"last chunk recorded at {progress.chunks_done:.1f} s, "
            f"assembly {progress.rendered - progress.chunks_done:.1f} s)"
        )


def _render_on_workers(
    letters_wanted: int, count: int, concurrency: int, redis_url: str, log_path: Path | None
) -> WorkerRun:
    """A batch of `letters_wanted` letters of an incident of its own, rendered by `count` workers; returns once
    the workers have also run what the batch sent after it (its proof), so that nothing of it is left queued."""
    from notifications import actions
    from notifications.letters.selection import Selection
    from notifications.models import BatchStatus

    incident = incident_with_letters(letters_wanted)
    progress = Progress()
    batch = None
    with workers(count, concurrency, redis_url, log_path) as (started_workers, log):
        sampler = MemorySampler([p.pid for p in started_workers])
        idle_kb = sampler.sample()
        sampler.start()
        roots = [p.pid for p in started_workers]
        started, own_cpu = time.perf_counter(), time.process_time()
        try:
            with busy(lambda: sum(cpu_seconds(pid) for tree in trees(roots).values() for pid in tree)) as used:
                batch = actions.create_batch(None, incident, "Benchmark mailing (synthetic)", Selection())
                progress.created = time.perf_counter() - started
                _wait_for_batch(batch.pk, started, progress, started_workers, log)
            foreign = _foreign_tasks(log)
        finally:
            own_cpu = time.process_time() - own_cpu
            sampler.stopping.set()
            sampler.join()
            end_kb = sampler.sample()
            if batch is not None and progress.ended_as != BatchStatus.RENDERED:
                # Set aside, so that messages left in Redis find nothing to render in a later run.
                stopped = {"benchmark": True}
                actions.move_batch(
                    None, batch, BatchStatus.BLOCKED, "letter_batch.blocked", details=stopped,
                    only_from=[BatchStatus.RENDERING], in_round=batch.render_round,
                )  # fmt: skip
        _wait_until_idle(redis_url, log)
    assert batch is not None
    batch.refresh_from_db()
    if batch.status != BatchStatus.RENDERED or batch.letters_rendered != letters_wanted:
        sys.exit(f"The batch ended {batch.status} with {batch.letters_rendered:,} letters rendered "
                 f"and {batch.letters_failed:,} failed.")  # fmt: skip
    if foreign:
        names = ", ".join(sorted(set(foreign)))
        sys.exit(f"The workers also ran {len(foreign)} task(s) this run did not send ({names}): another process "
                 "uses this Redis database, so these figures are not clean.")  # fmt: skip
    return WorkerRun(batch, progress, used, own_cpu, sampler, idle_kb, end_kb, started)


_SUCCEEDED = re.compile(r"Task [\w.]+\[[^\]]+\] (?:succeeded|raised|retry)")


def _wait_until_idle(redis_url: str, log: IO[bytes], timeout: float = 120.0) -> None:
    """Until every task the workers received has ended and the queues are empty."""
    import redis

    client = redis.Redis.from_url(redis_url)
    lists = [name for queue in ("celery", "letters") for name in (queue, *(f"{queue}\x06\x16{n}" for n in (3, 6, 9)))]
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            log.seek(0)
            text = log.read().decode(errors="replace")
            queued = sum(client.llen(name) for name in lists)
            if not queued and len(_RECEIVED.findall(text)) <= len(_SUCCEEDED.findall(text)):
                return
            time.sleep(0.2)
    finally:
        client.close()
    sys.exit("The workers were still busy two minutes after the batch was rendered.")


def batch_order(count: int, rounds: int) -> list[int]:
    """How many workers render each batch: one, `count`, `count`, one; then `count`, one, one, `count`; and so on
    for `rounds` rounds of four."""
    quartets = ([1, count, count, 1], [count, 1, 1, count])
    return [n for r in range(rounds) for n in quartets[r % 2]]


def run_end_to_end(
    letters_wanted: int,
    sample: int,
    count: int,
    concurrency: int,
    redis_url: str,
    log_path: Path | None,
    rounds: int = 2,
) -> None:
    """The same batch size rendered 4 x `rounds` times, each on an incident of its own, by one worker or by `count`
    workers in the order of `batch_order`; the renderer alone on one process first, for reference.

    This machine's speed drifts by more than the margin being measured: the same work in one process took from
    17 to 28 s within a quarter of an hour. Timed one after the other, one worker then two, a drift between the
    two batches went straight into the ratio. In the order one, two, two, one, a steady drift slows (or speeds)
    both sides alike; the second round's two, one, one, two also cancels a drift that speeds up or slows down
    over the run. The ratio is taken from the summed times, and each pair's ratio is printed too."""
    from django.conf import settings

    _check_no_batch_rendering()
    incident = incident_with_letters(min(sample, letters_wanted))
    sample_letters = letters_for(incident, min(sample, letters_wanted))
    print(f"One process: {len(sample_letters):,} letters ({language_mix(sample_letters)}), the renderer alone")
    with busy(time.process_time) as alone_busy:
        alone = one_process(incident, sample_letters)
    print(describe("One process:", alone))
    processes = count * (1 + concurrency)
    order = batch_order(count, rounds)
    print(
        f"Workers: `celery worker --pool prefork --concurrency {concurrency} --queues celery,letters` "
        f"({1 + concurrency} processes each), Redis {redis_url}, chunks of {settings.LETTER_CHUNK_SIZE}, "
        f"print parts of {settings.LETTER_PART_SIZE}; {len(order)} batches, by "
        f"{', '.join('one worker' if n == 1 else str(n) for n in order)} ({processes} processes for {count})"
    )
    print(f"Before each batch, this machine's own scaling: {count} processes rendering at once, each the renderer "
          f"alone on the {len(sample_letters):,} letters above, against one alone")  # fmt: skip
    singles, runs, scalings = [], [], []
    for number, workers_now in enumerate(order, start=1):
        scalings.append(machine_scaling(incident, sample_letters, count))
        log = log_path.with_name(f"{log_path.name}.{number}") if log_path else None
        done = _render_on_workers(letters_wanted, workers_now, concurrency, redis_url, log)
        (singles if workers_now == 1 else runs).append(done)
        label = "One worker:" if workers_now == 1 else f"{count} workers:"
        print(done.describe(f"{number}. {label}") + f"; the machine's scaling just before, {scalings[-1]:.2f}")
    one_time = sum(r.progress.rendered for r in singles)
    many_time = sum(r.progress.rendered for r in runs)
    print(
        f"Ratio:       {one_time / many_time:.2f} x one worker doing the same (target: at least 1.7): "
        f"{many_time:.1f} s for the {count} workers' {len(runs)} batches against {one_time:.1f} s for one worker's"
    )
    pairs = [f"{s.progress.rendered / r.progress.rendered:.2f}" for s, r in zip(singles, runs, strict=True)]
    print(
        f"             pair by pair (the n-th one-worker batch against the n-th {count}-worker one): {', '.join(pairs)}"
    )
    average = sum(scalings) / len(scalings)
    print(f"             the machine's own scaling ({count} renderers at once against one) before the batches: "
          f"{min(scalings):.2f} to {max(scalings):.2f}, {average:.2f} on average; the workers' ratio is "
          f"{one_time / many_time / average:.0%} of that average")  # fmt: skip
    many_rate = len(runs) * letters_wanted / many_time
    print(f"             {many_rate / alone.rate:.2f} x the renderer alone on one process (which leaves out creating "
          "the batch, storing chunks, the print parts and the mail file)")  # fmt: skip
    print(f"While one process rendered, {alone_busy}")
    for single in singles:
        print(f"While one worker rendered, {single.used}")
    for run in runs:
        print(f"While {count} workers rendered, {run.used}; this process (sampling memory, waiting for the batch) "
              f"used {run.own_cpu:.1f} s of CPU")  # fmt: skip
    run = max(runs, key=lambda r: r.sampler.peak_worker_kb)
    print(f"Memory of the {count}-worker batch with the highest peak:")
    sampler, wall, mb = run.sampler, run.progress.rendered, 1024
    print(f"Peak worker memory (target: under 600 MB), {sampler.samples:,} samples {SAMPLE_MB_INTERVAL} s apart "
          f"(proportional sets every {PSS_EVERY * SAMPLE_MB_INTERVAL:.0f} s), {count} workers:")  # fmt: skip
    print(f"  one worker with its {concurrency} child(ren): {sampler.peak_worker_kb / mb:,.0f} MB resident; "
          f"the largest single process: {sampler.peak_process_kb / mb:,.0f} MB")  # fmt: skip
    print(f"  all {sampler.processes} worker processes: {sampler.peak_total_kb / mb:,.0f} MB resident summed, "
          f"{sampler.peak_pss_kb / mb:,.0f} MB proportional (PSS)")  # fmt: skip
    marks = [f"{f:.0%} {sampler.at(run.started + f * wall) / mb:,.0f} MB" for f in (0.25, 0.5, 0.75)]
    print(f"  all worker processes, resident summed over the run: idle before the batch {run.idle_kb / mb:,.0f} MB, "
          f"{', '.join(marks)}, at the end {run.end_kb / mb:,.0f} MB")  # fmt: skip
