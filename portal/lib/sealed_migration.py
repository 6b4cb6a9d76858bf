"""Changing sealed columns in place: sealing the plain identifiers already stored when a column becomes
sealed (a migration's step) and back, and sealing again under the newest key (`rotate_field_keys`).

Raw columns by id, in batches, so a table of millions is never held in memory, and without the model
fields, which a migration must not rely on.
"""

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from portal.lib import fieldcrypt

_BATCH = 5000

# (column, kind, lookup key column or "")
Columns = Sequence[tuple[str, str, str]]


def each_batch(
    connection: BaseDatabaseWrapper,
    table: str,
    columns: Columns,
    change: Callable[[list[Any]], list[Any] | None],
    batch_done: Callable[[int], None] | None = None,
    guarded: bool = False,
) -> None:
    """Pass each row's column values to `change`; write back what it returns (the columns, then the lookup
    keys), or leave the row when it returns None. `batch_done` hears how many rows each batch changed.

    `guarded` (while the portal serves): a row is written only if its columns still hold what was read, so
    a value the portal changed in between is never overwritten with the old one."""
    names = ", ".join(column for column, _, _ in columns)
    assigned = [f"{column} = %s" for column, _, _ in columns]
    assigned += [f"{key} = %s" for _, _, key in columns if key]
    same = "IS NOT DISTINCT FROM" if connection.vendor == "postgresql" else "IS"
    unchanged = "".join(f" AND {column} {same} %s" for column, _, _ in columns) if guarded else ""
    update = f"UPDATE {table} SET {', '.join(assigned)} WHERE id = %s{unchanged}"  # noqa: S608 - constant names
    last = 0
    while True:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {names} FROM {table} WHERE id > %s ORDER BY id LIMIT {_BATCH}", [last])  # noqa: S608
            rows = cursor.fetchall()
            if not rows:
                return
            changed = [(values, row) for row in rows if (values := change(list(row[1:]))) is not None]
            if guarded:
                written = 0
                for values, row in changed:
                    cursor.execute(update, [*values, row[0], *row[1:]])
                    written += cursor.rowcount
            else:
                cursor.executemany(update, [[*values, row[0]] for values, row in changed])
                written = len(changed)
            last = rows[-1][0]
        if batch_done is not None:
            batch_done(written)


def _plain(value: Any, kind: str) -> str:
    plain = fieldcrypt.plain_text(value)
    if kind == "date_of_birth" and plain:
        try:
            date.fromisoformat(plain)
        except ValueError:
            raise ValueError("a stored date of birth is not in ISO form; nothing was sealed") from None
    return plain


def seal_columns(schema_editor: BaseDatabaseSchemaEditor, table: str, columns: Columns, nullable: set[str]) -> None:
    """Seal each plain value and fill its lookup key."""

    def change(values: list[Any]) -> list[Any]:
        plains = [_plain(value, kind) for value, (_, kind, _) in zip(values, columns, strict=True)]
        sealed = [
            None if not plain and column in nullable else fieldcrypt.seal(plain, kind)
            for plain, (column, kind, _) in zip(plains, columns, strict=True)
        ]
        keys = [fieldcrypt.lookup(plain, kind) for plain, (_, kind, key) in zip(plains, columns, strict=True) if key]
        return [*sealed, *keys]

    each_batch(schema_editor.connection, table, columns, change)


def open_columns(schema_editor: BaseDatabaseSchemaEditor, table: str, columns: Columns, nullable: set[str]) -> None:
    """The reverse: the plain values back (a date as its ISO text), lookup keys emptied."""

    def change(values: list[Any]) -> list[Any]:
        opened = [
            (None if column in nullable else "") if not value else fieldcrypt.open_sealed(value, kind)
            for value, (column, kind, _) in zip(values, columns, strict=True)
        ]
        return [*opened, *("" for _, _, key in columns if key)]

    each_batch(schema_editor.connection, table, columns, change)
