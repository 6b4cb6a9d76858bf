"""The sweep that hands an import step back to the workers when its worker died or its message was lost."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from audit.models import AuditEvent
from incidents.importing import jobs
from incidents.models import ImportJob
from incidents.tests.importing import csv_bytes, upload

SILENT = jobs.STALE_AFTER + timedelta(minutes=1)


def _job(incident, status: str, claim: str = "dead-task", silent_for: timedelta = SILENT) -> ImportJob:
    job = upload(incident, csv_bytes("1,Lee,Kim,2015-01-01,1 Oak St,Town,MO,65801,,,Name"))
    ImportJob.objects.filter(pk=job.pk).update(status=status, claim=claim, heartbeat_at=timezone.now() - silent_for)
    return ImportJob.objects.get(pk=job.pk)


@pytest.mark.django_db
def test_a_step_whose_worker_went_silent_or_whose_message_was_lost_is_handed_back(incident):
    died = _job(incident, ImportJob.Status.VALIDATING)
    lost = _job(incident, ImportJob.Status.IMPORTING, claim="")  # queued, never taken
    busy = _job(incident, ImportJob.Status.VALIDATING, claim="live-task", silent_for=timedelta(minutes=1))
    done = _job(incident, ImportJob.Status.VALIDATED)

    assert sorted(jobs.sweep()) == sorted([(died.pk, "validating"), (lost.pk, "importing")])

    handed_back = ImportJob.objects.get(pk=died.pk)
    assert handed_back.claim == ""  # the next task for the step takes it
    assert handed_back.heartbeat_at is not None
    assert handed_back.heartbeat_at > timezone.now() - timedelta(minutes=1)
    assert ImportJob.objects.get(pk=busy.pk).claim == "live-task"
    assert ImportJob.objects.get(pk=done.pk).status == ImportJob.Status.VALIDATED
    resumed = AuditEvent.objects.get(action="import.resumed")  # the worker that died, not the lost message
    assert (resumed.target_id, resumed.details) == (str(died.pk), {"step": "validating"})
    assert jobs.sweep() == []  # sent once, not again at every sweep


def test_an_import_still_writing_is_not_handed_back_however_long_it_takes(transactional_db, incident):
    writing = _job(incident, ImportJob.Status.IMPORTING, claim="live-task")  # no heartbeat while it writes
    swept: list[tuple[int, str]] = []

    def sweep() -> None:
        try:
            swept.extend(jobs.sweep())
        finally:
            connection.close()

    sweeper = threading.Thread(target=sweep)
    with transaction.atomic():  # the import's transaction, which holds its job's row
        ImportJob.objects.select_for_update().filter(pk=writing.pk).exists()
        sweeper.start()
        sweeper.join(timeout=3)
        if connection.vendor == "postgresql":
            assert not sweeper.is_alive()  # passed over at once, not waited for
        ImportJob.objects.filter(pk=writing.pk).update(status=ImportJob.Status.IMPORTED, claim="")
    sweeper.join(timeout=30)  # on SQLite the one writer finishes first

    assert not sweeper.is_alive()
    assert swept == []
    assert ImportJob.objects.get(pk=writing.pk).status == ImportJob.Status.IMPORTED
    assert not AuditEvent.objects.filter(action="import.resumed").exists()
