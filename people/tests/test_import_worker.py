"""Both steps of an import through a real Celery worker, as the browser starts them."""

import os
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from people import actions as people_actions
from people import tasks
from people.models import ImportJob, Individual, Recipient
from portal.lib import claims
from portal.testing import WorkerProcess
from portal.testing.imports import csv_bytes, upload


def _settled(worker, job: ImportJob, status: str) -> ImportJob:
    worker.wait_until(lambda: ImportJob.objects.get(pk=job.pk).status not in ImportJob.ACTIVE, seconds=60)
    done = ImportJob.objects.get(pk=job.pk)
    assert done.status == status, done.reason
    return done


def test_a_worker_checks_then_imports_a_file(transactional_db, celery_worker_process, incident, manager):
    job = upload(
        incident, csv_bytes("1,Lee,Kim,2015-01-01,1 Oak St,Town,MO,65801,,,Name", "2,,Bo,2000-01-01,,,,,,,Name")
    )
    people_actions.check_import(manager, job, job.mapping, [])
    checked = _settled(celery_worker_process, job, ImportJob.Status.VALIDATED)
    assert (checked.rows_valid, checked.rows_rejected) == (1, 1)
    assert not Individual.objects.exists()

    stored = checked.file.path
    people_actions.confirm_import(manager, checked)
    imported = _settled(celery_worker_process, job, ImportJob.Status.IMPORTED)
    assert imported.individuals_added == 1
    assert Recipient.objects.get().name == "Parent or Guardian of Kim Lee"
    # The upload is deleted once its people are in the database: just after the import commits, its row
    # naming the file until the file is gone.
    celery_worker_process.wait_until(lambda: not ImportJob.objects.get(pk=job.pk).file, seconds=10)
    assert not os.path.exists(stored)


def _worker_died(job: ImportJob) -> None:
    """A worker took the job's step and died: its claim stays, and no word comes from it."""
    silent_since = timezone.now() - claims.silence() - timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(claim="task-of-a-dead-worker", heartbeat_at=silent_since)


def test_the_sweep_hands_each_step_whose_worker_died_to_a_live_one(
    transactional_db, celery_worker_process, incident, manager
):
    job = upload(incident, csv_bytes("1,Lee,Kim,2015-01-01,1 Oak St,Town,MO,65801,,,Name"))
    people_actions.check_import(manager, job, job.mapping, [], queue=False)
    _worker_died(job)
    tasks.sweep_import_jobs.delay()  # as Celery beat sends it
    checked = _settled(celery_worker_process, job, ImportJob.Status.VALIDATED)
    assert checked.rows_valid == 1

    people_actions.confirm_import(manager, checked, queue=False)
    _worker_died(job)
    tasks.sweep_import_jobs.delay()
    imported = _settled(celery_worker_process, job, ImportJob.Status.IMPORTED)
    assert imported.individuals_added == 1
    assert Individual.objects.get().last_name == "Lee"


def test_a_prefork_worker_checks_a_file_on_several_processes(transactional_db, incident, manager, tmp_path):
    """Celery's default pool runs tasks in daemonic processes, which may not fork children of their own: the
    checking processes are started afresh (spawned) instead, and find what one process finds."""
    rows = [f"{n},Lee{n},Kim,2015-01-01,{n} Oak St,Town,MO,65801,,,Name" for n in range(1, 3001)]
    job = upload(incident, csv_bytes(*rows, "3001,,Bo,2000-01-01,,,,,,,Name"))
    people_actions.check_import(manager, job, job.mapping, [], queue=False)
    options = ("--pool", "prefork", "--concurrency", "1", "--queues", "prefork-imports")
    env = {"IMPORT_CHECK_PROCESSES": "2", "IMPORT_CHECK_PARALLEL_FROM_KB": "0"}
    worker = WorkerProcess(
        str(connection.settings_dict["NAME"]), tmp_path / "worker.log", tmp_path / "mail", *options, **env
    )
    try:
        tasks.check_import_file.apply_async((job.pk,), queue="prefork-imports")
        checked = _settled(worker, job, ImportJob.Status.VALIDATED)
    finally:
        worker.stop()
    assert (checked.rows_valid, checked.rows_rejected) == (3000, 1)
    assert checked.first_issues[0]["reason"] == "no last name"
    assert f"import {job.pk}: checking its rows in 2 processes" in (tmp_path / "worker.log").read_text()
