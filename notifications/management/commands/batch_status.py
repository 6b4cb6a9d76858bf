"""What a letter batch holds and where it stands, as its page shows it."""

from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from notifications.models import Letter, LetterBatch, LetterStatus


def _when(moment: datetime | date | None, by: User | None = None) -> str:
    if moment is None:
        return "-"
    shown = f"{timezone.localtime(moment):%m/%d/%Y %H:%M}" if isinstance(moment, datetime) else f"{moment:%m/%d/%Y}"
    return f"{shown} by {by.get_username()}" if by is not None else shown


def failures(batch: LetterBatch) -> list[tuple[str, int]]:
    """Failed letters grouped by reason, the most frequent first (reasons hold no personal data)."""
    groups = (
        Letter.objects.filter(batch=batch, status=LetterStatus.FAILED)
        .values("reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "reason")
    )
    return [(group["reason"], group["count"]) for group in groups]


class Command(BaseCommand):
    help = "Show a letter batch: status, letters rendered and failed, print parts, dates, and why letters failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch_id", type=int)

    def handle(self, *args: Any, batch_id: int, **options: Any) -> None:
        batch = LetterBatch.objects.select_related("incident", "approved_by").filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"No letter batch has the id {batch_id}.")
        lines = [
            f"Batch {batch.pk}: {batch.name}",
            f"Incident: {batch.incident.slug}",
            f"Status: {batch.get_status_display()}" + (" (re-mail)" if batch.is_remail else ""),
            f"Letters: {batch.letters_rendered:,} rendered, {batch.letters_failed:,} failed, "
            f"{batch.letters_total:,} in all",
            f"Pages: {batch.pages_total:,}",
            f"Print parts: {len(batch.parts)}",
            f"Approved: {_when(batch.approved_at, batch.approved_by)}",
            f"Exported: {_when(batch.exported_at)}",
            f"Mailed: {_when(batch.mailed_on)}",
            f"Returned: {batch.returned_count:,}",
        ]
        if batch.letters_failed:
            lines.append("Failed letters by reason:")
            lines += [f"  {count:>7,}  {reason}" for reason, count in failures(batch)]
        self.stdout.write("\n".join(lines))
