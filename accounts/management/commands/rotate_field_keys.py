"""Seal every sealed identifier again under the newest key of FIELD_ENCRYPTION_KEYS.

Put the new key first in FIELD_ENCRYPTION_KEYS (keeping the old ones after it), restart the web server and
the workers, then run this. It works in batches, each in its own transaction, so it can run while the portal
serves and can be stopped and run again; `--check` only counts. Once it reports nothing left under an older
key, that key may be removed from FIELD_ENCRYPTION_KEYS. The lookup hashes (FIELD_LOOKUP_KEY) are not
touched: they do not depend on the sealing key.
"""

from collections import Counter
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from audit import api as audit
from portal.lib import fieldcrypt
from portal.lib.sealed_fields import sealed_columns
from portal.lib.sealed_migration import each_batch


class Command(BaseCommand):
    help = "Seal every sealed identifier (dates of birth, external IDs, phones, emails) under the newest key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Only count the values under each key.")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        current = fieldcrypt.keys().current
        tables = sealed_columns(apps.get_models())
        if check:
            self._count(tables, current)
            return
        resealed = Counter[str]()
        for table, columns in tables.items():

            def change(values: list[Any], columns: list[tuple[str, str, str]] = columns) -> list[Any] | None:
                stale = [bool(value) and fieldcrypt.key_id(value) != current for value in values]
                if not any(stale):
                    return None
                return [
                    fieldcrypt.seal(fieldcrypt.open_sealed(value, kind), kind) if old else value
                    for value, old, (_, kind, _) in zip(values, stale, columns, strict=True)
                ]

            def counted(n: int, table: str = table) -> None:
                resealed[table] += n

            try:
                # Guarded: a value the portal changes meanwhile is already under the newest key; it is left.
                each_batch(connection, table, columns, change, counted, guarded=True)
            except fieldcrypt.SealError as exc:
                raise CommandError(f"{table}: {exc}. Nothing in its current batch was changed.") from None
            finally:
                with transaction.atomic():
                    details = {"key": current, "table": table, "rows": resealed[table]}
                    audit.record("fields.resealed", actor=None, details=details)
            self.stdout.write(f"{table}: {resealed[table]:,} rows sealed again under key {current!r}")
        left = self._count(tables, current, quiet=True)
        if left:
            raise CommandError(
                f"{left:,} values are still under older keys (written by a process that does not list key "
                f"{current!r} first yet?): restart every web server and worker with it first, then run this again."
            )
        self.stdout.write(self.style.SUCCESS(f"Every sealed value is under key {current!r}."))

    def _count(self, tables: dict[str, list[tuple[str, str, str]]], current: str, quiet: bool = False) -> int:
        """How many values are under older keys; unless quiet, the counts per column and key."""
        left = 0
        for table, columns in tables.items():
            for column, _, _ in columns:
                with connection.cursor() as cursor:
                    # The key id is the text before "$"; constant table and column names.
                    cursor.execute(
                        f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL AND {column} <> ''"  # noqa: S608
                    )
                    by_key = Counter(fieldcrypt.key_id(value) for (value,) in _rows(cursor))
                older = {key: n for key, n in by_key.items() if key != current}
                left += sum(older.values())
                said = ", ".join(f"{n:,} under {key!r}" for key, n in sorted(older.items())) or "none"
                if not quiet:
                    self.stdout.write(f"{table}.{column}: {by_key[current]:,} under {current!r}; older keys: {said}")
        return left


def _rows(cursor: Any) -> Any:
    while batch := cursor.fetchmany(5000):
        yield from batch
