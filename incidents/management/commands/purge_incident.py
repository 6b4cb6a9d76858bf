from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from incidents import actions, purge
from incidents.models import Incident


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
        if not Incident.objects.filter(slug=slug).exists():
            raise CommandError(f"No incident with short name {slug!r}.")
        with transaction.atomic():
            # Checked under the row's lock, so that nobody reopens it between the check and the purge.
            incident = Incident.objects.select_for_update().get(slug=slug)
            early = self._check(incident, force, reason)
            deleted = purge.delete_personal_data(incident)
            actions.mark_purged(None, incident, deleted, reason.strip() if early else "")
        self.stdout.write(
            self.style.SUCCESS(
                f"Purged {slug}: {deleted['individuals']:,} individuals, {deleted['recipients']:,} recipients, "
                f"{deleted['letters']:,} letters; calls ({deleted['calls_cleared']:,}) keep only their times and "
                "dispositions. The figures, the timeline and the audit trail stay."
            )
        )

    def _check(self, incident: Incident, force: bool, reason: str) -> bool:
        """Refuse what may not be purged; True when it is purged before its retention date (forced)."""
        if incident.purged_at is not None:
            raise CommandError(
                f"{incident.slug}'s personal data was purged already, on {incident.purged_at:%B %d, %Y}."
            )
        if incident.status != Incident.Status.CLOSED:
            raise CommandError(f"{incident.slug} is {incident.get_status_display().lower()}: close it first.")
        due = incident.purge_due_on()
        early = due is None or timezone.localdate() < due  # no closing date on record: never due by itself
        if early and not (force and reason.strip()):
            kept = f"until {due:%B %d, %Y}" if due else "until its retention date (its closing date is not on record)"
            raise CommandError(
                f"{incident.slug} keeps its personal data {kept}. To purge it earlier, give --force "
                "and --reason WHY (the reason goes into the audit trail)."
            )
        return early
