import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit import api as audit
from audit.chain import GENESIS, verify_all
from audit.models import AuditEvent
from portal.testing import UserFactory, lifted_audit_triggers


def _events(n: int) -> list[AuditEvent]:
    actor = UserFactory.create(username="chain-actor")
    with transaction.atomic():
        return [
            audit.record("incident.updated", actor=actor, incident_id=7, details={"fields": ["title"]})
            for _ in range(n)
        ]


def test_each_event_links_to_the_one_before(db):
    first, second, third = _events(3)
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert verify_all().ok
    assert verify_all().checked == 3


def test_record_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        audit.record("auth.login", actor=None)


def test_unknown_action_is_refused(db):
    with transaction.atomic(), pytest.raises(ValueError, match="unknown audit action"):
        audit.record("incident.teleported", actor=None)


def test_details_take_only_plain_values(db):
    with transaction.atomic(), pytest.raises(TypeError, match="'person'"):
        audit.record("incident.updated", actor=None, details={"person": {"name": "x"}})


def test_event_keeps_the_actor_name_and_request_id(client, db):
    user = UserFactory.create(username="staff-one")
    client.post("/accounts/login/", {"username": "staff-one", "password": "correct-horse-battery-staple"})
    event = AuditEvent.objects.get(action="auth.login")
    assert (event.actor_id, event.actor_label) == (user.pk, "staff-one")
    assert len(event.request_id) == 32


def test_failed_sign_in_is_recorded_without_the_typed_name(client, db):
    client.post("/accounts/login/", {"username": "my-secret-password", "password": "nope"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert "my-secret-password" not in str(event.details) + event.actor_label


@pytest.mark.parametrize("statement", ["UPDATE audit_auditevent SET action = 'x'", "DELETE FROM audit_auditevent"])
def test_database_refuses_update_and_delete(db, statement):
    _events(1)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1


def test_emptying_the_table_is_refused(db):
    _events(1)
    # PostgreSQL has TRUNCATE; SQLite empties a table with an unqualified DELETE.
    statement = "TRUNCATE audit_auditevent" if connection.vendor == "postgresql" else "DELETE FROM audit_auditevent"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 1


def test_orm_update_and_delete_are_refused_too(db):
    (event,) = _events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(details={})
    with pytest.raises(DatabaseError), transaction.atomic():
        event.delete()


def test_verify_names_an_edited_row(db):
    events = _events(4)
    with lifted_audit_triggers():
        AuditEvent.objects.filter(pk=events[2].pk).update(details={"fields": ["hotline_phone"]})
    report = verify_all()
    assert (report.ok, report.broken_id, report.checked) == (False, events[2].pk, 2)
    assert "edited" in report.reason


def test_verify_names_the_row_after_a_deleted_one(db):
    events = _events(4)
    with lifted_audit_triggers():
        AuditEvent.objects.filter(pk=events[1].pk).delete()
    report = verify_all()
    assert report.broken_id == events[2].pk
    assert "deleted or inserted" in report.reason


def test_verify_audit_command_fails_naming_the_row(db):
    events = _events(3)
    with lifted_audit_triggers():
        AuditEvent.objects.filter(pk=events[0].pk).update(actor_label="someone-else")
    with pytest.raises(CommandError, match=f"#{events[0].pk}"):
        call_command("verify_audit")


def test_verify_audit_command_passes_on_an_intact_trail(db, capsys):
    _events(2)
    call_command("verify_audit")
    assert "intact: 2 events" in capsys.readouterr().out


def test_trail_survives_a_transactional_test(transactional_db):
    """Committed events are cleared by the flush and the triggers are back afterwards."""
    _events(2)
    assert verify_all().checked == 2


def test_triggers_are_back_after_a_transactional_test(db):
    _events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(action="x")
