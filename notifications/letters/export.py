"""The export a print house receives: the print parts, the mail file and SHA256SUMS, in one zip."""

import shutil
import zipfile
from typing import IO

from django.core.files.storage import default_storage
from django.utils import timezone

from notifications.letters.parts import StoredFile
from notifications.models import LetterBatch


def export_name(batch: LetterBatch) -> str:
    return f"letter-batch-{batch.pk}-export.zip"


def _add(archive: zipfile.ZipFile, stored_name: str, name: str, compression: int) -> None:
    info = zipfile.ZipInfo(name, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = compression
    with default_storage.open(stored_name, "rb") as src, archive.open(info, "w", force_zip64=True) as dest:
        shutil.copyfileobj(src, dest, 1 << 20)


def write_export(batch: LetterBatch, out: IO[bytes], label: str = "") -> None:
    """The zip; `label`, the export's line, is its comment and its EXPORT-ID.txt (the print parts and
    the mail file stay byte for byte as SHA256SUMS lists them)."""
    with zipfile.ZipFile(out, "w") as archive:
        if label:
            archive.comment = label.encode()
            archive.writestr("EXPORT-ID.txt", label + "\n")
        for part in (StoredFile.from_json(p) for p in batch.parts):
            _add(archive, part.name, part.download_name, zipfile.ZIP_STORED)  # PDF streams are compressed already
        _add(archive, batch.manifest.name, f"batch-{batch.pk}-manifest.csv", zipfile.ZIP_DEFLATED)
        _add(archive, batch.checksums.name, "SHA256SUMS", zipfile.ZIP_DEFLATED)
