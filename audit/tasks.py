from celery import shared_task

from audit import checks


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3300, time_limit=3600)
def check_trail(check_id: int) -> None:
    """Verify the audit trail's hash chain for one TrailCheck (ids in, progress on the row)."""
    checks.run_trail_check(check_id)
