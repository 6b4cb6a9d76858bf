"""Checking the hash chain in the background: ask for a check, and run one (in a worker)."""

import logging
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit import api as audit
from audit.chain import GENESIS, PAGE, ChainReport, pages, verify
from audit.db import lock_chain
from audit.models import AuditEvent, TrailCheck
from portal.lib import claims

logger = logging.getLogger(__name__)

TRAIL = claims.Claims()  # TrailCheck.claim and heartbeat_at; a check saves its progress page by page besides


@transaction.atomic
def move_trail_check(
    rows: QuerySet[TrailCheck], check_id: int, to: str, *, action: str, details: dict[str, Any], also: dict[str, Any]
) -> bool:
    """The trail check's one move function, for its worker (a person only asks for a check): the check's row
    in `rows` (those the run holds) moves as its transitions table allows, and the audit row records it. A
    check the run no longer holds does not move: False, and nothing recorded."""
    if not TrailCheck.TRANSITIONS.move(rows.filter(pk=check_id), to, also=also):
        return False
    audit.record(action, actor=None, target=TrailCheck(pk=check_id), details=details)
    return True


def latest_check() -> TrailCheck | None:
    return TrailCheck.objects.order_by("-id").first()


def _is_stale(check: TrailCheck) -> bool:
    since = check.heartbeat_at or check.requested_at
    return since < timezone.now() - claims.silence()


def request_trail_check(actor: Any) -> TrailCheck:
    """Queue a check of the whole trail, unless one is already waiting or running."""
    from audit.tasks import check_trail  # the task module imports this one

    with transaction.atomic():
        lock_chain(connection)  # two requests at once must not both start a check
        pending = TrailCheck.objects.filter(status__in=[TrailCheck.Status.QUEUED, TrailCheck.Status.RUNNING]).first()
        if pending is not None:
            if _is_stale(pending):  # its worker or its message was lost: send it again
                transaction.on_commit(lambda: check_trail.delay(pending.pk))
            return pending
        up_to = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
        check = TrailCheck.objects.create(requested_by=actor, up_to_id=up_to)
        audit.record("audit.check_requested", actor=actor, target=check, details={"up_to_id": up_to})
        transaction.on_commit(lambda: check_trail.delay(check.pk))
    return check


def _claim(check_id: int, claim: str) -> int | None:
    """Take the check (when it waits, or its holder went silent); returns the last event it covers, or None
    when it is not ours (a message delivered again while its first run is alive takes nothing)."""
    claimable = Q(status=TrailCheck.Status.QUEUED) | (Q(status=TrailCheck.Status.RUNNING) & TRAIL.claimable())
    rows, claimed = TRAIL.claiming(TrailCheck.objects.filter(claimable), claim)
    taken = move_trail_check(
        rows, check_id, TrailCheck.Status.RUNNING, action="audit.check_started", details={},
        also={**claimed, "started_at": timezone.now(), "checked": 0, "last_checked_id": 0},
    )  # fmt: skip
    return TrailCheck.objects.values_list("up_to_id", flat=True).get(pk=check_id) if taken else None


def sweep() -> list[int]:
    """The checks to send to a worker again: those whose worker went silent (handed back, marked stopped),
    and those whose message no worker took."""
    now = timezone.now()
    running = TrailCheck.objects.filter(status=TrailCheck.Status.RUNNING)
    dead = list(running.filter(TRAIL.silent(now)).values_list("pk", flat=True))
    TRAIL.hand_back(running.filter(TRAIL.silent(now), pk__in=dead))
    # A queued check is free (no run took it yet); one handed back above has its beat now, so is not untaken.
    waiting = Q(status=TrailCheck.Status.QUEUED, requested_at__lt=now - claims.untaken_after())
    untaken = TrailCheck.objects.filter(TRAIL.untaken(now), waiting | Q(status=TrailCheck.Status.RUNNING))
    lost = list(untaken.values_list("pk", flat=True))
    TrailCheck.objects.filter(pk__in=lost).update(heartbeat_at=now)  # sent again once per wait, not every sweep
    return dead + lost


def run_trail_check(check_id: int, claim: str) -> None:
    """Verify the chain up to the check's last event, page by page. Safe to run twice.

    Pages are read whole, so no cursor stays open while progress is saved (on
    SQLite an open read would make that save fail). Every save is
    conditional on still holding the claim: a run that was taken over stops.
    """
    up_to_id = _claim(check_id, claim)
    if up_to_id is None:
        return
    held = TRAIL.held(TrailCheck.objects.filter(pk=check_id, status=TrailCheck.Status.RUNNING), claim)
    try:
        with TRAIL.kept_alive(held):
            report = _walk(held, up_to_id)
    except Exception:
        logger.exception("trail check %s stopped", check_id)
        move_trail_check(
            held, check_id, TrailCheck.Status.ERROR, action="audit.check_stopped", details={},
            also={"finished_at": timezone.now(), "reason": "The check stopped with an error."},
        )  # fmt: skip
        raise
    if report is not None:
        _finish(held, check_id, report)


def _walk(held: Any, up_to_id: int) -> ChainReport | None:
    report = ChainReport(0, GENESIS)
    for page in pages(up_to_id, size=PAGE):
        report = verify(page, report.head_hash, report.checked)
        if not report.ok:
            return report
        if not held.update(checked=report.checked, last_checked_id=page[-1].pk, heartbeat_at=timezone.now()):
            return None  # taken over by another run
    return report


def _finish(held: Any, check_id: int, report: ChainReport) -> None:
    status = TrailCheck.Status.PASSED if report.ok else TrailCheck.Status.FAILED
    result = {"checked": report.checked, "broken_id": report.broken_id, "reason": report.reason}
    # Only the run that still holds the claim records a result.
    move_trail_check(
        held, check_id, status, action="audit.checked",
        details={"ok": report.ok, "checked": report.checked, "broken_id": report.broken_id},
        also={**result, "finished_at": timezone.now(), "head_hash": report.head_hash},
    )  # fmt: skip
