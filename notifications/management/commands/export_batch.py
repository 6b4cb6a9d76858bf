"""Write an approved batch's export (print parts, mail file, SHA256SUMS) into a directory."""

from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from incidents.actions import ActionRefused
from notifications import actions
from notifications.letters import export
from notifications.models import BatchStatus, LetterBatch

EXPORTABLE = (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.MAILED)


class Command(BaseCommand):
    help = (
        "Write the zip for the print house of an approved (or already exported) letter batch into DIR, "
        "created if missing, and print its path. An existing file is never overwritten. "
        "The batch becomes exported and the export is audited as a command-line export."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch_id", type=int)
        parser.add_argument("directory", type=Path, metavar="DIR")

    def handle(self, *args: Any, batch_id: int, directory: Path, **options: Any) -> None:
        batch = LetterBatch.objects.filter(pk=batch_id).first()
        if batch is None:
            raise CommandError(f"No letter batch has the id {batch_id}.")
        if batch.status not in EXPORTABLE:
            raise CommandError(
                f"Batch {batch.pk} is {batch.get_status_display().lower()}; only an approved batch can be exported."
            )
        out = self._open(directory, export.export_name(batch))
        path = Path(out.name)
        try:
            with out:
                actions.record_export(None, batch, via="command")  # audited before the file is handed over
                export.write_export(batch, out)
        except ActionRefused as refusal:
            path.unlink()
            raise CommandError(str(refusal)) from None
        except BaseException:
            path.unlink()  # no half-written zip for the print house
            raise
        self.stdout.write(str(path))

    def _open(self, directory: Path, name: str) -> BinaryIO:
        """A new file for the export in `directory`: opened exclusively, so no existing file is overwritten."""
        path = directory / name
        try:
            directory.mkdir(parents=True, exist_ok=True)
            return path.open("xb")
        except FileExistsError:
            if not directory.is_dir():
                raise CommandError(f"{directory} is not a directory.") from None
            raise CommandError(f"{path} already exists; move it away or choose another directory.") from None
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
