import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, models, transaction

from audit import api as audit
from audit.chain import GENESIS, compute_hash, verify_all
from audit.db import install_triggers, remove_triggers, triggers_installed
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


def test_a_tests_own_transaction_does_not_count(db):
    """pytest-django wraps this test in a transaction; a request, signal or task reaching `record` without
    opening its own still fails here as it would in production."""
    with pytest.raises(RuntimeError, match="inside the action's transaction"):
        audit.record("auth.login", actor=None)
    with transaction.atomic():
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
    out = capsys.readouterr().out
    assert "intact: 2 events" in out
    assert "Head: " in out


def test_trail_survives_a_transactional_test(transactional_db):
    """Committed events are cleared by the flush and the triggers are back afterwards."""
    _events(2)
    assert verify_all().checked == 2


def test_triggers_are_back_after_a_transactional_test(db):
    _events(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(action="x")


def test_a_second_row_linking_to_the_same_event_is_refused(db):
    first, _ = _events(2)
    fork = AuditEvent(occurred_at=first.occurred_at, action="auth.login", prev_hash=first.hash, hash="e" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save(force_insert=True)


def test_verify_names_a_row_inserted_behind_the_portals_back(db):
    _, second = _events(2)
    forged = AuditEvent(
        occurred_at=second.occurred_at,
        action="incident.updated",
        incident_id=7,
        details={"fields": ["hotline_phone"]},
        prev_hash="d" * 64,
    )
    forged.hash = compute_hash(forged)
    with lifted_audit_triggers():
        forged.save(force_insert=True)
    report = verify_all()
    assert report.broken_id == forged.pk


def test_anchor_catches_a_trail_rewritten_and_rehashed(db, capsys):
    events = _events(3)
    call_command("verify_audit")
    head = capsys.readouterr().out.split("Head: ")[1].strip()
    assert head == f"{events[-1].pk}:{events[-1].hash}"
    # Someone edits a row and recomputes every hash after it: the chain alone still verifies.
    previous = GENESIS
    with lifted_audit_triggers():
        for event in AuditEvent.objects.order_by("id"):
            event.prev_hash = previous
            if event.pk == events[0].pk:
                event.actor_label = "someone-else"
            event.hash = compute_hash(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                actor_label=event.actor_label, prev_hash=event.prev_hash, hash=event.hash
            )
            previous = event.hash
    call_command("verify_audit")
    with pytest.raises(CommandError, match="rewritten"):
        call_command("verify_audit", "--anchor", head)


def test_anchor_catches_events_cut_from_the_end(db):
    events = _events(3)
    with lifted_audit_triggers():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    call_command("verify_audit")  # a shorter chain is still a valid chain
    with pytest.raises(CommandError, match="missing"):
        call_command("verify_audit", "--anchor", f"{events[-1].pk}:{events[-1].hash}")


def test_verify_audit_reports_missing_triggers(db):
    _events(1)
    remove_triggers(connection)
    try:
        with pytest.raises(CommandError, match="triggers are missing"):
            call_command("verify_audit")
    finally:
        install_triggers(connection)


def test_triggers_come_back_when_a_migration_rebuilds_the_table(transactional_db):
    """SQLite drops a table's triggers when an ALTER rebuilds it; migrate puts them back."""
    from django.core.management import call_command as run

    with connection.schema_editor() as editor:
        field = AuditEvent._meta.get_field("target_type")
        changed: models.CharField[str, str] = models.CharField(max_length=65, blank=True)
        changed.set_attributes_from_name("target_type")
        changed.model = AuditEvent
        editor.alter_field(AuditEvent, field, changed)
        editor.alter_field(AuditEvent, changed, field)
    run("migrate", verbosity=0)
    assert triggers_installed(connection)
