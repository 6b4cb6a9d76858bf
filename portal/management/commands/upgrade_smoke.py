"""Open everything the portal holds, as a check after an upgrade (bin/check-upgrade runs it)."""

import logging
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models
from django.test import Client

from portal.smoke import data, pages


class Command(BaseCommand):
    help = (
        "Load every row of every model (sealed identifiers open as they load), check reference codes and each "
        "printed letter batch's PDF files, then open every page of each incident (and every page without one) "
        "as each role held on it and as a visitor. Prints counts; exits non-zero naming each failure. "
        "It signs users in and reads personal data as they would, so it writes sessions and audit events: "
        "run it on a rehearsal copy, not on production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", help="Only this incident's pages (its short name); data is always all.")
        parser.add_argument("--no-pages", action="store_true", help="Check the data only.")

    def handle(self, *args: Any, incident: str | None, no_pages: bool, **options: Any) -> None:
        self.verbose = options["verbosity"] > 1
        failures = self._data()
        if not no_pages:
            failures += self._pages(incident)
        if failures:
            raise CommandError(f"{len(failures)} failures:\n  " + "\n  ".join(failures))
        self.stdout.write("Everything opened.")

    def _data(self) -> list[str]:
        found = data.check_data()
        for label, rows in found.counts.items():
            if rows:
                self.stdout.write(f"  {label}: {rows:,} rows")
        self.stdout.write(f"Data: {found.sealed_values:,} sealed values opened, {found.print_files} print files.")
        return found.failures

    def _pages(self, only: str | None) -> list[str]:
        incident_model = data.model_named("Incident")
        if incident_model is None:
            return ["no Incident model found"]
        incidents = incident_model._default_manager.order_by("pk")
        if only:
            incidents = incidents.filter(slug=only)
            if not incidents:
                return [f"no incident has the short name {only!r}"]
        # The walk meets every refusal on purpose; each would be a warning line. Errors still show.
        logging.getLogger("django.request").setLevel(logging.ERROR)
        failures, first_clients = [], None
        for incident in incidents:
            clients = self._clients(incident)
            first_clients = first_clients or clients
            failures += self._report(f"incident {incident.pk}", pages.walk(incident, clients))
        if first_clients:
            failures += self._report("pages without an incident", pages.walk(None, first_clients))
        return failures

    def _clients(self, incident: models.Model) -> dict[str, Client]:
        try:
            signed = {role: pages.signed_in(user) for role, user in sorted(pages.members(incident).items())}
        except LookupError as missing:
            raise CommandError(f"Cannot sign in to incident {incident.pk}: {missing}.") from None
        return {**signed, "visitor": pages.visitor()}

    def _report(self, title: str, visits: list[pages.Visit]) -> list[str]:
        tally: dict[str, int] = {}
        for each in visits:
            tally[each.verdict] = tally.get(each.verdict, 0) + 1
            if each.verdict != "opened" or self.verbose:
                self.stdout.write(f"  {each.verdict:9} {each.name}: {each.detail}")
        self.stdout.write(f"Pages of {title}: " + ", ".join(f"{n} {verdict}" for verdict, n in sorted(tally.items())))
        return [f"{each.name}: {each.detail}" for each in visits if each.verdict == "failed"]
