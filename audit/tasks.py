from celery import shared_task

from audit import checks, heads
from portal.lib import claims


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3300, time_limit=3600)
def check_trail(check_id: int) -> None:
    """Verify the audit trail's hash chain for one TrailCheck (ids in, progress on the row).

    Each run claims the check under a token of its own: a message delivered again while the first run is
    alive takes nothing, and once that run went silent the sweep (or the redelivery) takes it over.
    """
    checks.run_trail_check(check_id, claim=claims.new_token())


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def sweep_trail_checks() -> None:
    """Send again the checks whose worker died or whose message was lost (Celery beat runs this)."""
    for check_id in checks.sweep():
        check_trail.delay(check_id)


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def publish_audit_head() -> int | None:
    """Beat, every AUDIT_HEAD_MINUTES: the trail's head to AUDIT_HEAD_LOG and the auditors' mailboxes."""
    head = heads.publish()
    return head.event_id if head else None
