from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from callcenter import actions as calls
from incidents import actions
from incidents.models import Incident
from notifications import actions as letters


class Command(BaseCommand):
    help = (
        "Delete a closed incident's personal data once its retention period (PURGE_AFTER_DAYS after closing) "
        "is over: individuals, recipients, letters and their files, import files, what was said on calls. "
        "Counts, the timeline and the audit trail stay. Earlier only with --force and --reason, which is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--force", action="store_true", help="Purge before the retention date.")
        parser.add_argument("--reason", default="", help="Why, when forced; kept in the audit trail.")

    def handle(self, *args: Any, slug: str, force: bool, reason: str, **options: Any) -> None:
        incident = Incident.objects.filter(slug=slug).first()
        if incident is None:
            raise CommandError(f"No incident with short name {slug!r}.")
        if incident.purged_at is not None:
            raise CommandError(f"{slug}'s personal data was purged already, on {incident.purged_at:%B %d, %Y}.")
        if incident.status != Incident.Status.CLOSED:
            raise CommandError(f"{slug} is {incident.get_status_display().lower()}: close it first.")
        due = incident.purge_due_on()
        early = due is not None and timezone.localdate() < due
        if early and not (force and reason.strip()):
            raise CommandError(
                f"{slug} keeps its personal data until {due:%B %d, %Y}. To purge it earlier, give --force "
                "and --reason WHY (the reason goes into the audit trail)."
            )
        with transaction.atomic():
            Incident.objects.select_for_update().get(pk=incident.pk)
            deleted = {"letters": letters.purge_letters(incident), "calls_cleared": calls.purge_calls(incident)}
            deleted |= actions.purge_people(incident)
            actions.mark_purged(None, incident, deleted, reason.strip() if early else "")
        self.stdout.write(
            self.style.SUCCESS(
                f"Purged {slug}: {deleted['individuals']:,} individuals, {deleted['recipients']:,} recipients, "
                f"{deleted['letters']:,} letters; calls ({deleted['calls_cleared']:,}) keep only their times and "
                "dispositions. The figures, the timeline and the audit trail stay."
            )
        )
