"""Write a rendered batch's proof (the PDF the batch page shows as images) into a file."""

from pathlib import Path
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications import actions
from notifications.letters import proof
from notifications.management.commands._batchfile import batch_or_refuse, open_new
from notifications.models import LetterBatch


def _proof_of(batch: LetterBatch) -> LetterBatch:
    try:
        made = proof.ensure(batch.pk)
    except proof.NotProofable as refusal:
        raise CommandError(str(refusal)) from None
    if made.status not in proof.PROOFABLE:
        raise CommandError(f"Batch {batch.pk} is being rendered again; write its proof once it is rendered.")
    if not made.has_proof:
        raise CommandError(f"A worker is making the proof of batch {batch.pk}; run this again in a minute.")
    return made


class Command(BaseCommand):
    help = (
        "Write the proof of a rendered letter batch into FILE: a cover page listing each proof letter (variant, "
        "why it was chosen, reference code) and the names or addresses that look wrong, then the letters, each "
        "page marked PROOF. The same PDF the batch page shows; made now if it was not made yet. An existing file "
        "is never overwritten; the writing is audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch_id", type=int)
        parser.add_argument("file", type=Path, metavar="FILE")

    def handle(self, *args: Any, batch_id: int, file: Path, **options: Any) -> None:
        batch = batch_or_refuse(batch_id, proof.PROOFABLE, "only a rendered batch has a proof")
        out = open_new(file, "name")
        try:
            with out:
                batch = _proof_of(batch)
                actions.record_proof_written(batch)  # audited before the file is handed over
                with default_storage.open(batch.proof["pdf"], "rb") as stored:
                    out.write(stored.read())
        except BaseException:
            file.unlink()  # no half-written proof
            raise
        concerns = batch.proof["concern_count"]
        self.stdout.write(
            f"{file}: {batch.proof['letters']} letters, {len(batch.proof['pages'])} pages"
            + (f"; {concerns} with a name or address to check (see the cover)" if concerns else "")
        )
