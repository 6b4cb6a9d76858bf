from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The misspelt-surname search (callcenter/search.py) ranks a ZIP code's thousand-odd recipients by how close
# their surnames, and their people's, are to the one typed. Those rows sit on as many pages of each table; on
# PostgreSQL these indexes hold what the ranking reads (ids and surnames), so only the closest rows are read
# from the tables. PostgreSQL only: SQLite has no INCLUDE columns, and a second index on a rowid table's id
# would only cost its imports. Built CONCURRENTLY (outside a transaction), so a large incident's tables stay
# open to lookups and rendering while they build; recipient_postal_name keeps its name, which the model names.

# A build interrupted before (cancelled, or a deadlock) leaves an invalid index behind: each run drops what it
# is about to build first, so that no invalid index is kept or renamed into place.
_FORWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS individual_surname_by_id",
    "DROP INDEX CONCURRENTLY IF EXISTS recipient_postal_name_ids",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS individual_surname_by_id"
    " ON incidents_individual (id) INCLUDE (last_name_key)",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS recipient_postal_name_ids"
    " ON incidents_recipient (incident_id, postal_code, last_name_key) INCLUDE (id, individual_id)",
    "DROP INDEX CONCURRENTLY IF EXISTS recipient_postal_name",
    "ALTER INDEX recipient_postal_name_ids RENAME TO recipient_postal_name",
]
_BACKWARD = [
    "DROP INDEX CONCURRENTLY IF EXISTS recipient_postal_name_plain",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS recipient_postal_name_plain"
    " ON incidents_recipient (incident_id, postal_code, last_name_key)",
    "DROP INDEX CONCURRENTLY IF EXISTS recipient_postal_name",
    "ALTER INDEX recipient_postal_name_plain RENAME TO recipient_postal_name",
    "DROP INDEX CONCURRENTLY IF EXISTS individual_surname_by_id",
]


def _run(statements: list[str], schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        for statement in statements:
            schema_editor.execute(statement)


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(_FORWARD, schema_editor)


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _run(_BACKWARD, schema_editor)


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY refuse to run in a transaction

    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
