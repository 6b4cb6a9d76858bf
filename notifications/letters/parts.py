"""Print parts: the batch's letters in sequence order, at most N letters per PDF file."""

import hashlib
import io
import tempfile
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

import pikepdf
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection

from notifications.models import Letter, LetterBatch


@dataclass(frozen=True)
class StoredFile:
    name: str  # in storage
    download_name: str  # inside the export
    sha256: str
    letters: int = 0
    pages: int = 0
    rows: str = ""  # a print part's rows of the mail file, in storage, until the finish joins them

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "download_name": self.download_name,
            "sha256": self.sha256,
            "letters": self.letters,
            "pages": self.pages,
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "StoredFile":
        return cls(**data)


def round_folder(batch_id: int, render_round: int) -> str:
    """Where a batch's files of one rendering round are kept: chunks, shared bodies, print parts and their rows,
    the proof."""
    return f"letters/batch-{batch_id}/round-{render_round}"


def files_of(parts: list[dict[str, Any] | None]) -> list[str]:
    """Every file a batch's print parts keep in storage (the parts written so far, and their rows)."""
    return [name for part in parts if part for name in (part["name"], part.get("rows", "")) if name]


def store(local_path: str, name: str, download_name: str, letters: int = 0, pages: int = 0) -> StoredFile:
    digest = hashlib.sha256()
    with open(local_path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
        f.seek(0)
        stored = default_storage.save(name, File(f))
    return StoredFile(stored, download_name, digest.hexdigest(), letters, pages)


def part_count(batch: LetterBatch, size: int) -> int:
    return -(-batch.letters_total // size)


def part_range(number: int, size: int) -> tuple[int, int]:
    """The sequence numbers print part `number` holds: (number - 1) * size + 1 onward, at most `size` of them."""
    return (number - 1) * size + 1, number * size


def write_part(batch: LetterBatch, number: int, size: int) -> StoredFile:
    """Print part `number`: the letters of `part_range`, in sequence order."""
    first, last = part_range(number, size)
    letters = list(
        Letter.objects.filter(batch=batch, sequence__range=(first, last))
        .order_by("sequence")
        .values_list("chunk", "chunk_first_page", "page_count")
    )
    chunks: dict[str, pikepdf.Pdf] = {}  # a page copied from a chunk is read from it when the part is saved
    part = pikepdf.Pdf.new()
    part.docinfo[pikepdf.Name.Title] = f"Letter batch {batch.pk}, part {number}"
    try:
        for chunk_name, _, _ in letters:
            if chunk_name not in chunks:
                with default_storage.open(chunk_name, "rb") as f:
                    chunks[chunk_name] = pikepdf.Pdf.open(io.BytesIO(f.read()))
        pages = [(chunks[name], page) for name, start, count in letters for page in range(start, start + count)]
        _join(part, pages)
        _place(batch, number, first, last)
        with tempfile.NamedTemporaryFile(suffix=".pdf") as out:
            part.save(out.name)
            name = f"{round_folder(batch.pk, batch.render_round)}/part-{number:03d}.pdf"
            download = f"batch-{batch.pk}-part-{number:03d}.pdf"
            return store(out.name, name, download, letters=len(letters), pages=len(part.pages))
    finally:
        part.close()
        for chunk in chunks.values():
            chunk.close()


_INHERITED = (pikepdf.Name.Resources, pikepdf.Name.MediaBox, pikepdf.Name.CropBox, pikepdf.Name.Rotate)


def _join(part: pikepdf.Pdf, pages: list[tuple[pikepdf.Pdf, int]]) -> None:
    """Put `pages` (a chunk, and a page's index in it) into `part`'s page tree, in that order.

    pikepdf's `pages.extend` copies page by page, and each copy walks what the page shares with the pages copied
    before it: joining a part took a third as long as rendering its letters. Here each chunk's pages are copied in
    one `copy_foreign` call, as plain dictionaries (qpdf copies no object typed /Page but through the page tree),
    and the part's tree is written once. A page keeps what it inherited from its chunk's tree."""
    wanted: dict[int, tuple[pikepdf.Pdf, list[int]]] = {}
    for chunk, index in pages:
        wanted.setdefault(id(chunk), (chunk, []))[1].append(index)
    copied: dict[tuple[int, int], pikepdf.Object] = {}
    for key, (chunk, indexes) in wanted.items():
        objects = []
        for index in indexes:
            page = chunk.pages[index].obj
            for name in _INHERITED:
                if name not in page and (inherited := _inherited(page, name)) is not None:
                    page[name] = inherited
            del page[pikepdf.Name.Parent], page[pikepdf.Name.Type]
            objects.append(page)
        for index, local in zip(indexes, part.copy_foreign(chunk.make_indirect(pikepdf.Array(objects))), strict=True):
            copied[(key, index)] = local
    tree = part.Root.Pages
    kids = []
    for chunk, index in pages:
        placed = copied[(id(chunk), index)]
        placed.Type, placed.Parent = pikepdf.Name.Page, tree
        kids.append(placed)
    tree.Kids = pikepdf.Array(kids)
    tree.Count = len(kids)


def _inherited(page: pikepdf.Object, name: pikepdf.Name) -> pikepdf.Object | None:
    node = page.get(pikepdf.Name.Parent)
    while node is not None:
        if name in node:
            return node[name]
        node = node.get(pikepdf.Name.Parent)
    return None


def _place(batch: LetterBatch, number: int, first: int, last: int) -> None:
    """Stamp letters first..last with their part and their first page in it (the pages of the letters before
    them, plus one), in the order `write_part` put them: one statement, where a bulk update of 2,000 rows
    took Django half the part's time to build."""
    table = connection.ops.quote_name(Letter._meta.db_table)
    sql = (
        f"UPDATE {table} SET part_number = %s, part_first_page = placed.first_page "  # noqa: S608 (the table's name)
        "FROM (SELECT id, 1 + SUM(page_count) OVER (ORDER BY sequence) - page_count AS first_page "
        f"FROM {table} WHERE batch_id = %s AND sequence BETWEEN %s AND %s) AS placed "
        f"WHERE {table}.id = placed.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [number, batch.pk, first, last])


def letter_pdf(letter: Letter, label: str = "") -> bytes:
    """One letter's pages, cut from its print part (no rendering); `label`, the export's line, goes in
    the file's metadata."""
    part = StoredFile.from_json(letter.batch.parts[letter.part_number - 1])  # type: ignore[operator]
    start = letter.part_first_page - 1  # type: ignore[operator]
    with (
        default_storage.open(part.name, "rb") as f,
        pikepdf.Pdf.open(cast(BinaryIO, f)) as source,
        pikepdf.Pdf.new() as one,
    ):
        one.pages.extend(source.pages[start : start + letter.page_count])
        one.docinfo[pikepdf.Name.Title] = f"Letter {letter.sequence} of batch {letter.batch_id}"
        if label:
            one.docinfo[pikepdf.Name.Subject] = label
            one.docinfo[pikepdf.Name("/ExportID")] = label.split()[1]
        out = io.BytesIO()
        one.save(out)
        return out.getvalue()
