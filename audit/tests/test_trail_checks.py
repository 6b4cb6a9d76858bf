from datetime import timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit import api as audit
from audit import checks
from audit.models import AuditEvent, TrailCheck
from portal.testing import lifted_audit_triggers, wait_until


def _events(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit.record("incident.updated", actor=None, incident_id=1, details={"fields": ["title"]}) for _ in range(n)
        ]


def _finished(check: TrailCheck) -> TrailCheck:
    wait_until(lambda: TrailCheck.objects.get(pk=check.pk).is_finished)
    return TrailCheck.objects.get(pk=check.pk)


def test_a_worker_checks_the_trail_and_records_the_result(transactional_db, celery_worker_process, auditor):
    _events(30)
    check = checks.request_trail_check(auditor)
    done = _finished(check)
    assert done.status == TrailCheck.Status.PASSED
    assert done.checked == AuditEvent.objects.filter(id__lte=done.up_to_id).count() >= 30
    assert done.head_hash == AuditEvent.objects.get(pk=done.up_to_id).hash
    assert AuditEvent.objects.filter(action="audit.checked", target_id=str(check.pk)).exists()


def test_a_worker_finds_an_edited_event(transactional_db, celery_worker_process, auditor):
    events = _events(5)
    with lifted_audit_triggers():
        AuditEvent.objects.filter(pk=events[3].pk).update(details={"fields": ["notice_on"]})
    done = _finished(checks.request_trail_check(auditor))
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
    checks.run_trail_check(check.pk)
    checks.run_trail_check(check.pk)
    assert AuditEvent.objects.filter(action="audit.checked").count() == 1


def test_a_check_whose_worker_died_is_taken_over(db, auditor, django_capture_on_commit_callbacks):
    long_ago = timezone.now() - checks.STALE_AFTER - timedelta(minutes=1)
    stuck = TrailCheck.objects.create(status=TrailCheck.Status.RUNNING, started_at=long_ago)
    with django_capture_on_commit_callbacks() as sent:
        assert checks.request_trail_check(auditor).pk == stuck.pk
    assert len(sent) == 1  # sent to a worker again
    checks.run_trail_check(stuck.pk)
    assert TrailCheck.objects.get(pk=stuck.pk).status == TrailCheck.Status.PASSED


def test_audit_screen_shows_progress_then_result(client, auditor):
    client.force_login(auditor)
    client.post(reverse("incidents:trail-check-start"))
    check = TrailCheck.objects.get()
    page = client.get(reverse("incidents:audit-log")).content.decode()
    assert "Waiting for a worker" in page
    assert f'hx-get="{reverse("incidents:trail-check-detail", args=[check.pk])}"' in page
    checks.run_trail_check(check.pk)
    partial = client.get(reverse("incidents:trail-check-detail", args=[check.pk])).content.decode()
    assert "Intact." in partial
    assert "hx-get" not in partial  # polling stops once the check is finished
