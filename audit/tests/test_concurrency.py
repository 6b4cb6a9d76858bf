"""Two writers appending at once must still leave one unbroken chain."""

import threading

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
