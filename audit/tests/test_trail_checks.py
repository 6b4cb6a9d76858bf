import threading
from datetime import timedelta

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from audit import api as audit
from audit import checks, tasks
from audit.models import AuditEvent, TrailCheck
from portal.lib import claims
from portal.testing import lifted_audit_triggers


def _events(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit.record("incident.updated", actor=None, incident_id=1, details={"fields": ["title"]}) for _ in range(n)
        ]


def _finished(worker, check: TrailCheck) -> TrailCheck:
    worker.wait_until(lambda: TrailCheck.objects.get(pk=check.pk).is_finished)
    return TrailCheck.objects.get(pk=check.pk)


def test_a_worker_checks_the_trail_and_records_the_result(transactional_db, celery_worker_process, auditor):
    _events(30)
    check = checks.request_trail_check(auditor)
    done = _finished(celery_worker_process, check)
    assert done.status == TrailCheck.Status.PASSED
    assert done.checked == AuditEvent.objects.filter(id__lte=done.up_to_id).count() >= 30
    assert done.head_hash == AuditEvent.objects.get(pk=done.up_to_id).hash
    assert AuditEvent.objects.filter(action="audit.checked", target_id=str(check.pk)).exists()


def test_a_worker_finds_an_edited_event(transactional_db, celery_worker_process, auditor):
    events = _events(5)
    with lifted_audit_triggers():
        AuditEvent.objects.filter(pk=events[3].pk).update(details={"fields": ["notice_on"]})
    done = _finished(celery_worker_process, checks.request_trail_check(auditor))
    assert (done.status, done.broken_id) == (TrailCheck.Status.FAILED, events[3].pk)


def test_asking_again_while_a_check_waits_returns_that_check(db, auditor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as sent:
        first = checks.request_trail_check(auditor)
        second = checks.request_trail_check(auditor)
    assert first.pk == second.pk
    assert len(sent) == 1


def test_running_a_check_twice_does_the_work_once(db, auditor):
    last = _events(3)[-1]
    check = TrailCheck.objects.create(up_to_id=last.pk)
    checks.run_trail_check(check.pk, claim="task-1")
    checks.run_trail_check(check.pk, claim="task-1")
    checks.run_trail_check(check.pk, claim="task-2")
    assert AuditEvent.objects.filter(action="audit.checked").count() == 1


def test_a_check_whose_worker_died_is_taken_over(db, auditor, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - claims.silence() - timedelta(minutes=1)
    stuck = TrailCheck.objects.create(
        status=TrailCheck.Status.RUNNING, claim="lost-task", started_at=long_ago, heartbeat_at=long_ago
    )
    with django_capture_on_commit_callbacks() as sent:
        assert checks.request_trail_check(auditor).pk == stuck.pk
    assert len(sent) == 1  # sent to a worker again
    checks.run_trail_check(stuck.pk, claim="new-task")
    assert TrailCheck.objects.get(pk=stuck.pk).status == TrailCheck.Status.PASSED


def test_a_live_check_is_not_taken_over(db):
    busy = TrailCheck.objects.create(status=TrailCheck.Status.RUNNING, claim="task-1", heartbeat_at=timezone.now())
    checks.run_trail_check(busy.pk, claim="task-2")
    assert TrailCheck.objects.get(pk=busy.pk).claim == "task-1"
    assert not AuditEvent.objects.filter(action="audit.checked").exists()


def test_a_run_of_a_message_delivered_again_takes_nothing_while_the_first_run_is_alive(db):
    """A broker delivers a message again (Redis' visibility timeout) while its first run is alive: the second
    run has a token of its own and finds the check held; once the first run has gone silent, it takes over."""
    _events(2)
    alive = TrailCheck.objects.create(status=TrailCheck.Status.RUNNING, claim="first-run", heartbeat_at=timezone.now())
    tasks.check_trail.apply((alive.pk,), task_id="same-message")
    tasks.check_trail.apply((alive.pk,), task_id="same-message")
    assert TrailCheck.objects.get(pk=alive.pk).claim == "first-run"

    TrailCheck.objects.filter(pk=alive.pk).update(heartbeat_at=timezone.now() - claims.silence() - timedelta(seconds=1))
    tasks.check_trail.apply((alive.pk,), task_id="same-message")
    assert TrailCheck.objects.get(pk=alive.pk).status == TrailCheck.Status.PASSED
    assert AuditEvent.objects.filter(action="audit.checked").count() == 1


def test_the_sweep_hands_back_a_silent_check_and_sends_a_lost_one_again(db):
    now = timezone.now()
    silent = TrailCheck.objects.create(
        status=TrailCheck.Status.RUNNING, claim="dead-run", heartbeat_at=now - claims.silence() - timedelta(seconds=1)
    )
    alive = TrailCheck.objects.create(status=TrailCheck.Status.RUNNING, claim="live-run", heartbeat_at=now)
    lost = TrailCheck.objects.create()
    TrailCheck.objects.filter(pk=lost.pk).update(requested_at=now - claims.untaken_after() - timedelta(seconds=1))
    waiting = TrailCheck.objects.create()

    assert sorted(checks.sweep()) == sorted([silent.pk, lost.pk])
    assert TrailCheck.objects.get(pk=silent.pk).claim == claims.STOPPED
    assert TrailCheck.objects.get(pk=alive.pk).claim == "live-run"
    assert checks.sweep() == []  # sent once, not at every sweep
    checks.run_trail_check(silent.pk, claim="next-run")
    assert TrailCheck.objects.get(pk=silent.pk).status == TrailCheck.Status.PASSED
    assert TrailCheck.objects.get(pk=waiting.pk).status == TrailCheck.Status.QUEUED


def _check_in_pages_of_five(monkeypatch, before_each_page) -> tuple[TrailCheck, AuditEvent]:
    """A check over 12 events, read five at a time, with something happening before each page."""
    last = _events(12)[-1]
    check = TrailCheck.objects.create(up_to_id=last.pk)
    monkeypatch.setattr(checks, "PAGE", 5)
    real_verify = checks.verify

    def verify_after(*args, **kwargs):
        before_each_page(check)
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(checks, "verify", verify_after)
    checks.run_trail_check(check.pk, claim="task-1")
    return TrailCheck.objects.get(pk=check.pk), last


def test_a_run_that_was_taken_over_records_nothing(db, monkeypatch):
    def taken_over(check):
        TrailCheck.objects.filter(pk=check.pk).update(claim="someone-else")

    done, _ = _check_in_pages_of_five(monkeypatch, taken_over)
    assert done.status == TrailCheck.Status.RUNNING
    assert not AuditEvent.objects.filter(action="audit.checked").exists()


def test_progress_is_saved_while_others_write(transactional_db, monkeypatch):
    """Pages are read whole, so saving progress never waits on a read of our own (SQLite)."""

    def a_sign_in_meanwhile(check):
        writer = threading.Thread(target=_sign_in_elsewhere)
        writer.start()
        writer.join()

    done, last = _check_in_pages_of_five(monkeypatch, a_sign_in_meanwhile)
    assert (done.status, done.checked, done.last_checked_id) == (TrailCheck.Status.PASSED, 12, last.pk)


def _sign_in_elsewhere() -> None:
    try:
        with transaction.atomic():
            audit.record("auth.login", actor=None)
    finally:
        connection.close()


def test_audit_screen_shows_progress_then_result(client, auditor):
    client.force_login(auditor)
    client.post(reverse("audit:trail-check-start"))
    check = TrailCheck.objects.get()
    page = client.get(reverse("audit:audit-log")).content.decode()
    assert "Waiting for a worker" in page
    assert f'hx-get="{reverse("audit:trail-check-detail", args=[check.pk])}"' in page
    checks.run_trail_check(check.pk, claim="task-1")
    partial = client.get(reverse("audit:trail-check-detail", args=[check.pk])).content.decode()
    assert "Intact." in partial
    assert "hx-get" not in partial  # polling stops once the check is finished


def test_a_finished_poll_announces_the_result_once(client, auditor):
    client.force_login(auditor)
    check = TrailCheck.objects.create(status=TrailCheck.Status.PASSED, up_to_id=3, checked=3)
    partial = client.get(reverse("audit:trail-check-detail", args=[check.pk])).content.decode()
    assert 'id="trail-check-announce" hx-swap-oob="innerHTML">Trail check finished: Intact.' in partial


def test_polling_after_the_session_ended_sends_the_page_to_sign_in(client, db):
    check = TrailCheck.objects.create()
    response = client.get(reverse("audit:trail-check-detail", args=[check.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(reverse("accounts:login"))
