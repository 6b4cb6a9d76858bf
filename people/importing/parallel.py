"""The dry run's row checks, on every core.

The file is read in the importing process (a CSV's quoted line breaks make it unsplittable unread) and its rows
go in chunks of CHUNK_ROWS to processes that check them. Each chunk comes back, in the order sent, as its tally,
its issues and its valid rows already written as the staging COPY's text (sealed, with their lookup keys and
reference codes), which the importing process stages as they are: rows are checked and sealed once, here.

The checking processes are fresh interpreters (billiard's `spawn` start method): a Celery prefork worker's
process holds a database connection, a broker connection and threads, which a fork would copy mid-flight. They
load no Django app and read no database (checking.py). At most AHEAD chunks per process are in flight, so memory
stays flat whatever the file's size. Small files, and machines with one core, are checked in the importing
process by the same function, so both paths find the same rows, issues and report.
"""

import os
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import Any

from billiard.context import SpawnContext
from django.conf import settings

from people.importing import checking
from people.importing.check import RowChecker
from people.importing.rows import SKIPPED, CheckedRow, Issue, Settings, copy_text

CHUNK_ROWS = 1000
AHEAD = 3  # chunks in flight per checking process
# The settings a check reads: a checking process is configured with these alone (checking.py).
_PASSED_SETTINGS = ("FIELD_ENCRYPTION_KEYS", "FIELD_LOOKUP_KEY", "TIME_ZONE", "USE_TZ")


@dataclass
class Chunk:
    """A chunk of rows checked: its counts, its issues in row order and its valid rows, ready to stage."""

    read: int = 0  # rows that are people's (neither blank nor a report's footer)
    valid: int = 0
    rejected: int = 0
    issues: list[Issue] = field(default_factory=list)
    staged: int = 0  # valid rows in `copy_text` or `rows`
    copy_text: str = ""  # PostgreSQL: the valid rows as COPY text lines
    rows: list[CheckedRow] = field(default_factory=list)  # SQLite: the valid rows


class ChunkChecker:
    """Checks chunks of one file's rows: in a checking process, or in the importing process itself."""

    def __init__(self, s: Settings, job_id: int, copy: bool) -> None:
        self.checker = RowChecker(s)
        self.job_id, self.copy = job_id, copy

    def __call__(self, rows: Sequence[tuple[int, list[str]]]) -> Chunk:
        chunk = Chunk()
        valid: list[CheckedRow] = []
        for number, cells in rows:
            staged, issues = self.checker.check(number, cells)
            chunk.issues += issues
            if staged is None and (not issues or issues[0].outcome == SKIPPED):
                continue  # a blank line, or a report's footer
            chunk.read += 1
            if staged is None:
                chunk.rejected += 1
            else:
                valid.append(staged)
        chunk.valid = chunk.staged = len(valid)
        if self.copy:
            chunk.copy_text = copy_text(self.job_id, valid)
        else:
            chunk.rows = valid
        return chunk


def processes(file_bytes: int) -> int:
    """How many processes check a file of this size: one per core this process may use, or as configured;
    one (this process) for a small file, whose rows are checked before the others would have started."""
    if file_bytes < settings.IMPORT_CHECK_PARALLEL_FROM_BYTES:
        return 1
    return settings.IMPORT_CHECK_PROCESSES or len(os.sched_getaffinity(0))


def checked(
    rows: Iterable[tuple[int, list[str]]], s: Settings, job_id: int, copy: bool, count: int
) -> Generator[Chunk, None, None]:
    """The rows checked, chunk by chunk in file order, by `count` processes (this one alone when 1). Close the
    iterator when stopping early: it stops the checking processes."""
    chunks = _chunks(iter(rows))
    if count <= 1:
        check = ChunkChecker(s, job_id, copy)
        yield from map(check, chunks)
        return
    passed = {name: getattr(settings, name) for name in _PASSED_SETTINGS}
    start = (passed, asdict(s), job_id, copy)  # plain values: the process unpickles them before Django
    # billiard (Celery's own multiprocessing) rather than the standard library's, which refuses children to a
    # daemonic process, as a Celery prefork worker's are; a checking process that dies (the kernel's
    # out-of-memory killer) fails its chunk, and so the check, within seconds (billiard's WorkerLostError).
    pool = SpawnContext().Pool(count, initializer=checking.start, initargs=start)  # type: ignore[attr-defined]
    try:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(checking.check, (chunk,)))
            if len(pending) >= count * AHEAD:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    finally:
        pool.terminate()


def _chunks(rows: Iterator[tuple[int, list[str]]]) -> Iterator[list[tuple[int, list[str]]]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk
