"""Import benchmark: the real import pipeline against its floor, measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_bench .venv/bin/python bench/import.py [--rows N]

Generates a synthetic district export of N rows (default 1,000,000), imports
it through the portal's pipeline (inspect, dry run with staging, import) into
a fresh incident, then times its floor: the finished rows written into the
people, recipient and exposure tables with their indexes (a copy of the
imported incident, rolled back). Prints the import against that floor (the
yardstick), against a raw COPY of the file into a scratch table (for
reference), each of the import's statements, and the peak memory of the
importing process and its checking processes together.

With --floor it then times the other work no import of this file can skip,
each piece against the raw COPY: reading the CSV in Python, sealing and
hashing its four identifiers, and the writes again without their indexes.
"""

import argparse
import csv
import itertools
import os
import random
import resource
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")

HEADER = [
    "Student ID", "Last Name", "First Name", "Middle Name", "DOB", "Grade", "Address", "City", "State", "Zip",
    "Guardian 1 Name", "Guardian Phone", "Guardian Email", "Data Types",
]  # fmt: skip
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "García", "Miller", "Davis", "Rodríguez", "Martínez",
        "Hernández", "López", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Pérez", "Thompson", "White", "Harris", "Sánchez", "Clark", "Ramírez", "Lewis", "Robinson"]  # fmt: skip
FIRST = ["Olivia", "Liam", "Emma", "Noah", "Ava", "Elijah", "Sofía", "Mateo", "Mia", "Lucas", "Isabella",
         "Levi", "Amelia", "Ezra", "Harper", "Asher", "Evelyn", "James", "Chloé", "Leo", "Zoë", "Benjamin", "Nora",
         "Jack"]  # fmt: skip
STREETS = ["Oak", "Maple", "Cedar", "Elm", "Pine", "Walnut", "Hickory", "Main", "Church", "Park", "Lake", "Hill"]
CITIES = [("Springfield", "MO", "658"), ("Columbia", "MO", "652"), ("Joplin", "MO", "648"),
          ("St. Louis", "Missouri", "631"), ("Kansas City", "MO", "641"), ("Fort Scott", "KS", "667"),
          ("Boston", "MA", "021")]  # fmt: skip
TYPES = ["Name; Address; Date of Birth", "Name; Address; Date of Birth; Student ID",
         "Name; Date of Birth; Medical Information", "Name; Address; Education Records"]  # fmt: skip


def generate(path: Path, rows: int) -> None:
    rng = random.Random(2026)  # noqa: S311 (synthetic data, not secrets)
    start = date(2005, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(HEADER)
        for n in range(rows):
            last, first = rng.choice(LAST), rng.choice(FIRST)
            born = start + timedelta(days=rng.randrange(6500))
            dob = born.isoformat() if n % 3 else f"{born.month}/{born.day}/{born.year}"
            city, state, zip3 = rng.choice(CITIES)
            zip_code = f"{zip3}{rng.randrange(100):02d}"
            if zip_code.startswith("0") and n % 2:
                zip_code = zip_code.lstrip("0")  # a spreadsheet dropped the zero
            address = "" if n % 97 == 0 else f"{rng.randrange(1, 9999)} {rng.choice(STREETS)} St"
            out.writerow([
                f"{100000000 + n}", last, first, rng.choice(FIRST)[0], dob, str(rng.randrange(1, 13)), address, city,
                state, zip_code, f"{rng.choice(FIRST)} {last}", f"(417) 555-{rng.randrange(10000):04d}",
                f"family{n}@example.org", rng.choice(TYPES),
            ])  # fmt: skip


def raw_copy(path: Path) -> float:
    from django.db import connection

    columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cursor.execute(f"CREATE TABLE bench_raw_copy ({columns})")
        started = time.perf_counter()
        with path.open("r", encoding="utf-8", newline="") as f:
            cursor.cursor.copy_expert("COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)", f)
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_raw_copy")
    return elapsed


def floor_read(path: Path) -> float:
    """Python's csv module reading every row, and nothing else."""
    started = time.perf_counter()
    with path.open("r", encoding="utf-8", newline="") as f:
        for _ in csv.reader(f):
            pass
    return time.perf_counter() - started


def floor_seal(path: Path) -> float:
    """Sealing and hashing each row's ID, date of birth, phone and e-mail, as they are stored (one core)."""
    from portal.lib.fieldcrypt import lookup, seal

    kinds = {"Student ID": "external_id", "DOB": "date_of_birth", "Guardian Phone": "phone", "Guardian Email": "email"}
    columns = [HEADER.index(header) for header in kinds]
    elapsed = 0.0
    with path.open("r", encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        while chunk := [[row[i] for i in columns] for row in itertools.islice(rows, 100_000)]:
            started = time.perf_counter()  # only the sealing and hashing is timed
            for row in chunk:
                for value, kind in zip(row, kinds.values(), strict=True):
                    seal(value, kind)
                    lookup(value, kind)
            elapsed += time.perf_counter() - started
    return elapsed


_TABLES = {"people": "incidents_individual", "recipients": "incidents_recipient", "exposures": "incidents_exposure"}


def floor_write(incident: Any, indexes: bool = True) -> dict[str, float]:
    """The imported incident's people, recipients and exposures written again as a new incident's, by
    INSERT ... SELECT in one transaction that is then rolled back: the tables' own cost (heap, indexes,
    write-ahead log) of the rows any import of the file must write, with no reading, checking or matching.
    With `indexes` false, every index but the primary keys is dropped first, inside the same transaction."""
    from django.db import connection, transaction

    from incidents.models import Incident
    from portal.lib import refcode

    def columns(table: str, *left_out: str) -> list[str]:
        described = connection.introspection.get_table_description(cursor, table)
        return [c.name for c in described if c.name not in ("id", "incident_id", *left_out)]

    times = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if not indexes:
            _drop_secondary_indexes(cursor)
        other = Incident.objects.create(slug=f"{incident.slug}-floor", title="Floor", organisation_name="Bench",
                                        discovered_on=incident.discovered_on)  # fmt: skip
        cursor.execute("SELECT MAX(id) FROM incidents_individual")
        (offset,) = cursor.fetchone()
        code = f"upper(substr(md5(reference_code || 'floor'), 1, {refcode.LENGTH}))"  # as random as the real ones
        steps = {
            "people": {"id": f"id + {offset}"},
            "recipients": {"individual_id": f"individual_id + {offset}", "reference_code": code},
            "exposures": {"individual_id": f"individual_id + {offset}"},
        }
        for name, changed in steps.items():
            table = _TABLES[name]
            kept = columns(table, *changed)
            into, source = ", ".join([*changed, *kept]), ", ".join([*changed.values(), *kept])
            # Table and column names come from the schema, never from input.
            sql = f"INSERT INTO {table} (incident_id, {into}) SELECT %s, {source} FROM {table} WHERE incident_id = %s"  # noqa: S608
            started = time.perf_counter()
            cursor.execute(sql, [other.pk, incident.pk])
            times[name] = time.perf_counter() - started
        transaction.set_rollback(True)
    return times


def _drop_secondary_indexes(cursor: Any) -> None:
    cursor.execute(
        "SELECT t.relname, i.indexrelid::regclass::text, c.conname FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid "
        "WHERE t.relname = ANY(%s) AND NOT i.indisprimary",
        [list(_TABLES.values())],
    )
    for table, index, constraint in cursor.fetchall():
        # Names from the catalogue, never from input.
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{constraint}"' if constraint else f"DROP INDEX {index}")


def _label(sql: str) -> str:
    """A statement of the import named by its first words: its verb and table."""
    words = sql.split()
    label = " ".join(words[: 5 if words[0] == "CREATE" else 3 if words[0] in ("INSERT", "DELETE") else 2])
    return label + (" (people known)" if "NOT is_new" in sql else "")


def pipeline(path: Path, incident: Any, steps: dict[str, float] | None = None) -> dict[str, float]:
    """The upload, dry run and import of the file; with `steps`, the time each of the import's statements took
    (and the rest of its transaction, "the rest"), added up into it."""
    from people import actions
    from people.importing import files, jobs, load
    from people.models import ImportJob

    times = {}
    real_progress, real_write, real_statements = jobs._report_progress, load.write_people, load._statements
    if steps is not None:
        marks: list[float] = []
        names: list[str] = []

        def statements(*args: Any) -> Any:
            found = real_statements(*args)
            names.extend(_label(sql) for _, sql in found)
            return found

        def timed(job_id: int) -> Any:
            def report(step: int, count: int) -> None:
                marks.append(time.perf_counter())

            return report

        def write_people(*args: Any, **kwargs: Any) -> Any:
            try:
                return real_write(*args, **kwargs)
            finally:
                marks.append(time.perf_counter())

        jobs._report_progress = timed  # type: ignore[assignment]
        load.write_people = write_people  # type: ignore[assignment]
        load._statements = statements  # type: ignore[assignment]
    started = time.perf_counter()
    with path.open("rb") as f:
        info = files.inspect(f, path.name)
        job = actions.upload_import(None, incident, f, path.name, info)
    times["upload"] = time.perf_counter() - started
    mark = time.perf_counter()
    job = jobs.check_now(job, job.mapping, [])
    times["dry run"] = time.perf_counter() - mark
    assert job.status == ImportJob.Status.VALIDATED, job.reason
    mark = time.perf_counter()
    try:
        job = jobs.import_now(job)
    finally:
        jobs._report_progress, load.write_people, load._statements = real_progress, real_write, real_statements
    times["import"] = time.perf_counter() - mark
    if steps is not None and marks:
        for name, begun, ended in zip(names, marks, marks[1:], strict=False):
            steps[name] = steps.get(name, 0.0) + ended - begun
        steps["the rest"] = times["import"] - (marks[-1] - marks[0])
    times["total"] = time.perf_counter() - started
    assert job.status == ImportJob.Status.IMPORTED, job.reason
    times["rows_valid"] = job.rows_valid
    times["added"] = job.individuals_added
    times["unchanged"] = job.individuals_unchanged
    return times


class PeakMemory:
    """The largest resident set of this process and its children together, sampled ten times a second from
    /proc while the block runs (each process's own peak would miss that they peak together)."""

    def __enter__(self) -> "PeakMemory":
        self.peak_mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()

    def own_mb(self) -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def _sample(self) -> None:
        while not self._done.wait(0.1):
            self.peak_mb = max(self.peak_mb, sum(_rss_kb(pid) for pid in _tree(os.getpid())) / 1024)


def _tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid, *(found for child in children for found in _tree(int(child)))]


def _rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0  # ended meanwhile
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def floor(path: Path, incident: Any, copy_s: float) -> None:
    def line(name: str, seconds: float) -> None:
        print(f"  {name:40} {seconds:6.1f} s  {seconds / copy_s:6.2f} x the raw COPY")

    print("Floor: work any import of this file must do, each piece timed alone")
    read, sealed = floor_read(path), floor_seal(path)
    line("read the CSV in Python", read)
    line("seal and hash 4 identifiers (one core)", sealed)
    writes = floor_write(incident)
    for name, seconds in writes.items():
        line(f"write {name}", seconds)
    line("writes, all three tables", sum(writes.values()))
    bare = floor_write(incident, indexes=False)
    line("writes, no index but primary keys", sum(bare.values()))
    line("read + seal on two cores + bare writes", read + sealed / 2 + sum(bare.values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Write the generated CSV here and keep it.")
    parser.add_argument("--reimport", action="store_true", help="Then import the same file again and time that too.")
    parser.add_argument("--floor", action="store_true", help="Then time the work no import can skip (see above).")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: this benchmark compares with COPY.")
    call_command("migrate", verbosity=0)
    path = args.keep or Path(tempfile.mkdtemp(dir=settings.VAR_DIR)) / "district-export.csv"
    started = time.perf_counter()
    generate(path, args.rows)
    size = path.stat().st_size
    print(f"Generated {args.rows:,} rows ({size / 1e6:,.0f} MB) in {time.perf_counter() - started:.1f} s")

    from incidents.models import Incident

    incident = Incident.objects.create(
        slug=f"bench-{int(time.time())}", title="Benchmark", organisation_name="Bench", discovered_on=date(2026, 1, 5)
    )
    copy_s = raw_copy(path)
    steps: dict[str, float] = {}
    with PeakMemory() as memory:
        times = pipeline(path, incident, steps)
    floor_s = sum(floor_write(incident).values())
    total = times["total"]
    print(f"Raw COPY:  {copy_s:7.1f} s  {args.rows / copy_s:12,.0f} rows/s")
    print(f"Import:    {total:7.1f} s  {args.rows / total:12,.0f} rows/s  "
          f"(upload {times['upload']:.1f} s, dry run {times['dry run']:.1f} s, import {times['import']:.1f} s; "
          f"{int(times['added']):,} people added)")  # fmt: skip
    print(f"Floor:     {floor_s:7.1f} s  the finished rows written into the three tables with their indexes")
    print(f"Ratio:     {total / floor_s:7.2f} x its floor (target: at most 2.5); {total / copy_s:.2f} x the raw COPY")
    print(f"Peak memory: {memory.peak_mb:,.0f} MB, the importing process and its checking processes together "
          f"(target: under 400 MB); {memory.own_mb():,.0f} MB the importing process alone")  # fmt: skip
    print("The import's transaction, statement by statement:")
    for name, seconds in steps.items():
        print(f"  {name:40} {seconds:6.1f} s")
    if args.reimport:
        again = pipeline(path, incident)
        print(f"Re-import: {again['total']:7.1f} s  {args.rows / again['total']:12,.0f} rows/s  "
              f"({int(again['unchanged']):,} people unchanged, {int(again['added']):,} added)")  # fmt: skip
    if args.floor:
        floor(path, incident, copy_s)
    if not args.keep:
        path.unlink()
        path.parent.rmdir()


if __name__ == "__main__":
    main()
