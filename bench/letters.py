"""Letters benchmark: the portal's renderer against one WeasyPrint call per letter, and a batch end to end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_letters .venv/bin/python bench/letters.py [--letters N]

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_letters REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/letters.py --end-to-end [--letters N] [--sample N] [--workers N] [--concurrency N] \\
        [--worker-log FILE]

Both variables default to the values above. Creates the database if it is
missing and migrates it, then loads N synthetic people (the import benchmark's
generator, through the import pipeline) into a fresh incident with the default
letter templates; every fifth person is made to prefer Spanish, so both
templates are rendered.

Default mode (N = 1,000): renders the letters in chunks of LETTER_CHUNK_SIZE as
a worker's render_chunk does (the worker's LetterMaker for the incident,
LetterMaker.make for each letter, then Renderer.write for the chunk), without
its claims, database writes and file storage, and in the same run the same
letters the naive way, each whole letter as one HTML document and one
weasyprint.HTML(string=...).write_pdf() call with the stylesheets inlined,
chunk by chunk in alternating order. Prints letters per second for both and
the ratio.

--end-to-end (N = 10,000): measures the portal's renderer on one process on
--sample letters first, then starts Celery workers on Redis (by default two
workers of concurrency 1, prefork, consuming celery,letters as the Procfile's
worker does), creates a batch of the N letters with actions.create_batch and
waits until it is rendered. Prints the wall time, letters per second, the
ratio to the one-process rate and the workers' peak memory.
"""

import argparse
import contextlib
import io
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from common import ensure_database, import_benchmark  # bench/, this script's folder

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
# DEBUG off, as on the workers: the one-process figures are measured under the settings the workers run with.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_letters")

if TYPE_CHECKING:
    from incidents.models import Incident
    from notifications.letters.maker import LetterMaker
    from notifications.models import Letter

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"  # 15 is the test suite's (README), 5 the lookup benchmark's
SAMPLE_MB_INTERVAL = 0.2  # seconds between samples of the workers' memory
PSS_EVERY = 5  # samples between reads of the process trees and their proportional sets
SPANISH_EVERY = 5  # every fifth synthetic person prefers Spanish
NO_ADDRESS_EVERY = 97  # the import generator leaves one row in 97 without a street


# Database and people -------------------------------------------------------


def _rows_for(letters: int) -> int:
    """Rows to generate so that exactly `letters` of them have a mailing address."""
    rows = letters
    while rows - -(-rows // NO_ADDRESS_EVERY) < letters:
        rows += 1
    return rows


def _incident(letters: int) -> "Incident":
    """A fresh incident with the default templates and `letters` deliverable synthetic recipients."""
    from django.conf import settings

    from incidents.models import Incident
    from incidents.readers import Language
    from notifications import actions
    from people.models import Individual

    incident = Incident.objects.create(
        slug=f"bench-letters-{int(time.time())}",
        title="Letters benchmark (synthetic data)",
        organisation_name="Bench Unified School District",
        discovered_on=date(2026, 1, 5),
        occurred_on=date(2025, 12, 28),
        notice_on=date(2026, 1, 20),
        hotline_phone="+14175550100",
        hotline_hours="Monday to Friday, 8 a.m. to 5 p.m.",
        hotline_hours_es="de lunes a viernes, de 8 a. m. a 5 p. m.",
        contact_email="privacy@example.org",
        return_address="100 Example Avenue\nSpringfield MO 65801",
    )
    actions.install_default_templates(None, incident)
    bench_import = import_benchmark()
    folder = Path(tempfile.mkdtemp(dir=settings.VAR_DIR))
    path = folder / "district-export.csv"
    started = time.perf_counter()
    try:
        bench_import.generate(path, _rows_for(letters))
        bench_import.pipeline(path, incident)
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
    people = Individual.objects.filter(incident=incident).order_by("pk")
    spanish = people.values_list("pk", flat=True)[::SPANISH_EVERY]
    Individual.objects.filter(pk__in=list(spanish)).update(language=Language.SPANISH)
    print(f"Loaded {people.count():,} synthetic people into {incident.slug} in {time.perf_counter() - started:.1f} s")
    return incident


def _letters(incident: "Incident", count: int) -> list["Letter"]:
    """Unsaved letters for the first `count` selectable recipients, in a batch's (ZIP) order."""
    from notifications.letters.selection import Selection, recipients_for
    from notifications.models import Letter

    chosen = recipients_for(incident, Selection()).select_related("individual")[:count]
    letters = [
        Letter(incident=incident, recipient=recipient, sequence=n) for n, recipient in enumerate(chosen, start=1)
    ]
    if len(letters) != count:
        sys.exit(f"Only {len(letters):,} recipients can be sent a letter; {count:,} were asked for.")
    return letters


def _chunks(letters: list["Letter"]) -> Iterator[list["Letter"]]:
    from django.conf import settings

    size = settings.LETTER_CHUNK_SIZE
    for first in range(0, len(letters), size):
        yield letters[first : first + size]


# The machine, read from /proc --------------------------------------------------


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the name in parentheses may hold spaces


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _pss_kb(pid: int) -> int:
    """Proportional set size: shared pages divided among the processes that share them."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User and system time of one live process."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _machine_busy_seconds() -> float:
    """CPU seconds every core of the machine spent on anything but idling, since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) / _TICKS


@dataclass
class Busy:
    """How much of the machine was in use over a span: by everything, and by the processes watched."""

    wall: float = 0.0
    machine: float = 0.0
    watched: float = 0.0

    def __str__(self) -> str:
        cores = os.cpu_count() or 1
        return (
            f"the machine was busy {self.machine / self.wall:.2f} of its {cores} cores on average, "
            f"{self.watched / self.wall:.2f} of them in the processes measured"
        )


@contextlib.contextmanager
def busy(watched: Callable[[], float]) -> Iterator[Busy]:
    found = Busy()
    wall, machine, mine = time.perf_counter(), _machine_busy_seconds(), watched()
    try:
        yield found
    finally:
        found.wall = time.perf_counter() - wall
        found.machine = _machine_busy_seconds() - machine
        found.watched = watched() - mine


def _trees(roots: list[int]) -> dict[int, list[int]]:
    """Each root with its descendants, read from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            parent = _parent_of(int(entry.name))
            if parent is not None:
                children.setdefault(parent, []).append(int(entry.name))
    trees = {}
    for root in roots:
        found, todo = [], [root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += children.get(pid, [])
        trees[root] = found
    return trees


class MemorySampler(threading.Thread):
    """Memory of the worker processes and their children, every SAMPLE_MB_INTERVAL seconds.

    A sum of resident sets counts the pages that forked children still share
    with their parent once per process, so it overstates what the workers take
    together; the proportional set size (PSS) divides shared pages among them."""

    def __init__(self, roots: list[int]) -> None:
        super().__init__(daemon=True)
        self.roots = roots
        self.stopping = threading.Event()
        self.peak_total_kb = 0
        self.peak_worker_kb = 0
        self.peak_process_kb = 0
        self.peak_pss_kb = 0
        self.processes = 0
        self.samples = 0
        self.timeline: list[tuple[float, int]] = []  # (perf_counter, resident sets summed in kB)
        self.trees: dict[int, list[int]] = {}

    def sample(self) -> int:
        """One sample; returns the resident sets of all the processes together, in kB.

        The resident sets are read every time (cheap); the process trees (a scan of /proc) and the
        proportional sets (the kernel walks each process's page tables) every PSS_EVERY samples, so that
        the sampling takes little of the CPU the workers are measured on."""
        if self.samples % PSS_EVERY == 0:
            self.trees = _trees(self.roots)
        total = proportional = 0
        for pids in self.trees.values():
            sizes = [_rss_kb(pid) for pid in pids]
            total += sum(sizes)
            self.peak_worker_kb = max(self.peak_worker_kb, sum(sizes))
            self.peak_process_kb = max(self.peak_process_kb, *sizes)
            if self.samples % PSS_EVERY == 0:
                proportional += sum(_pss_kb(pid) for pid in pids)
        self.processes = max(self.processes, sum(len(pids) for pids in self.trees.values()))
        self.peak_total_kb = max(self.peak_total_kb, total)
        self.peak_pss_kb = max(self.peak_pss_kb, proportional)
        self.timeline.append((time.perf_counter(), total))
        self.samples += 1
        return total

    def at(self, moment: float) -> int:
        """The sum of resident sets in the sample taken nearest `moment` (a perf_counter value)."""
        return min(self.timeline, key=lambda sample: abs(sample[0] - moment))[1]

    def run(self) -> None:
        while not self.stopping.wait(SAMPLE_MB_INTERVAL):
            self.sample()


# The two ways to render ------------------------------------------------------


@dataclass
class Tally:
    letters: int = 0
    pages: int = 0
    pdf_bytes: int = 0
    seconds: float = 0.0
    cpu: float = 0.0  # this process's CPU time over the same spans: below `seconds` when others took the core
    parts: dict[str, float] = field(default_factory=dict)

    def add(self, part: str, seconds: float) -> None:
        self.parts[part] = self.parts.get(part, 0.0) + seconds
        self.seconds += seconds

    @property
    def rate(self) -> float:
        return self.letters / self.seconds


def _fail_on_reasons(outcomes: list[Any]) -> None:
    failed = [o for o in outcomes if o.document is None]
    if failed:
        sys.exit(f"{len(failed)} letters did not render: {failed[0].reason}")


def portal_chunk(incident: "Incident", letters: list["Letter"], types: dict[int, Any], tally: Tally) -> list[int]:
    """One chunk as render_chunk renders it: the worker's LetterMaker for the incident (kept from chunk to chunk,
    bodies already laid out stay so), each letter laid out, one PDF written."""
    from notifications.letters.maker import maker_for

    cpu, started = time.process_time(), time.perf_counter()
    maker = maker_for(incident)
    laid = time.perf_counter()
    outcomes = [
        maker.make(letter, types.get(letter.recipient.individual_id, []), incident.notice_on) for letter in letters
    ]
    written = time.perf_counter()
    pdf, page_counts = maker.renderer.write(o.document for o in outcomes if o.document is not None)
    done = time.perf_counter()
    tally.cpu += time.process_time() - cpu
    _fail_on_reasons(outcomes)
    tally.add("setup", laid - started)
    tally.add("lay out", written - laid)
    tally.add("write", done - written)
    tally.letters += len(letters)
    tally.pages += sum(page_counts)
    tally.pdf_bytes += len(pdf)
    return page_counts


def naive_maker(incident: "Incident") -> "LetterMaker":
    """A LetterMaker whose renderer writes each letter on its own, as plain WeasyPrint would.

    The merge fields, the chosen variant and the body are the portal's; the whole
    letter (the frame's first-page pieces at the same places on the paper, the
    body, and the footer as page-margin boxes) is one HTML document laid out by
    one HTML(string=...).write_pdf() call, with the stylesheets inlined and the
    fonts linked as files, so CSS and fonts are parsed afresh for every letter."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.utils.html import escape
    from weasyprint import HTML

    from notifications.letters import render
    from notifications.letters.maker import LetterMaker

    layout = settings.LETTER_LAYOUT
    margins, top = layout["margins"], layout["first_page_body_top"]
    letter_css = Path(str(finders.find("letters/letter.css"))).read_text()
    fonts = re.sub(
        r'url\("portal-static:([^"]+)"\)',
        lambda m: f'url("{Path(str(finders.find(m[1]))).as_uri()}")',
        render.FONT_FACES,
    )
    body_pages, frame_positions = render.page_css()
    frame_positions = frame_positions.replace("@page { size: letter; margin: 0; }", "")
    style = f"""{fonts}\n{letter_css}\n{body_pages}\n{frame_positions}
.paper {{ position: absolute; left: -{margins["left"]}in; top: -{top}in; width: 8.5in; height: {top}in; }}
.paper > * {{ position: absolute; margin: 0; }}
.piece {{ string-set: piece content(text); position: absolute; visibility: hidden; }}
@page {{ @bottom-left {{ content: string(piece); font: 7.5pt "Letter Sans"; color: #333; }}
        @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 7.5pt "Letter Sans";
                         color: #333; }} }}
"""

    class NaiveRenderer(render.Renderer):
        def __post_init__(self) -> None:  # parses nothing ahead
            assert not self.logo, "the naive renderer inlines no logo"

        def layout(self, page: render.LetterPage) -> bytes:  # type: ignore[override]
            # The letterhead and the frame's first sheet, less its footer (the page-margin boxes print that on
            # every page).
            item = render.LaidOut(page, render._Body(None, [None]), render._Body(None, [None]))
            head = self.letterhead_html(page).split('<div class="sheet">', 1)[1].rsplit("</div></body>", 1)[0]
            sheet = self.frames_html([item]).split('<div class="sheet"', 1)[1].split(">", 1)[1]
            first_page = head + sheet.split('<div class="foot foot-left">')[0]
            piece = escape(f"Ref. {page.reference_code} · Piece {page.sequence:06d}")
            html = (
                f'<!doctype html><html lang="{page.language}"><head><meta charset="utf-8"><style>{style}</style>'
                f'</head><body><div class="piece">{piece}</div><div class="paper">{first_page}</div>'
                f"{page.body}</body></html>"
            )
            return HTML(string=html).write_pdf()

    maker = LetterMaker(incident)
    maker.renderer = NaiveRenderer(return_lines=maker.renderer.return_lines)
    return maker


def naive_chunk(maker: "LetterMaker", letters: list["Letter"], types: dict[int, Any], tally: Tally) -> list[bytes]:
    cpu, started = time.process_time(), time.perf_counter()
    outcomes = [
        maker.make(letter, types.get(letter.recipient.individual_id, []), maker.incident.notice_on)
        for letter in letters
    ]
    tally.add("write", time.perf_counter() - started)
    tally.cpu += time.process_time() - cpu
    _fail_on_reasons(outcomes)
    pdfs = [o.document for o in outcomes]
    tally.letters += len(letters)
    tally.pdf_bytes += sum(len(pdf) for pdf in pdfs)
    return pdfs


def _page_counts(pdfs: list[bytes]) -> list[int]:
    import pikepdf

    counts = []
    for pdf in pdfs:
        with pikepdf.Pdf.open(io.BytesIO(pdf)) as document:
            counts.append(len(document.pages))
    return counts


def compare(incident: "Incident", letters: list["Letter"]) -> tuple[Tally, Tally]:
    """Both renderers on the same letters, chunk by chunk, taking turns at going first."""
    from notifications.letters.maker import data_types_of

    naive = naive_maker(incident)
    # Untimed warm-up of both: imports, template loading, the first font lookups.
    warm = letters[:5]
    warm_types = data_types_of(warm)
    portal_chunk(incident, warm, warm_types, Tally())
    naive_chunk(naive, warm, warm_types, Tally())

    portal, plain = Tally(), Tally()
    for number, chunk in enumerate(_chunks(letters)):
        types = data_types_of(chunk)  # the chunk's one read of exposures, untimed on both sides
        if number % 2 == 0:
            counts = portal_chunk(incident, chunk, types, portal)
            pdfs = naive_chunk(naive, chunk, types, plain)
        else:
            pdfs = naive_chunk(naive, chunk, types, plain)
            counts = portal_chunk(incident, chunk, types, portal)
        naive_counts = _page_counts(pdfs)  # the same output: each letter has as many pages either way
        if naive_counts != counts:
            sys.exit(f"Page counts differ in chunk {number + 1}: portal {counts}, naive {naive_counts}")
        plain.pages += sum(naive_counts)
    return portal, plain


def one_process(incident: "Incident", letters: list["Letter"]) -> Tally:
    """The portal's renderer alone, as in the default mode, after the same warm-up."""
    from notifications.letters.maker import data_types_of

    warm = letters[:5]
    portal_chunk(incident, warm, data_types_of(warm), Tally())
    tally = Tally()
    for chunk in _chunks(letters):
        portal_chunk(incident, chunk, data_types_of(chunk), tally)
    return tally


def _describe(label: str, tally: Tally) -> str:
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in tally.parts.items() if len(tally.parts) > 1)
    return (
        f"{label} {tally.letters:,} letters in {tally.seconds:6.1f} s  {tally.rate:7.1f} letters/s"
        f"  ({tally.pages:,} pages, {tally.pdf_bytes / tally.letters / 1024:.0f} KB of PDF per letter"
        f"{'; ' + parts if parts else ''}; on the CPU {tally.cpu / tally.seconds:.0%} of the time)"
    )


def _language_mix(letters: list["Letter"]) -> str:
    from incidents.readers import Language

    spanish = sum(1 for letter in letters if letter.recipient.individual.language == Language.SPANISH)
    return f"{len(letters) - spanish:,} in English, {spanish:,} in Spanish"


def run_compare(letters_wanted: int) -> None:
    from django.conf import settings

    incident = _incident(letters_wanted)
    letters = _letters(incident, letters_wanted)
    print(f"Letters: {len(letters):,} ({_language_mix(letters)}), chunks of {settings.LETTER_CHUNK_SIZE}")
    with busy(time.process_time) as used:
        portal, plain = compare(incident, letters)
    print(
        "Portal: per chunk as render_chunk does (the worker's LetterMaker, make() per letter, one write()), without the"
    )
    print("        chunk's claim, its database reads and writes and its file storage")
    print("Naive:  one HTML(string=whole_letter).write_pdf() per letter, stylesheets inlined, fonts linked as files")
    print(_describe("Portal:", portal))
    print(_describe("Naive: ", plain))
    print(f"Ratio:  {portal.rate / plain.rate:.2f} x the naive letters/s (target: at least 6)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory of this process (both renderers): {peak_mb:,.0f} MB")
    print(f"While they rendered, {used}")


# Workers ---------------------------------------------------------------------


def _worker_env(redis_url: str) -> dict[str, str]:
    return {**os.environ, "REDIS_URL": redis_url, "DEBUG": "false"}


def _check_broker(redis_url: str) -> None:
    """Refuse a Redis database that holds messages or that another process uses: other workers on it would take
    the benchmark's chunks, and the benchmark's workers would run their tasks."""
    import redis

    client = redis.Redis.from_url(redis_url)
    db = int(client.connection_pool.connection_kwargs.get("db", 0))
    waiting = {name: client.llen(name) for name in ("celery", "letters")}
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
    trees = _trees([p.pid for p in started if p.poll() is None])
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for pids in trees.values():
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
            progress.rendered, progress.ended_as = now - started, batch.status
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


def run_end_to_end(
    letters_wanted: int, sample: int, count: int, concurrency: int, redis_url: str, log_path: Path | None
) -> None:
    from django.conf import settings

    from notifications import actions
    from notifications.letters.selection import Selection
    from notifications.models import BatchStatus

    _check_no_batch_rendering()
    incident = _incident(letters_wanted)
    sample_letters = _letters(incident, min(sample, letters_wanted))
    print(f"One process: {len(sample_letters):,} letters ({_language_mix(sample_letters)}), before the workers start")
    with busy(time.process_time) as alone_busy:
        alone = one_process(incident, sample_letters)
    processes = count * (1 + concurrency)
    print(f"Workers: {count} x `celery worker --pool prefork --concurrency {concurrency} --queues celery,letters` "
          f"({processes} processes), Redis {redis_url}, chunks of {settings.LETTER_CHUNK_SIZE}, "
          f"print parts of {settings.LETTER_PART_SIZE}")  # fmt: skip
    progress = Progress()
    batch = None
    with workers(count, concurrency, redis_url, log_path) as (started_workers, log):
        sampler = MemorySampler([p.pid for p in started_workers])
        idle_kb = sampler.sample()
        sampler.start()
        roots = [p.pid for p in started_workers]
        started, own_cpu = time.perf_counter(), time.process_time()
        try:
            with busy(lambda: sum(_cpu_seconds(pid) for tree in _trees(roots).values() for pid in tree)) as used:
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
                actions.move_batch(None, batch, BatchStatus.BLOCKED, "letter_batch.blocked", details=stopped,
                                   only_from=[BatchStatus.RENDERING], in_round=batch.render_round)  # fmt: skip
    assert batch is not None
    batch.refresh_from_db()
    if batch.status != BatchStatus.RENDERED or batch.letters_rendered != letters_wanted:
        sys.exit(f"The batch ended {batch.status} with {batch.letters_rendered:,} letters rendered "
                 f"and {batch.letters_failed:,} failed.")  # fmt: skip
    wall = progress.rendered
    rate = batch.letters_total / wall
    print(_describe("One process:", alone))
    print(f"End to end:  {batch.letters_total:,} letters in {wall:6.1f} s  {rate:7.1f} letters/s  "
          f"({batch.pages_total:,} pages in {len(batch.parts)} print parts; create_batch {progress.created:.1f} s, "
          f"last chunk recorded at {progress.chunks_done:.1f} s, "
          f"assembly {progress.rendered - progress.chunks_done:.1f} s)")  # fmt: skip
    print(f"Ratio:       {rate / alone.rate:.2f} x the one-process rate (target: at least 1.6)")
    print(f"While one process rendered, {alone_busy}")
    print(f"While the workers rendered, {used}; this process (sampling memory, waiting for the batch) "
          f"used {own_cpu:.1f} s of CPU")  # fmt: skip
    mb = 1024
    print(f"Peak worker memory (target: under 600 MB), {sampler.samples:,} samples {SAMPLE_MB_INTERVAL} s apart "
          f"(proportional sets every {PSS_EVERY * SAMPLE_MB_INTERVAL:.0f} s):")  # fmt: skip
    print(f"  one worker with its {concurrency} child(ren): {sampler.peak_worker_kb / mb:,.0f} MB resident; "
          f"the largest single process: {sampler.peak_process_kb / mb:,.0f} MB")  # fmt: skip
    print(f"  all {sampler.processes} worker processes: {sampler.peak_total_kb / mb:,.0f} MB resident summed, "
          f"{sampler.peak_pss_kb / mb:,.0f} MB proportional (PSS)")  # fmt: skip
    marks = [f"{fraction:.0%} {sampler.at(started + fraction * wall) / mb:,.0f} MB" for fraction in (0.25, 0.5, 0.75)]
    print(f"  all worker processes, resident summed over the run: idle before the batch {idle_kb / mb:,.0f} MB, "
          f"{', '.join(marks)}, at the end {end_kb / mb:,.0f} MB")  # fmt: skip
    if foreign:
        names = ", ".join(sorted(set(foreign)))
        sys.exit(f"The workers also ran {len(foreign)} task(s) this run did not send ({names}): another process "
                 "uses this Redis database, so these figures are not clean.")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--end-to-end", action="store_true", help="Render a batch on Celery workers.")
    parser.add_argument("--letters", type=int, help="Letters (default 1,000; 10,000 with --end-to-end).")
    parser.add_argument("--sample", type=int, default=500, help="With --end-to-end: letters rendered on one process.")
    parser.add_argument("--workers", type=int, default=2, help="With --end-to-end: Celery workers (default 2).")
    parser.add_argument("--concurrency", type=int, default=1, help="With --end-to-end: prefork children per worker.")
    parser.add_argument("--worker-log", type=Path, help="With --end-to-end: keep the workers' log in this file.")
    args = parser.parse_args()
    letters = args.letters or (10_000 if args.end_to_end else 1_000)
    redis_url = os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL) if args.end_to_end else ""
    # Import reports, chunk files, print parts and mail files go to a folder of the run's own, not the portal's media.
    media = Path(tempfile.mkdtemp(prefix="bench-letters-media-"))
    os.environ["MEDIA_ROOT"] = str(media)
    try:
        ensure_database("portal_bench_letters")
        if args.end_to_end:
            _check_broker(redis_url)  # before Django opens connections of its own to Redis
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        if connection.vendor != "postgresql":
            sys.exit("Set DATABASE_URL to a PostgreSQL database.")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        print(f"Load average before the run: {os.getloadavg()[0]:.2f}")
        if args.end_to_end:
            run_end_to_end(letters, args.sample, args.workers, args.concurrency, redis_url, args.worker_log)
        else:
            run_compare(letters)
        print(f"Run time {time.perf_counter() - started:.0f} s")
    finally:
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
