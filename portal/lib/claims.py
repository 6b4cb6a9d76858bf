"""Claimed background work: one way to take a row's work, say it is alive, and hand it back when its worker died.

A row of claimed work has a token field (which run holds it) and a time field (the last word from that run).
A run takes the work with a conditional UPDATE; while a step runs, a thread says it is alive every quarter
of the silence, so a long single statement never looks dead; Celery beat's sweep hands work back once its
run has been silent for `CLAIM_SILENCE_SECONDS`, marking it `STOPPED` until another worker takes it. Work
whose message no worker ever took (lost with a broker's restart) is sent again after
`CLAIM_UNTAKEN_SECONDS`. Tokens are per run, never the task's id: a message the broker delivers again
while its first run is alive takes nothing, since that run's word keeps its claim fresh.
"""

import logging
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, connections
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

STOPPED = "stopped"
"""The token of work the sweep handed back: its worker stopped, and the next run takes it."""


def new_token() -> str:
    """A token for one run of a step (a redelivered message is another run)."""
    return uuid.uuid4().hex


def silence() -> timedelta:
    return timedelta(seconds=settings.CLAIM_SILENCE_SECONDS)


def untaken_after() -> timedelta:
    return timedelta(seconds=settings.CLAIM_UNTAKEN_SECONDS)


def beat_seconds() -> float:
    """How often a running step says it is alive: four times within the silence that counts as dead."""
    return settings.CLAIM_SILENCE_SECONDS / 4


def _quick_lock_waits() -> None:
    """A beat waits at most half a second for a lock: the step's own transaction may hold the row (an
    import holds its job while it writes, and SQLite has one writer), and a beat missed is tried again."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET lock_timeout = '500ms'")
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 500")


@dataclass(frozen=True)
class Claims:
    """The fields of one kind of claimed work: `claim_field` names the run holding it, `beat_field` its last word."""

    claim_field: str = "claim"
    beat_field: str = "heartbeat_at"

    def free(self) -> Q:
        """Held by no run: waiting for its first, or handed back by the sweep."""
        return Q(**{f"{self.claim_field}__in": ["", STOPPED]})

    def _quiet_since(self, cutoff: datetime) -> Q:
        return Q(**{f"{self.beat_field}__lt": cutoff}) | Q(**{f"{self.beat_field}__isnull": True})

    def silent(self, now: datetime | None = None) -> Q:
        """Held by a run that has said nothing for the silence: its worker died."""
        return ~self.free() & self._quiet_since((now or timezone.now()) - silence())

    def untaken(self, now: datetime | None = None) -> Q:
        """Free for so long that its message must have been lost."""
        return self.free() & self._quiet_since((now or timezone.now()) - untaken_after())

    def claimable(self, now: datetime | None = None) -> Q:
        return self.free() | self.silent(now)

    def claiming(self, rows: "QuerySet[Any]", token: str) -> tuple["QuerySet[Any]", dict[str, Any]]:
        """The rows that are free or abandoned, and the fields that claim them for the run `token`: a claim
        that also moves a status hands both to the model's move function, which writes them with the status."""
        now = timezone.now()
        return rows.filter(self.claimable(now)), {self.claim_field: token, self.beat_field: now}

    def take(self, rows: "QuerySet[Any]", token: str, **fields: Any) -> int:
        """Claim the rows that are free or abandoned for the run `token`; how many it took."""
        claimable, claim = self.claiming(rows, token)
        return claimable.update(**claim, **fields)

    def held(self, rows: "QuerySet[Any]", token: str) -> "QuerySet[Any]":
        """The rows still held by `token`: every write of a run goes through these, so a run taken over stops."""
        return rows.filter(**{self.claim_field: token})

    def beat_now(self, held: "QuerySet[Any]") -> int:
        return held.update(**{self.beat_field: timezone.now()})

    def hand_back(self, rows: "QuerySet[Any]") -> int:
        """Mark abandoned rows free for the next run; the beat is now, so they are not sent again at once."""
        return rows.update(**{self.claim_field: STOPPED, self.beat_field: timezone.now()})

    def is_stopped(self, row: Model) -> bool:
        """Whether the row's work waits for another worker because the sweep found its own stopped (what a
        progress page says). Silence alone is not enough: a step may hold its row locked while it writes."""
        return bool(getattr(row, self.claim_field) == STOPPED)

    def beating(self, held: "QuerySet[Any]") -> "Beating":
        """Start saying the held rows are alive from a thread, until `stop()`: enter it outside any
        transaction that locks the rows, since a beat would wait for that transaction."""
        beating = Beating(self, held)
        beating.start()
        return beating

    @contextmanager
    def kept_alive(self, held: "QuerySet[Any]") -> Iterator[None]:
        """`beating` for the duration of a block, however long one of its statements takes."""
        beating = self.beating(held)
        try:
            yield
        finally:
            beating.stop()


class Beating(threading.Thread):
    def __init__(self, claims: Claims, held: "QuerySet[Any]") -> None:
        super().__init__(name="claim-beat", daemon=True)
        self.claims, self.held = claims, held
        self.stopping = threading.Event()

    def run(self) -> None:
        first = True
        try:
            while not self.stopping.wait(beat_seconds()):
                try:
                    if first:  # connected only now: most steps end before their first beat
                        _quick_lock_waits()
                        first = False
                    self.claims.beat_now(self.held)
                except DatabaseError as exc:  # the row is locked (by the step itself, perhaps): try next time
                    logger.info("claim beat missed: %s", type(exc).__name__)
        finally:
            connections.close_all()  # this thread's own connections

    def stop(self) -> None:
        self.stopping.set()
        self.join()
