"""Database triggers that make the audit table append-only.

The application never updates or deletes an audit row; these triggers make
the database refuse it too, so a bug or a hand-typed query cannot quietly
rewrite history. Anything that gets past them is caught by the hash chain
(`manage.py verify_audit`).
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"

_POSTGRES_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit events are append-only: % refused on {TABLE}', TG_OP;
    END
    $$
    """,
    f"""CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    f"""CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]
_POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_event_append_only ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_event_no_truncate ON {TABLE}",
]
_SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused on {TABLE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused on {TABLE}'); END""",
]
_SQLITE_REMOVE = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]


def _statements(connection: BaseDatabaseWrapper, install: bool) -> list[str]:
    if connection.vendor == "postgresql":
        return _POSTGRES_INSTALL if install else _POSTGRES_REMOVE
    if connection.vendor == "sqlite":
        return _SQLITE_INSTALL if install else _SQLITE_REMOVE
    raise NotImplementedError(f"no append-only triggers for the {connection.vendor} database")


def install_triggers(connection: BaseDatabaseWrapper) -> None:
    statements = _statements(connection, install=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in _POSTGRES_REMOVE:
                cursor.execute(statement)
        for statement in statements:
            cursor.execute(statement)


def reinstall_after_migrate(using: str = "default", **kwargs: object) -> None:
    from django.db import connections

    connection = connections[using]
    if TABLE in connection.introspection.table_names():
        install_triggers(connection)


def triggers_installed(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [TABLE])
            return bool(cursor.fetchone()[0] == 2)
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
        return bool(cursor.fetchone()[0] == 2)


def remove_triggers(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _statements(connection, install=False):
            cursor.execute(statement)


_LOCK_SQL = "SELECT pg_advisory_xact_lock(7301)"


def lock_chain(connection: BaseDatabaseWrapper) -> None:
    """Serialise appends so that two transactions never link to the same row.

    PostgreSQL: a transaction-scoped advisory lock, held until commit.
    SQLite: the connection opens transactions IMMEDIATE, so the write lock
    is already held.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_LOCK_SQL)


def lock_chain_and_read_head(connection: BaseDatabaseWrapper) -> str | None:
    """`lock_chain`, then the hash of the chain's last row (None when empty), read once the lock is held.

    On PostgreSQL in one round trip: the two statements go as one simple query, in which each statement takes
    a snapshot of its own when it starts (READ COMMITTED), so the read sees a row another append committed
    while this one waited for the lock. A single statement would not: its snapshot predates the wait."""
    head = f"SELECT hash FROM {connection.ops.quote_name(TABLE)} ORDER BY id DESC LIMIT 1"  # noqa: S608 (a name)
    with connection.cursor() as cursor:
        cursor.execute(f"{_LOCK_SQL}; {head}" if connection.vendor == "postgresql" else head)
        # psycopg2 leaves the cursor on the last statement's rows; a driver that kept the first would read the
        # lock's row here and break the chain, so this refuses to go on rather than link to the wrong row.
        if cursor.description is None or cursor.description[0][0] != "hash":
            raise RuntimeError("the audit chain's head was not read after taking its lock")
        row = cursor.fetchone()
    return None if row is None else str(row[0])
