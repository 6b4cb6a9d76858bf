"""The application's database role cannot change or remove audit events, even without the triggers."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from audit import api as audit
from audit.db import install_triggers, remove_triggers
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db
ROLE = "portal_app_check"


def _as_app(sql: str, params: list[int | str]) -> None:
    """Run one statement as the application's role. A failure rolls the savepoint back, role and all;
    a success resets the role, which would otherwise outlive the savepoint."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE}")
        cursor.execute(sql, params)
        cursor.execute("RESET ROLE")


def test_the_app_role_adds_audit_events_and_changes_none():
    if connection.vendor != "postgresql":
        # The embedded database has no roles: the command says so, and the triggers alone guard the trail.
        with pytest.raises(CommandError, match="Database roles are PostgreSQL's"):
            call_command("grant_app_privileges", ROLE)
        with transaction.atomic():
            audit.record("auth.login", actor=None)
        with pytest.raises(DatabaseError, match="append-only"):
            AuditEvent.objects.update(action="auth.logout")
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DO $$ BEGIN CREATE ROLE {ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    call_command("grant_app_privileges", ROLE)
    with transaction.atomic():
        audit.record("auth.login", actor=None)
    event = AuditEvent.objects.latest("id")
    remove_triggers(connection)  # the privileges alone must refuse
    try:
        with pytest.raises(DatabaseError, match="permission denied"):
            _as_app("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["auth.logout", event.pk])
        with pytest.raises(DatabaseError, match="permission denied"):
            _as_app("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        _as_app("SELECT count(*) FROM incidents_incident WHERE id = %s", [0])  # ordinary tables: readable
    finally:
        install_triggers(connection)
