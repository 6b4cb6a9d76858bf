"""The mail file: one row per piece, in sequence order, as print houses read it."""

import csv
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from django.core.files.storage import default_storage

from notifications.letters.address import mailing_address
from notifications.letters.merge import addressee
from notifications.letters.parts import StoredFile, round_folder, store
from notifications.models import Letter, LetterBatch
from people.models import Recipient
from portal.lib.csvcell import neutralised

HEADER = (
    "sequence",
    "reference_code",
    "name_line_1",
    "name_line_2",
    "address_line_1",
    "address_line_2",
    "address_line_3",
    "city",
    "state",
    "zip",
    "zip4",
    "variant",
    "page_count",
    "part",
    "first_page_in_part",
)


# A person's name in a row (Individual.full_name) and the language a letter without a template was meant in.
_PERSON_NAME_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "language")


def row(letter: Letter) -> list[str]:
    recipient = letter.recipient
    language = letter.template.language if letter.template else recipient.individual.language
    address = mailing_address(recipient, addressee(recipient, recipient.individual, language))  # as in the window
    names = [*address.name_lines, "", ""][:2]
    lines = [*address.address_lines, "", "", ""][:3]
    values = [
        f"{letter.sequence:06d}",
        letter.recipient.reference_code_display,
        *names,
        *lines,
        address.city,
        address.state,
        address.zip5,
        address.zip4,
        letter.template.name if letter.template else "",
        str(letter.page_count),
        str(letter.part_number or ""),
        str(letter.part_first_page or ""),
    ]
    return [neutralised(value) for value in values]


def _letters(batch: LetterBatch, first: int | None = None, last: int | None = None) -> Iterator[Letter]:
    letters = Letter.objects.filter(batch=batch)
    if first is not None:
        letters = letters.filter(sequence__range=(first, last))
    # Only what a row shows (`row`, `mailing_address`, `addressee`): a part's two thousand letters, recipients and
    # people are built from these columns alone, and nothing sealed is opened.
    return (
        letters.select_related("recipient__individual", "template")
        .only(
            *("sequence", "page_count", "part_number", "part_first_page", "template__name", "template__language"),
            *("recipient__relationship", "recipient__name", "recipient__reference_code"),
            *(f"recipient__{name}" for name in Recipient.ADDRESS_FIELDS),
            *(f"recipient__individual__{name}" for name in _PERSON_NAME_FIELDS),
        )
        .order_by("sequence")
        .iterator(chunk_size=2000)
    )


def _write_rows(out: IO[str], letters: Iterable[Letter]) -> int:
    writer = csv.writer(out)
    count = 0
    for letter in letters:
        writer.writerow(row(letter))
        count += 1
    return count


def write_rows(batch: LetterBatch, number: int, first: int, last: int) -> StoredFile:
    """The mail file's rows for print part `number` (letters first..last, placed in it), written with the part so
    that the finish only joins them."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8") as out:
        count = _write_rows(out, _letters(batch, first, last))
        out.flush()
        name = f"{round_folder(batch.pk, batch.render_round)}/manifest-part-{number:03d}.csv"
        return store(out.name, name, name.rsplit("/", 1)[1], letters=count)


def write_manifest(batch: LetterBatch, parts: Sequence[StoredFile] = ()) -> StoredFile:
    """The mail file: the header, then each print part's rows as written with it (`parts`, in order), or, when a
    part has none (written by an earlier release), every letter's rows read here."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8") as out:
        csv.writer(out).writerow(HEADER)
        if parts and all(part.rows for part in parts):
            out.flush()
            for part in parts:
                with default_storage.open(part.rows, "rb") as rows:
                    shutil.copyfileobj(rows, out.buffer)
            count = sum(part.letters for part in parts)
        else:
            count = _write_rows(out, _letters(batch))
        out.flush()
        return store(
            out.name, f"letters/batch-{batch.pk}/manifest.csv", f"batch-{batch.pk}-manifest.csv", letters=count
        )
