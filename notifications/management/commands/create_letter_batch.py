"""Create a letter batch of everyone not yet written to, as the batch screen does with no filter."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incidents.models import Incident
from notifications import actions, tasks
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, LetterBatch
from portal.lib.errors import ActionRefused

NAME_MAX = LetterBatch._meta.get_field("name").max_length or 100


class Command(BaseCommand):
    help = (
        "Create a letter batch of everyone with a deliverable address and no letter yet, and print its id "
        "(alone on the first line) and how many letters it holds. The workers render it; with --now this "
        "process renders it, and a batch blocked by failed letters ends the command with an error."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("incident_slug")
        parser.add_argument("--name", help="The batch's name (default: Letters MM/DD/YYYY, today).")
        parser.add_argument("--now", action="store_true", help="Render here instead of on the workers.")

    def handle(self, *args: Any, **options: Any) -> None:
        incident = Incident.objects.filter(slug=options["incident_slug"]).first()
        if incident is None:
            raise CommandError(f"No incident has the short name {options['incident_slug']!r}.")
        name = self._name(options["name"])
        try:
            batch = actions.create_batch(None, incident, name, Selection(), queue=not options["now"])
        except ActionRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(str(batch.pk))
        self.stdout.write(f"Batch “{batch.name}”: {batch.letters_total:,} letters.")
        if not options["now"]:
            self.stdout.write("The workers render it; follow it with: batch_status " + str(batch.pk))
            return
        tasks.run_now(batch.pk, batch.render_round)
        batch.refresh_from_db()
        self._outcome(batch)

    def _name(self, given: str | None) -> str:
        if given is None:
            return f"Letters {timezone.localdate():%m/%d/%Y}"
        name = given.strip()
        if not name:
            raise CommandError("--name is empty; give the batch a name.")
        if len(name) > NAME_MAX:
            raise CommandError(f"--name is {len(name)} characters long; at most {NAME_MAX} fit.")
        return name

    def _outcome(self, batch: LetterBatch) -> None:
        parts = len(batch.parts)
        self.stdout.write(
            f"{batch.get_status_display()}: {batch.letters_rendered:,} rendered, {batch.letters_failed:,} failed; "
            f"{batch.pages_total:,} pages, {parts} print {'part' if parts == 1 else 'parts'}."
        )
        if batch.status == BatchStatus.BLOCKED:
            raise CommandError(
                f"Batch {batch.pk} is blocked: {batch.letters_failed:,} letters failed; "
                f"see why with batch_status {batch.pk}."
            )
