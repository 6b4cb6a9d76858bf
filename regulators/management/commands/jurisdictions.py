"""python manage.py jurisdictions [--code TX]: every jurisdiction of the table with its laws, citations,
notices (to whom, from how many people, by when, in words) and the day its file was last checked."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regulators import coverage


class Command(BaseCommand):
    help = "List the jurisdictions table: each jurisdiction's laws, citations, notices and last-checked date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", default="", help="One jurisdiction, by its two-letter code (US: federal).")

    def handle(self, *args: Any, code: str = "", **options: Any) -> None:
        found = coverage.rows()
        if code:
            found = [row for row in found if row.code == code.strip().upper()]
            if not found:
                known = ", ".join(row.code for row in coverage.rows())
                raise CommandError(f"No jurisdiction has the code {code!r}. The table has: {known or 'none'}.")
        self.stdout.write(
            f"{len(found)} jurisdiction{'s' if len(found) != 1 else ''}. A checklist that points at the law, "
            "not legal advice: counsel decides what applies.\n"
        )
        self.stdout.write("\n".join(coverage.lines(found)))
