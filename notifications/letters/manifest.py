"""The mail file: one row per piece, in sequence order, as print houses read it."""

import csv
import tempfile

from notifications.letters.address import mailing_address
from notifications.letters.merge import addressee
from notifications.letters.parts import StoredFile, store
from notifications.models import Letter, LetterBatch
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


def write_manifest(batch: LetterBatch) -> StoredFile:
    letters = (
        Letter.objects.filter(batch=batch)
        .select_related("recipient__individual", "template")
        .defer(  # sealed, and not in the manifest: left unopened
            "recipient__phone",
            "recipient__email",
            "recipient__guardian_phone",
            "recipient__guardian_email",
            "recipient__next_of_kin_phone",
            "recipient__next_of_kin_email",
            "recipient__individual__date_of_birth",
            "recipient__individual__external_id",
        )
        .order_by("sequence")
        .iterator(chunk_size=2000)
    )
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        count = 0
        for letter in letters:
            writer.writerow(row(letter))
            count += 1
        out.flush()
        return store(
            out.name, f"letters/batch-{batch.pk}/manifest.csv", f"batch-{batch.pk}-manifest.csv", letters=count
        )
