"""Set-wise writes the ORM would do row by row."""

from django.db import connection
from django.db.models import Model


def delete_where(model: type[Model], column: str, value: int) -> int:
    """One DELETE for a whole incident's rows: deleting through the ORM would load every row first."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {connection.ops.quote_name(column)} = %s", [value])  # noqa: S608
        return cursor.rowcount
