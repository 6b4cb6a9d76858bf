"""Letters benchmark: the portal's renderer against one WeasyPrint call per letter, and a batch end to end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_letters .venv/bin/python bench/letters.py [--letters N]

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench_letters REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/letters.py --end-to-end [--letters N] [--sample N] [--workers N] [--concurrency N] \\
        [--rounds N] [--worker-log FILE] [--keep-parts DIR]

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

--end-to-end (N = 10,000): measures the portal's renderer alone on one process
on --sample letters first, for reference. Then, on Celery workers on Redis
(concurrency 1, prefork, consuming celery,letters as the Procfile's worker
does), it renders the same job eight times (--rounds 2), each on an incident of
its own: a batch of the N letters created with actions.create_batch, timed until
it is rendered (print parts and mail file written; the time its row was marked
rendered, which the poll every 0.2 s alone overstated by up to that), on one worker or on
--workers (two by default), in the order one, two, two, one, then two, one,
one, two. Prints each wall time and letters per second; the ratio of the
workers to the one worker (the target's yardstick: both do the same work, the
batch's creation and assembly included) from the summed times, which cancels a
drift in the machine's speed, and each pair's ratio; the ratio to the renderer
alone; and the workers' peak memory. --worker-log FILE keeps each batch's log,
as FILE.1, FILE.2 and so on in the order they ran.

PostgreSQL here runs without autovacuum, so a database the benchmark has used
before carries the dead rows and stale figures of its earlier batches: give
each run a fresh one (dropdb -h 127.0.0.1 -U postgres portal_bench_letters).
"""

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

# bench/, this script's folder; the modules beside it hold the pieces of this benchmark.
from common import ensure_database
from letter_rendering import compare, describe, incident_with_letters, language_mix, letters_for
from letter_workers import check_broker, run_end_to_end
from machine import busy

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
# DEBUG off, as on the workers: the one-process figures are measured under the settings the workers run with.
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench_letters")

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/6"  # 15 is the test suite's (README), 5 the lookup benchmark's


def run_compare(letters_wanted: int) -> None:
    from django.conf import settings

    incident = incident_with_letters(letters_wanted)
    letters = letters_for(incident, letters_wanted)
    print(f"Letters: {len(letters):,} ({language_mix(letters)}), chunks of {settings.LETTER_CHUNK_SIZE}")
    with busy(time.process_time) as used:
        portal, plain = compare(incident, letters)
    print(
        "Portal: per chunk as render_chunk does (the worker's LetterMaker, make() per letter, one write()), without the"
    )
    print("        chunk's claim, its database reads and writes and its file storage")
    print("Naive:  one HTML(string=whole_letter).write_pdf() per letter, stylesheets inlined, fonts linked as files")
    print(describe("Portal:", portal))
    print(describe("Naive: ", plain))
    print(f"Ratio:  {portal.rate / plain.rate:.2f} x the naive letters/s (target: at least 40, moonshot 100)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Peak memory of this process (both renderers): {peak_mb:,.0f} MB")
    print(f"While they rendered, {used}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--end-to-end", action="store_true", help="Render a batch on Celery workers.")
    parser.add_argument("--letters", type=int, help="Letters (default 1,000; 10,000 with --end-to-end).")
    parser.add_argument("--sample", type=int, default=500, help="With --end-to-end: letters rendered on one process.")
    parser.add_argument("--workers", type=int, default=2, help="With --end-to-end: Celery workers (default 2).")
    parser.add_argument("--concurrency", type=int, default=1, help="With --end-to-end: prefork children per worker.")
    parser.add_argument("--rounds", type=int, default=2, help="With --end-to-end: rounds of four batches (default 2).")
    parser.add_argument("--worker-log", type=Path, help="With --end-to-end: keep each batch's log, as FILE.1 and on.")
    parser.add_argument("--keep-parts", type=Path, help="With --end-to-end: copy the print parts and mail file here.")
    args = parser.parse_args()
    letters = args.letters or (10_000 if args.end_to_end else 1_000)
    redis_url = os.environ.setdefault("REDIS_URL", DEFAULT_REDIS_URL) if args.end_to_end else ""
    # Import reports, chunk files, print parts and mail files go to a folder of the run's own, not the portal's media.
    media = Path(tempfile.mkdtemp(prefix="bench-letters-media-"))
    os.environ["MEDIA_ROOT"] = str(media)
    try:
        ensure_database("portal_bench_letters")
        if args.end_to_end:
            check_broker(redis_url)  # before Django opens connections of its own to Redis
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
            run_end_to_end(
                letters, args.sample, args.workers, args.concurrency, redis_url, args.worker_log, args.rounds
            )
        else:
            run_compare(letters)
        print(f"Run time {time.perf_counter() - started:.0f} s")
    finally:
        if args.keep_parts and (media / "letters").exists():
            shutil.copytree(
                media / "letters", args.keep_parts, dirs_exist_ok=True, ignore=shutil.ignore_patterns("chunk-*")
            )
        shutil.rmtree(media, ignore_errors=True)


if __name__ == "__main__":
    main()
