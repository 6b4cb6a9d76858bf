from typing import Any

from celery import shared_task

from audit import checks, heads


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, soft_time_limit=3300, time_limit=3600)
def check_trail(self: Any, check_id: int) -> None:
    """Verify the audit trail's hash chain for one TrailCheck (ids in, progress on the row).

    The task id is the claim: a message delivered again after its worker was
    lost carries the same id and may take its check back at once.
    """
    checks.run_trail_check(check_id, claim=self.request.id or "")


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def publish_audit_head() -> int | None:
    """Beat, every AUDIT_HEAD_MINUTES: the trail's head to AUDIT_HEAD_LOG and the auditors' mailboxes."""
    head = heads.publish()
    return head.event_id if head else None
