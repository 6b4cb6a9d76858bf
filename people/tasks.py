from celery import shared_task

from people import figures
from people.importing import jobs
from people.models import ImportJob
from portal.lib import claims

# A million-row file takes minutes; the limits leave room for ten times that.
SOFT_LIMIT, HARD_LIMIT = 3 * 3600 - 60, 3 * 3600


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def check_import_file(job_id: int) -> None:
    """The dry run of one ImportJob: check every row, stage the valid ones, write the report.

    Each run claims under a token of its own, never the task's id: the same message delivered again while
    the first run is alive (Redis' visibility timeout) finds the job held, and does nothing."""
    jobs.run_dry_run(job_id, claim=claims.new_token())


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def import_file(job_id: int) -> None:
    """Write one ImportJob's staged rows to its incident in one transaction."""
    jobs.run_import(job_id, claim=claims.new_token())


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=120, time_limit=150)
def sweep_import_jobs() -> None:
    """Send again the import steps whose worker died or whose message was lost (Celery beat runs this every
    CLAIM_SWEEP_SECONDS)."""
    for job_id, status in jobs.sweep():
        (check_import_file if status == ImportJob.Status.VALIDATING else import_file).delay(job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def count_incident_figures(incident_id: int) -> bool:
    """Count an incident's people after a change (safe to run twice: a second run finds nothing waiting)."""
    return figures.refresh(incident_id)
