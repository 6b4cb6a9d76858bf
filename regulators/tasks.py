from celery import shared_task
from django.utils import timezone

from regulators import digest


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(digest.DigestsFailed,),
    retry_backoff=300,
    max_retries=5,
)
def send_obligation_digests() -> int:
    """Celery beat's daily task: tell managers what their incidents owe soon or late."""
    return digest.send_digests(timezone.localdate())
