"""Two writers appending at once must still leave one unbroken chain."""

import threading
import time

from django.db import connection, transaction

from audit import api as audit
from audit.chain import verify_all
from audit.models import AuditEvent

WRITERS, EACH = 4, 15


def _append(errors: list[BaseException], start: threading.Barrier) -> None:
    try:
        start.wait()
        for _ in range(EACH):
            with transaction.atomic():
                audit.record("incident.updated", actor=None, incident_id=1, details={"fields": ["title"]})
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)
    finally:
        connection.close()


def test_concurrent_appends_keep_one_chain(transactional_db):
    errors: list[BaseException] = []
    start = threading.Barrier(WRITERS)
    threads = [threading.Thread(target=_append, args=(errors, start)) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert AuditEvent.objects.count() == WRITERS * EACH
    report = verify_all()
    assert report.ok, report.reason
    assert report.checked == WRITERS * EACH


def _until_another_waits_for_the_lock() -> None:
    """On PostgreSQL, until the lock table shows a session waiting for the chain's lock; on SQLite, whose
    waiting writer the lock table cannot show, half a second."""
    if connection.vendor != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the second append never waited for the chain's lock")


def test_an_append_that_waited_for_the_lock_links_to_the_row_committed_meanwhile(transactional_db):
    """The second append reads the chain's head after the first one's commit let it have the lock."""
    holding, errors = threading.Event(), list[BaseException]()

    def first() -> None:
        try:
            with transaction.atomic():
                audit.record("incident.updated", actor=None, incident_id=1, details={"fields": ["title"]})
                holding.set()
                _until_another_waits_for_the_lock()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert holding.wait(10)
    with transaction.atomic():
        second = audit.record("incident.updated", actor=None, incident_id=1, details={"fields": ["summary"]})
    thread.join(timeout=10)
    assert errors == []
    first_event = AuditEvent.objects.get(details={"fields": ["title"]})
    assert second.prev_hash == first_event.hash
    assert verify_all().ok
