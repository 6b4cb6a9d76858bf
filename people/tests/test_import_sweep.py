"""The sweep that hands an import step back to the workers when its worker died or its message was lost,
and what keeps it from taking a live step for dead."""

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import Incident
from people import actions as people_actions
from people import tasks
from people.importing import jobs, load, parallel
from people.importing.check import RowChecker
from people.models import ImportJob, ImportRow
from portal.lib import claims
from portal.testing.imports import csv_bytes, upload

SILENT = max(claims.silence(), claims.untaken_after()) + timedelta(minutes=1)


def _job(incident, status: str, claim: str = "dead-task", silent_for: timedelta = SILENT) -> ImportJob:
    job = upload(incident, csv_bytes("1,Lee,Kim,2015-01-01,1 Oak St,Town,MO,65801,,,Name"))
    ImportJob.objects.filter(pk=job.pk).update(status=status, claim=claim, heartbeat_at=timezone.now() - silent_for)
    return ImportJob.objects.get(pk=job.pk)


class _Elsewhere(threading.Thread):
    """`work` run on a connection of its own, as a worker would; its outcome or its error comes back."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__()
        self.work = work
        self.outcome: Any = None
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.outcome = self.work()
        except Exception as exc:
            self.error = exc
        finally:
            connection.close()

    def result(self, seconds: float = 30) -> Any:
        self.join(timeout=seconds)
        assert not self.is_alive()
        if self.error is not None:
            raise self.error
        return self.outcome


@pytest.mark.django_db
def test_a_step_whose_worker_went_silent_or_whose_message_was_lost_is_handed_back(incident):
    died = _job(incident, ImportJob.Status.VALIDATING)
    lost = _job(incident, ImportJob.Status.IMPORTING, claim="")  # queued, never taken
    busy = _job(incident, ImportJob.Status.VALIDATING, claim="live-task", silent_for=timedelta(seconds=10))
    done = _job(incident, ImportJob.Status.VALIDATED)

    assert sorted(jobs.sweep()) == sorted([(died.pk, "validating"), (lost.pk, "importing")])

    handed_back = ImportJob.objects.get(pk=died.pk)
    assert handed_back.claim == claims.STOPPED  # the next task for the step takes it; its page says so
    assert handed_back.heartbeat_at is not None
    assert handed_back.heartbeat_at > timezone.now() - timedelta(minutes=1)
    assert ImportJob.objects.get(pk=busy.pk).claim == "live-task"
    assert ImportJob.objects.get(pk=done.pk).status == ImportJob.Status.VALIDATED
    resumed = AuditEvent.objects.get(action="import.resumed")  # the worker that died, not the lost message
    assert (resumed.target_id, resumed.details) == (str(died.pk), {"step": "validating"})
    assert jobs.sweep() == []  # sent once, not again at every sweep


def test_an_import_still_writing_is_not_handed_back_however_long_it_takes(transactional_db, incident):
    writing = _job(incident, ImportJob.Status.IMPORTING, claim="live-task")  # no heartbeat while it writes

    sweeper = _Elsewhere(jobs.sweep)
    with transaction.atomic():  # the import's transaction, which holds its job's row
        ImportJob.objects.select_for_update().filter(pk=writing.pk).exists()
        sweeper.start()
        if connection.vendor == "postgresql":
            assert sweeper.result() == []  # passed over at once, not waited for
        ImportJob.objects.filter(pk=writing.pk).update(status=ImportJob.Status.IMPORTED, claim="")

    assert sweeper.result() == []  # on SQLite it waited for the one writer, then found the import done
    assert ImportJob.objects.get(pk=writing.pk).status == ImportJob.Status.IMPORTED
    assert not AuditEvent.objects.filter(action="import.resumed").exists()


def _waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees its first reading throughout
        cursor.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return bool(cursor.fetchone()[0])


def test_an_import_waiting_for_another_import_of_its_incident_is_not_handed_back(
    transactional_db, incident, monkeypatch, settings
):
    settings.CLAIM_SILENCE_SECONDS = 0  # no word for any time at all counts as silent
    waiting = _job(incident, ImportJob.Status.IMPORTING, claim="live-task")

    if connection.vendor != "postgresql":
        # SQLite has one writer: while another import writes, the sweep cannot write either; it gives up this
        # round when its wait runs out, and hands nothing back.
        monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.5)
        with transaction.atomic():  # the other import's transaction holds the write lock from its start
            Incident.objects.select_for_update().get(pk=incident.pk)
            sweeper = _Elsewhere(jobs.sweep)
            sweeper.start()
            assert sweeper.result() == []
        assert ImportJob.objects.get(pk=waiting.pk).claim == "live-task"
        assert not AuditEvent.objects.filter(action="import.resumed").exists()
        return

    importer = _Elsewhere(lambda: jobs.run_import(waiting.pk, claim="live-task"))
    with transaction.atomic():  # the other import of the incident, writing
        Incident.objects.select_for_update().get(pk=incident.pk)
        importer.start()
        deadline = time.monotonic() + 20
        while not _waits_for_a_lock():  # the import holds its job and waits for the incident
            assert time.monotonic() < deadline, "the import never came to wait for the incident"
            time.sleep(0.05)
        sweeper = _Elsewhere(jobs.sweep)
        sweeper.start()
        assert sweeper.result() == []

    importer.result()
    assert ImportJob.objects.get(pk=waiting.pk).status == ImportJob.Status.IMPORTED
    assert not AuditEvent.objects.filter(action="import.resumed").exists()


def _checking(incident, *rows: str) -> ImportJob:
    job = upload(incident, csv_bytes(*rows))
    people_actions.check_import(None, job, job.mapping, [], queue=False)
    return ImportJob.objects.get(pk=job.pk)


ROWS = [f"{n},Lee{n},Kim,2015-01-01,1 Oak St,Town,MO,65801,,,Name" for n in range(1, 5)]


@pytest.mark.django_db
def test_a_check_handed_on_while_it_ran_stages_nothing_more(incident, monkeypatch):
    job = _checking(incident, *ROWS)
    monkeypatch.setattr(jobs, "CHUNK_ROWS", 1)
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 1)  # rows are checked, then staged, one at a time
    real_check = RowChecker.check

    def check_and_lose_the_job(self, number, cells):
        if number == 3:  # the second row: meanwhile the sweep took this run for dead, and a successor the job
            ImportJob.objects.filter(pk=job.pk).update(claim="successor")
        return real_check(self, number, cells)

    monkeypatch.setattr(RowChecker, "check", check_and_lose_the_job)
    jobs.run_dry_run(job.pk, claim="slow-run")

    after = ImportJob.objects.get(pk=job.pk)
    assert (after.status, after.claim, after.error_report.name) == (ImportJob.Status.VALIDATING, "successor", "")
    assert ImportRow.objects.filter(job=job).count() == 1  # the successor's own start clears this one


@pytest.mark.django_db
def test_a_check_of_rejected_rows_still_says_it_is_alive(incident, monkeypatch):
    job = _checking(incident, *(f"{n},,Kim,2015-01-01,,,,,,,Name" for n in range(1, 5)))  # no last names
    monkeypatch.setattr(jobs, "BEAT_SECONDS", 0)
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 1)  # rows are checked, then staged, one at a time
    seen = []
    real_check = RowChecker.check

    def check_and_look(self, number, cells):
        seen.append(ImportJob.objects.get(pk=job.pk).heartbeat_at)
        return real_check(self, number, cells)

    monkeypatch.setattr(RowChecker, "check", check_and_look)
    jobs.run_dry_run(job.pk, claim="task-1")

    assert ImportJob.objects.get(pk=job.pk).rows_rejected == 4
    assert len(set(seen)) == 4  # each row found a newer word from the run than the row before


@pytest.mark.django_db
def test_a_report_written_again_replaces_the_earlier_one_only_once_it_is_in(incident):
    job = _checking(incident, *ROWS)
    jobs.run_dry_run(job.pk, claim="task-1")
    first = ImportJob.objects.get(pk=job.pk).error_report
    assert first.storage.exists(first.name)

    people_actions.check_import(None, job, job.mapping, [], queue=False)
    jobs.run_dry_run(job.pk, claim="task-2")
    second = ImportJob.objects.get(pk=job.pk).error_report
    assert second.name != first.name
    assert second.storage.exists(second.name)
    assert not first.storage.exists(first.name)


@pytest.mark.django_db
def test_the_import_page_says_a_worker_stopped_until_another_takes_the_step_over(client, incident, manager):
    job = _job(incident, ImportJob.Status.VALIDATING)
    client.force_login(manager)
    url = reverse("people:import-progress", args=[incident.slug, job.pk])
    assert "The worker stopped" not in client.get(url).content.decode()

    jobs.sweep()
    assert "The worker stopped; another will take this over." in client.get(url).content.decode()
    jobs.run_dry_run(job.pk, claim="next-run")
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.VALIDATED


@pytest.mark.django_db
def test_a_check_message_delivered_twice_does_the_work_once(incident):
    job = _checking(incident, *ROWS)
    ImportJob.objects.filter(pk=job.pk).update(claim="first-run", heartbeat_at=timezone.now())
    tasks.check_import_file.apply((job.pk,), task_id="one-message")  # while its first run is alive
    assert ImportJob.objects.get(pk=job.pk).claim == "first-run"
    assert not ImportRow.objects.filter(job=job).exists()

    ImportJob.objects.filter(pk=job.pk).update(claim="")
    for _ in range(2):  # then the same message twice, as Redis' visibility timeout sends it
        tasks.check_import_file.apply((job.pk,), task_id="one-message")
    assert ImportJob.objects.get(pk=job.pk).rows_valid == len(ROWS)
    assert ImportRow.objects.filter(job=job).count() == len(ROWS)
    assert AuditEvent.objects.filter(action="import.checked").count() == 1


def test_a_check_in_one_long_statement_is_never_taken_for_dead(transactional_db, incident, settings, monkeypatch):
    settings.CLAIM_SILENCE_SECONDS = 1
    job = _checking(incident, *ROWS)
    swept_meanwhile: list[list[tuple[int, str]]] = []
    real_without_address = load.without_address

    def long_statement(job_id: int) -> int:
        started = timezone.now()  # a statement over millions of staged rows, with the sweep looking on
        while timezone.now() - started < timedelta(seconds=3):
            swept_meanwhile.append(jobs.sweep())
            # Beat sweeps on a schedule: a sweep in a tight loop would hold SQLite's one write lock (each
            # sweep takes it) nearly all the time and starve the step's own beats.
            time.sleep(0.1)
        return real_without_address(job_id)

    monkeypatch.setattr(load, "without_address", long_statement)
    jobs.run_dry_run(job.pk, claim="slow-run")

    assert swept_meanwhile
    assert not any(swept_meanwhile)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.VALIDATED
    assert not AuditEvent.objects.filter(action="import.resumed").exists()
