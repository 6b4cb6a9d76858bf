"""What an uploaded file is, and its rows, read as a stream.

Content decides, not the name: a CSV must be text (UTF-8, with or without a
byte-order mark, or Windows-1252), an XLSX must be a well-formed workbook that
does not expand past a limit (zip bombs). Rows come out as lists of strings
with their row number as a spreadsheet shows it (the header is row 1).
"""

import codecs
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from django.conf import settings

SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
DELIMITERS = ",;\t"
ENCODINGS = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252 (Excel on Windows)", "latin-1": "ISO-8859-1 (Latin-1)"}
MAX_CELL = 1_000_000
# Bytes Windows-1252 leaves undefined: text that holds them is not Windows-1252.
_CP1252_UNDEFINED = frozenset(b"\x81\x8d\x8f\x90\x9d")
_XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
# Spreadsheet XML compresses about tenfold; a large part compressed a hundredfold is a zip bomb.
_MAX_RATIO = 100
_RATIO_CHECKED_ABOVE = 10_000_000

csv.field_size_limit(MAX_CELL)


class Unreadable(ValueError):
    """The file cannot be imported; the message tells the manager why and what to do."""


@dataclass
class FileInfo:
    kind: str  # "csv" or "xlsx"
    encoding: str = ""
    encoding_sure: bool = True
    delimiter: str = ""
    header: list[str] = field(default_factory=list)
    sample: list[tuple[int, list[str]]] = field(default_factory=list)


# Recognising the file ------------------------------------------------------


def inspect(f: IO[bytes], name: str) -> FileInfo:
    """Recognise the file and read its header and first rows, or raise Unreadable."""
    f.seek(0)
    start = f.read(SAMPLE)
    if not start.strip():
        raise Unreadable("The file is empty.")
    if start.startswith(b"PK\x03\x04"):
        info = FileInfo(kind="xlsx")
        check_workbook(f)
    elif start.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable("This is an old Excel workbook (.xls). Save it as .xlsx or CSV and upload it again.")
    elif b"\x00" in start or start.startswith(b"%PDF"):
        raise Unreadable(f"“{name}” is not a CSV text file or an Excel workbook (.xlsx).")
    else:
        encoding, sure = detect_encoding(f)
        info = FileInfo(kind="csv", encoding=encoding, encoding_sure=sure, delimiter=sniff_delimiter(start, encoding))
    info.header, info.sample = preview(f, info, rows=10)
    if not any(cell.strip() for cell in info.header):
        raise Unreadable("The first row is empty; the first row must name the columns.")
    if not info.sample:
        raise Unreadable("The file has a header row but no rows of people under it.")
    return info


def detect_encoding(f: IO[bytes]) -> tuple[str, bool]:
    """UTF-8 when the whole file decodes as UTF-8 (sure: other text rarely does);
    else Windows-1252, sure unless it holds bytes Windows-1252 does not define."""
    f.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    undefined = False
    try:
        while chunk := f.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8-sig", True
    except UnicodeDecodeError:
        pass
    f.seek(0)
    while chunk := f.read(CHUNK):
        if not _CP1252_UNDEFINED.isdisjoint(chunk):
            undefined = True
            break
    return ("latin-1" if undefined else "cp1252"), not undefined


def sniff_delimiter(start: bytes, encoding: str) -> str:
    text = start.decode(encoding, errors="replace")
    lines = text.splitlines()[:50]
    if len(lines) > 1 and start[-1:] not in (b"\n", b"\r"):
        lines = lines[:-1]  # the sample cut the last line short
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        first = lines[0] if lines else ""
        return max(DELIMITERS, key=first.count) if any(d in first for d in DELIMITERS) else ","


def check_workbook(f: IO[bytes]) -> None:
    """Refuse damaged workbooks and zip bombs before anything parses them."""
    f.seek(0)
    try:
        with zipfile.ZipFile(f) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if not all(part in names for part in _XLSX_PARTS):
                raise Unreadable("This zip file is not an Excel workbook (.xlsx).")
            _check_expansion(members)
    except (zipfile.BadZipFile, EOFError, OSError):
        raise Unreadable(
            "The Excel workbook is damaged or incomplete (perhaps cut short while copying). "
            "Open it in Excel, save it again and upload it again."
        ) from None


def _check_expansion(members: list[zipfile.ZipInfo]) -> None:
    limit = settings.IMPORT_XLSX_MAX_EXPANDED_BYTES
    total = sum(m.file_size for m in members)
    if len(members) > 10_000 or total > limit:
        raise Unreadable(
            f"The Excel workbook would expand to {total // 1_000_000:,} MB, over the limit of "
            f"{limit // 1_000_000:,} MB. Save it as CSV and upload that instead."
        )
    for m in members:
        if m.file_size > _RATIO_CHECKED_ABOVE and m.file_size > m.compress_size * _MAX_RATIO:
            raise Unreadable(
                "The Excel workbook is compressed far more than a spreadsheet can be, which is how a zip bomb "
                "looks. It was not opened. Save it as CSV and upload that instead."
            )


# Reading rows --------------------------------------------------------------


@dataclass
class Reader:
    """Rows of a file with the position reached, for progress."""

    f: IO[bytes]
    info: FileInfo
    total: int = 0  # bytes for CSV, rows for XLSX (0 when unknown)
    _position: Any = None

    def done(self) -> int:
        return int(self._position()) if self._position else 0

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every row, the header (row 1) included and blank rows as []."""
        return self._csv_records() if self.info.kind == "csv" else self._xlsx_records()

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """The rows after the header."""
        return ((number, cells) for number, cells in self.records() if number > 1)

    def _csv_records(self) -> Iterator[tuple[int, list[str]]]:
        self.f.seek(0, io.SEEK_END)
        self.total = self.f.tell()
        self.f.seek(0)
        self._position = self.f.tell
        text = io.TextIOWrapper(self.f, encoding=self.info.encoding, newline="")
        try:
            reader = csv.reader(text, delimiter=self.info.delimiter or ",")
            yield from enumerate(reader, start=1)
        except UnicodeDecodeError as exc:
            raise Unreadable(
                f"The file is not {ENCODINGS.get(self.info.encoding, self.info.encoding)} text near byte "
                f"{exc.start:,}. Choose its encoding on the mapping page, or save it as UTF-8 CSV."
            ) from None
        except csv.Error as exc:
            raise Unreadable(f"The CSV cannot be read after row {reader.line_num:,}: {exc}.") from None
        finally:
            text.detach()

    def _xlsx_records(self) -> Iterator[tuple[int, list[str]]]:
        import openpyxl  # loaded only for workbooks

        self.f.seek(0)
        try:
            book = openpyxl.load_workbook(self.f, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a bad workbook
            raise Unreadable(f"The Excel workbook cannot be opened ({type(exc).__name__}).") from None
        try:
            sheet = book.worksheets[0]
            self.total = sheet.max_row or 0
            counter = [0]
            self._position = lambda: counter[0]
            try:
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    counter[0] = number
                    yield number, _xlsx_cells(values)
            except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError) as exc:
                raise Unreadable(
                    f"The Excel workbook is damaged near row {counter[0]:,} ({type(exc).__name__})."
                ) from None
        finally:
            book.close()


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # ZIP codes and phone numbers typed as numbers
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _xlsx_cells(values: tuple[object, ...]) -> list[str]:
    cells = [_xlsx_cell(v) for v in values]
    while cells and cells[-1] == "":
        cells.pop()  # workbooks pad rows to the sheet's widest
    return cells


def preview(f: IO[bytes], info: FileInfo, rows: int) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the first non-blank rows, read in one pass."""
    header: list[str] = []
    sample: list[tuple[int, list[str]]] = []
    try:
        for number, cells in Reader(f, info).records():
            if number == 1:
                header = [cell.strip() for cell in cells]
            elif any(cell.strip() for cell in cells):
                sample.append((number, cells))
            if len(sample) >= rows:
                break
    except Unreadable:
        raise
    except Exception as exc:
        if info.kind == "xlsx":  # openpyxl raises many kinds for a bad workbook
            raise Unreadable(f"The Excel workbook cannot be opened ({type(exc).__name__}).") from None
        raise
    return header, sample
