"""Checking the hash chain in the background: ask for a check, and run one (in a worker)."""

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from audit import api as audit
from audit.chain import verify
from audit.models import AuditEvent, TrailCheck

logger = logging.getLogger(__name__)

# A check still "running" after this long lost its worker (the task's hard
# time limit is shorter), so another worker may take it over.
STALE_AFTER = timedelta(minutes=65)


def latest_check() -> TrailCheck | None:
    return TrailCheck.objects.order_by("-id").first()


def request_trail_check(actor: Any) -> TrailCheck:
    """Queue a check of the whole trail, unless one is already waiting or running."""
    from audit.tasks import check_trail  # the task module imports this one

    with transaction.atomic():
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


def _is_stale(check: TrailCheck) -> bool:
    since = check.started_at or check.requested_at
    return since < timezone.now() - STALE_AFTER


def _claim(check_id: int) -> bool:
    now = timezone.now()
    claimable = Q(status=TrailCheck.Status.QUEUED) | Q(
        status=TrailCheck.Status.RUNNING, started_at__lt=now - STALE_AFTER
    )
    return bool(
        TrailCheck.objects.filter(claimable, pk=check_id).update(
            status=TrailCheck.Status.RUNNING, started_at=now, checked=0
        )
    )


def run_trail_check(check_id: int) -> None:
    """Verify the chain up to the check's last event, saving progress as it goes. Safe to run twice."""
    if not _claim(check_id):
        return
    check = TrailCheck.objects.get(pk=check_id)
    running = TrailCheck.objects.filter(pk=check_id, status=TrailCheck.Status.RUNNING)
    events = AuditEvent.objects.filter(id__lte=check.up_to_id).order_by("id").iterator(chunk_size=5000)

    def progress(checked: int) -> None:
        running.update(checked=checked)

    try:
        report = verify(events, on_progress=progress)
    except Exception:
        logger.exception("trail check %s stopped", check_id)
        running.update(
            status=TrailCheck.Status.ERROR, finished_at=timezone.now(), reason="The check stopped with an error."
        )
        raise
    status = TrailCheck.Status.PASSED if report.ok else TrailCheck.Status.FAILED
    with transaction.atomic():
        running.update(
            status=status,
            finished_at=timezone.now(),
            checked=report.checked,
            broken_id=report.broken_id,
            reason=report.reason,
            head_hash=report.head_hash,
        )
        details = {"ok": report.ok, "checked": report.checked, "broken_id": report.broken_id}
        audit.record("audit.checked", actor=None, target=check, details=details)
