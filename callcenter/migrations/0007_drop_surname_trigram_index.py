from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# The fuzzy surname search compares surnames among the rows the second detail's index finds (see
# callcenter/search.py), so the trigram index on people's surnames no longer serves it; PostgreSQL's planner
# took it for exact surname matches too, where it reads tens of thousands of entries that the name and
# date-of-birth btrees answer in a few. The pg_trgm extension stays: similarity() is its.


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS individual_last_name_trgm")


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS individual_last_name_trgm ON incidents_individual"
            " USING gin (last_name_key gin_trgm_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [("callcenter", "0006_recipient_in_people")]

    operations = [migrations.RunPython(drop, create)]
