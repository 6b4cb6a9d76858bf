from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from audit.db import TABLE

# What the application's role may do: read and write the portal's tables, except that audit events are
# only ever added and the record of migrations is only read; it creates nothing.
GRANTS = (
    "GRANT USAGE ON SCHEMA public TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
    "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
    f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM {{role}}",
    "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON django_migrations FROM {role}",
    "REVOKE CREATE ON SCHEMA public FROM {role}",
    # Before PostgreSQL 15 every role may create in the public schema through PUBLIC; nobody but the
    # owner needs to.
    "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
)


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the application's database role (the one in the web and worker processes' "
        "DATABASE_URL) what it needs and no more; the audit table is insert-only for it. Run as the owner "
        "role, after each migrate."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The application's role, e.g. portal_app.")

    def handle(self, *args: Any, role: str, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("Database roles are PostgreSQL's: the embedded SQLite database has none.")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT quote_ident(rolname) FROM pg_roles WHERE rolname = %s", [role])
            found = cursor.fetchone()
            if found is None:
                raise CommandError(f"No database role {role!r}: create it first (CREATE ROLE ... LOGIN PASSWORD ...)")
            for grant in GRANTS:
                cursor.execute(grant.format(role=found[0]))  # the name as the database itself quotes it
        self.stdout.write(
            self.style.SUCCESS(f"{role} reads and writes the portal's tables; audit events it only adds.")
        )
