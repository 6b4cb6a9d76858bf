"""Print parts: the batch's letters in sequence order, at most N letters per PDF file."""

import hashlib
import tempfile
from dataclasses import dataclass
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from pypdf import PdfReader, PdfWriter

from notifications.models import Letter, LetterBatch


@dataclass(frozen=True)
class StoredFile:
    name: str  # in storage
    download_name: str  # inside the export
    sha256: str
    letters: int = 0
    pages: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "download_name": self.download_name,
            "sha256": self.sha256,
            "letters": self.letters,
            "pages": self.pages,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "StoredFile":
        return cls(**data)


def store(local_path: str, name: str, download_name: str, **counts: int) -> StoredFile:
    digest = hashlib.sha256()
    with open(local_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
        f.seek(0)
        stored = default_storage.save(name, File(f))
    return StoredFile(stored, download_name, digest.hexdigest(), **counts)


class _Chunks:
    """Opens each chunk file once; chunks come in sequence order, so one stays open at a time."""

    def __init__(self) -> None:
        self._name = ""
        self._reader: PdfReader | None = None

    def pages(self, name: str, first: int, count: int) -> list[Any]:
        if name != self._name:
            self._reader = PdfReader(default_storage.open(name, "rb"))
            self._name = name
        assert self._reader is not None
        return [self._reader.pages[i] for i in range(first, first + count)]


def part_count(batch: LetterBatch, size: int) -> int:
    return -(-batch.letters_total // size)


def write_part(batch: LetterBatch, number: int, size: int) -> StoredFile:
    """Print part `number`: letters (number - 1) * size + 1 onward, at most `size` of them, in sequence order."""
    first = (number - 1) * size + 1
    letters = list(
        Letter.objects.filter(batch=batch, sequence__range=(first, first + size - 1))
        .order_by("sequence")
        .only("pk", "sequence", "chunk", "chunk_first_page", "page_count")
    )
    chunks, writer = _Chunks(), PdfWriter()
    writer.add_metadata({"/Title": f"Letter batch {batch.pk}, part {number}"})
    for letter in letters:
        letter.part_number, letter.part_first_page = number, len(writer.pages) + 1
        for page in chunks.pages(letter.chunk, letter.chunk_first_page, letter.page_count):
            writer.add_page(page)
    Letter.objects.bulk_update(letters, ["part_number", "part_first_page"], batch_size=1000)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
        writer.write(out)
        out.flush()
        name = f"letters/batch-{batch.pk}/round-{batch.render_round}/part-{number:03d}.pdf"
        download = f"batch-{batch.pk}-part-{number:03d}.pdf"
        return store(out.name, name, download, letters=len(letters), pages=len(writer.pages))


def letter_pdf(letter: Letter) -> bytes:
    """One letter's pages, cut from its print part (no rendering)."""
    part = StoredFile.from_json(letter.batch.parts[letter.part_number - 1])  # type: ignore[operator]
    reader = PdfReader(default_storage.open(part.name, "rb"))
    writer = PdfWriter()
    start = letter.part_first_page - 1  # type: ignore[operator]
    for index in range(start, start + letter.page_count):
        writer.add_page(reader.pages[index])
    writer.add_metadata({"/Title": f"Letter {letter.sequence} of batch {letter.batch_id}"})
    with tempfile.SpooledTemporaryFile() as out:
        writer.write(out)
        out.seek(0)
        return out.read()
