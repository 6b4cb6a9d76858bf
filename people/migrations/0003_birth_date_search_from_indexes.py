from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# A last name with a date of birth (callcenter/search.py) finds the hundred-odd people born that day and keeps
# those whose surname, or their letter recipient's, is the one typed. On PostgreSQL these indexes hold what that
# check reads (ids and both surnames), so only the matches are read from the tables: individual_dob carries each
# person's id and surname, and the recipients' index on their person (the foreign key's own) carries the
# recipient's id, incident and surname. PostgreSQL only, built CONCURRENTLY and renamed to the names Django knows,
# as in 0002.


def _person_index(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> str:
    """The name Django gives the index of the recipient's foreign key to its person (and drops it by)."""
    recipient = apps.get_model("people", "Recipient")
    column = recipient._meta.get_field("individual").column
    # The schema editor's own naming (not in its typed interface): the name `migrate` gave the index.
    return schema_editor._create_index_name(recipient._meta.db_table, [column], suffix="")  # type: ignore[attr-defined]


def _replace(schema_editor: BaseDatabaseSchemaEditor, name: str, definition: str) -> None:
    """Index `name` built again as `definition`: the new one is built beside it, then takes its name. A build
    interrupted before (cancelled, or a deadlock) leaves an invalid index under the new name: it is dropped
    first, never renamed into place."""
    building = f"{name}_new"
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {building}")
    schema_editor.execute(f"CREATE INDEX CONCURRENTLY {building} {definition}")
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    schema_editor.execute(f"ALTER INDEX {building} RENAME TO {name}")


def forward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    _replace(
        schema_editor,
        "individual_dob",
        "ON incidents_individual (incident_id, date_of_birth_key) INCLUDE (id, last_name_key)",
    )
    _replace(
        schema_editor,
        _person_index(apps, schema_editor),
        "ON incidents_recipient (individual_id) INCLUDE (id, incident_id, last_name_key)",
    )


def backward(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    _replace(schema_editor, "individual_dob", "ON incidents_individual (incident_id, date_of_birth_key)")
    _replace(schema_editor, _person_index(apps, schema_editor), "ON incidents_recipient (individual_id)")


class Migration(migrations.Migration):
    atomic = False  # CREATE and DROP INDEX CONCURRENTLY refuse to run in a transaction

    dependencies = [("people", "0002_surnames_from_indexes")]

    operations = [migrations.RunPython(forward, backward)]
