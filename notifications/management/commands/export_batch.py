"""Write an approved batch's export (print parts, mail file, SHA256SUMS) into a directory."""

import getpass
import os
import pwd
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from incidents.models import Export
from notifications import actions
from notifications.letters import export
from notifications.management.commands._batchfile import batch_or_refuse, open_new
from notifications.models import BatchStatus, LetterBatch
from portal.lib.errors import ActionRefused

EXPORTABLE = (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.MAILED)


def operator() -> str:
    """The OS user running the command, from the process's user id (an environment variable can lie)."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return getpass.getuser()


def _label(request: Export | None) -> str:
    """The line the zip carries, so that a copy found later leads back to the request or the operator."""
    who = f"{operator()} on the command line"
    if request is None:
        return f"Forced export for {who}, {timezone.localtime():%Y-%m-%d %H:%M %Z}"
    return request.label(who)


class Command(BaseCommand):
    help = (
        "Write the zip for the print house of an approved (or already exported) letter batch into DIR, "
        "created if missing, and print its path. An existing file is never overwritten. It takes a reason "
        "and uses an export request for the batch that a mail administrator asked for in the browser (and a "
        "second person approved when it had to be), once, as its link would be; --force goes without one. "
        "The batch becomes exported and the export is audited with the operator's OS user and the reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch_id", type=int)
        parser.add_argument("directory", type=Path, metavar="DIR")
        parser.add_argument("--reason", required=True, help="why this file is needed (kept in the audit trail)")
        parser.add_argument("--export", default="", metavar="EXP-ID", help="the export request to use")
        parser.add_argument("--force", action="store_true", help="export without an approved request (audited)")

    def handle(self, *args: Any, batch_id: int, directory: Path, reason: str, **options: Any) -> None:
        batch = batch_or_refuse(batch_id, EXPORTABLE, "only an approved batch can be exported")
        if not reason.strip():
            raise CommandError("Say why this file is needed with --reason: it is kept in the audit trail.")
        request = self._request(batch, options["export"], options["force"])
        out = self._open(directory, export.export_name(batch))
        path = Path(out.name)
        try:
            with out:
                actions.record_command_export(batch, operator(), reason, request)  # audited before the file goes
                export.write_export(batch, out, _label(request))
        except ActionRefused as refusal:
            path.unlink()
            raise CommandError(str(refusal)) from None
        except BaseException:
            path.unlink()  # no half-written zip for the print house
            raise
        self.stdout.write(str(path))

    def _request(self, batch: LetterBatch, public_id: str, force: bool) -> Export | None:
        request = actions.approved_request(batch, public_id)
        if request is None and not force:
            named = f"{public_id} is not an" if public_id else "there is no"
            raise CommandError(
                f"Batch {batch.pk}: {named} approved export request whose link works now. A mail administrator "
                "asks for the export in the browser (a second person approves it when it must be); or give --force, "
                "which the audit trail records with your OS user."
            )
        return request

    def _open(self, directory: Path, name: str) -> BinaryIO:
        """A new file for the export in `directory`: opened exclusively, so no existing file is overwritten."""
        path = directory / name
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise CommandError(f"{directory} is not a directory.") from None
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
        return open_new(path, "directory")
