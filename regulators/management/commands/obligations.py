"""Print an incident's obligations: every notice the jurisdictions table derives from its facts, the ones
a manager added, and the places of its people the table does not cover."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incidents.models import Incident
from regulators import obligations, uncovered

UNCOVERED = (
    "Residents of a place the table does not cover (or people with no state on file) are listed as objects "
    f'with "notice": null, "due_rule": "{uncovered.CHECK_WITH_COUNSEL}", their number in "people" and why in '
    '"reason" (the table has no law for the place, or none of its laws reaches this kind of organisation); '
    '"jurisdiction" is the postal code as recorded, or null for people with no state.'
)


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def rows(incident: Incident) -> list[dict[str, Any]]:
    """The incident's obligations as plain objects, in the screen's order, then the uncovered places."""
    today = timezone.localdate()
    found: list[dict[str, Any]] = []
    for entry in obligations.entries(incident):
        record = entry.record
        found.append({
            "jurisdiction": (entry.jurisdiction or None) if entry.derived else None,
            "jurisdiction_name": entry.jurisdiction_name if entry.derived else None,
            "key": entry.key,
            "party": entry.party,
            "owed_to": entry.owed_to or None,
            "notice": entry.notice,
            "citation": entry.citation,
            "due_on": _iso(entry.due_on),
            "due_rule": entry.due_rule,
            "target_on": _iso(entry.target_on),
            "done_on": _iso(record.done_on if record else None),
            "state": entry.state(today),
            "how": entry.how,
            "how_url": entry.how_url,
        })  # fmt: skip
    for place in uncovered.uncovered_of(incident):
        found.append({
            "jurisdiction": place.code or None,
            "jurisdiction_name": place.name,
            "key": None,
            "party": f"People of {place.name}" if place.code else place.name,
            "owed_to": None,
            "notice": None,
            "citation": None,
            "due_on": None,
            "due_rule": uncovered.CHECK_WITH_COUNSEL,
            "target_on": None,
            "done_on": None,
            "state": "uncovered",
            "people": place.people,
            "reason": place.reason,
        })  # fmt: skip
    return found


def _table(found: list[dict[str, Any]]) -> str:
    header = ("Where", "Owed to", "What", "Due by law", "Target", "Done", "Citation")
    lines = [
        (
            row["jurisdiction"] or "-",
            row["party"] if row["notice"] else f"{row['party']} ({row['people']})",
            row["notice"] or uncovered.CHECK_WITH_COUNSEL,
            row["due_on"] or ("-" if row["notice"] is None else "no fixed date"),
            row["target_on"] or "-",
            row["done_on"] or "-",
            row["citation"] or "-",
        )
        for row in found
    ]
    widths = [min(max(len(str(cell)) for cell in column), 48) for column in zip(header, *lines, strict=True)]
    out = ["  ".join(str(cell)[:48].ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
           for line in (header, *lines)]  # fmt: skip
    places = [f"  {row['jurisdiction_name']}: {uncovered.CHECK_WITH_COUNSEL}: {row['reason']} ({row['people']})"
              for row in found if row["notice"] is None]  # fmt: skip
    if places:
        out += ["", "Check with counsel:", *places]
    return "\n".join(out)


class Command(BaseCommand):
    help = (
        "List an incident's obligations from the jurisdictions table, with citations, legal due dates and the "
        "target date. With --json: a JSON list of objects with jurisdiction (two-letter code, or US for federal "
        "law, or null for one a manager added), jurisdiction_name, key, party, owed_to, notice, citation, due_on, "
        f"due_rule, target_on, done_on (ISO dates or null), state, how, how_url. {UNCOVERED}"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The incident's slug (from its address).")
        parser.add_argument("--json", action="store_true", help=f"Print JSON. {UNCOVERED}")

    def handle(self, *args: Any, slug: str, json: bool, **options: Any) -> None:
        incident = Incident.objects.filter(slug=slug).first()
        if incident is None:
            raise CommandError(f"No incident with the slug {slug!r}.")
        found = rows(incident)
        self.stdout.write(_dumps(found) if json else _table(found))


def _dumps(found: list[dict[str, Any]]) -> str:
    return json.dumps(found, indent=2, ensure_ascii=False)
