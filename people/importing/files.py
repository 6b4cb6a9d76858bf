"""What an uploaded file is, and its rows, read as a stream.

Content decides, not the name: a CSV must be text (UTF-8, with or without a
byte-order mark, UTF-16 with one, or Windows-1252), an XLSX must be a
well-formed workbook that does not expand past a limit (zip bombs). Rows come
out as lists of strings with their row number as a spreadsheet shows it.

Exports are reports as often as tables: a title and a date above the header,
a "Total students: 30" line under the data, a summary sheet before the list.
The header is the first row that reads as column names with data under it
(the one naming the most known fields when several do), the sheet the first
that holds data; the manager may choose others.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from django.conf import settings

SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
DELIMITERS = ",;\t"
ENCODINGS = {
    "utf-8-sig": "UTF-8", "utf-16": "UTF-16 (Excel's “Unicode text”)", "cp1252": "Windows-1252 (Excel on Windows)",
    "latin-1": "ISO-8859-1 (Latin-1)",
}  # fmt: skip
MAX_CELL = 1_000_000
# Rows looked at to find the header: title and report lines rarely take more than a few.
HEADER_SCAN = 30
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A report's closing line: "Total students: 30", "Count 412", "Report generated 3/1/2026", "End of report".
_FOOTER = re.compile(
    r"(?:grand\s+)?(?:total|count|number|records?|rows?)\b.*\d|(?:report\s+)?(?:generated|printed|run|created)\b"
    r"|end\s+of\s+(?:report|file|list)|page\s+\d|\*{3}",
    re.IGNORECASE,
)
# A cell that is a value rather than a column name: a number, a date, a money amount.
_VALUE_LIKE = re.compile(r"[\d\s.,/:$%#()-]+")
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
    header_row: int = 1  # the row number of the header, as a spreadsheet shows it
    header_found: bool = False  # found below title lines rather than taken as given
    sheet: str = ""  # the workbook's sheet read ("" for a CSV)
    sheets: list[str] = field(default_factory=list)  # the workbook's sheets, in order


def is_footer(cells: list[str]) -> bool:
    """A report's closing line ("Total students: 30"): one or two cells, worded like a total or a stamp."""
    filled = [cell.strip() for cell in cells if cell.strip()]
    return 0 < len(filled) <= 2 and _FOOTER.match(filled[0]) is not None


def duplicate_headers(header: list[str]) -> dict[str, list[int]]:
    """Headers named more than once (case and spacing ignored), with their column positions (from 1)."""
    seen: dict[str, list[int]] = {}
    for index, name in enumerate(header):
        if name.strip():
            seen.setdefault(" ".join(name.split()).lower(), []).append(index + 1)
    return {header[columns[0] - 1]: columns for columns in seen.values() if len(columns) > 1}


# Recognising the file ------------------------------------------------------


def inspect(f: IO[bytes], name: str, header_row: int | None = None, sheet: str = "") -> FileInfo:
    """Recognise the file, find its header (or take the row given) and read its first rows, or raise Unreadable."""
    f.seek(0)
    start = f.read(SAMPLE)
    if not start.strip():
        raise Unreadable("The file is empty.")
    if start.startswith(b"PK\x03\x04"):
        info = FileInfo(kind="xlsx")
        check_workbook(f)
        info.sheets, info.sheet = workbook_sheets(f, sheet)
    elif start.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable("This is an old Excel workbook (.xls). Save it as .xlsx or CSV and upload it again.")
    elif start.startswith(_UTF16_BOMS):
        info = FileInfo(kind="csv", encoding="utf-16", delimiter=sniff_delimiter(start, "utf-16"))
    elif _binary(start):
        raise Unreadable(f"“{name}” is not a CSV text file or an Excel workbook (.xlsx).")
    else:
        encoding, sure = detect_encoding(f)
        info = FileInfo(kind="csv", encoding=encoding, encoding_sure=sure, delimiter=sniff_delimiter(start, encoding))
    head = _first_records(f, info)
    if header_row is None:
        info.header_row = find_header(head)
        info.header_found = info.header_row > 1
    else:
        info.header_row = header_row
    info.header, info.sample = preview(f, info, rows=10, records=head)
    if not any(cell.strip() for cell in info.header):
        raise Unreadable(f"Row {info.header_row:,} is empty; choose the row that names the columns.")
    if not info.sample:
        raise Unreadable(f"The file has a header (row {info.header_row:,}) but no rows of people under it.")
    return info


_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r\f")


def _binary(start: bytes) -> bool:
    """Not text: a PDF, or more control bytes than a damaged text file holds (a stray NUL is named by its row)."""
    if start.startswith(b"%PDF"):
        return True
    return len(start) - len(start.translate(None, _CONTROL)) > len(start) // 20


def _first_records(f: IO[bytes], info: FileInfo) -> list[tuple[int, list[str]]]:
    records = []
    for record in Reader(f, info).records():
        records.append(record)
        if len(records) >= HEADER_SCAN + 11:
            break
    return records


def _label_like(cells: list[str]) -> bool:
    filled = [cell.strip() for cell in cells if cell.strip()]
    return bool(filled) and all(len(cell) <= 80 and not _VALUE_LIKE.fullmatch(cell) for cell in filled)


def find_header(records: list[tuple[int, list[str]]]) -> int:
    """The row number of the header: among the first rows that read as column names and have a row with data
    under them, the one naming the most fields the portal knows (the first of equals), else the first as wide
    as half the widest row; row 1 when none does."""
    from people.importing.fields import recognised  # fields reads no file; files stays free of the catalog

    rows = [(number, cells) for number, cells in records[:HEADER_SCAN] if any(cell.strip() for cell in cells)]
    widest = max((sum(1 for cell in cells if cell.strip()) for _, cells in rows), default=0)
    candidates = []
    for position, (number, cells) in enumerate(rows[:-1]):
        filled = sum(1 for cell in cells if cell.strip())
        under = sum(1 for cell in rows[position + 1][1] if cell.strip())
        if _label_like(cells) and (filled >= 2 or widest == 1) and under * 2 >= filled:
            candidates.append((recognised(cells), filled, number))
    if not candidates:
        return 1
    best = max(known for known, _, _ in candidates)
    if best:
        return next(number for known, _, number in candidates if known == best)
    return next((number for _, filled, number in candidates if filled * 2 >= widest), candidates[0][2])


def detect_encoding(f: IO[bytes]) -> tuple[str, bool]:
    """UTF-16 when it starts with its byte-order mark; UTF-8 when the whole file decodes as UTF-8 (sure: other
    text rarely does); else Windows-1252, sure unless it holds bytes Windows-1252 does not define."""
    f.seek(0)
    if f.read(2) in _UTF16_BOMS:
        return "utf-16", True
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
        # Title lines above the header hold no delimiter: the widest of the first lines decides.
        widest = max(lines, key=lambda line: max(line.count(d) for d in DELIMITERS), default="")
        return max(DELIMITERS, key=widest.count) if any(d in widest for d in DELIMITERS) else ","


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


def _open_workbook(f: IO[bytes]) -> Any:
    import openpyxl  # loaded only for workbooks

    f.seek(0)
    try:
        return openpyxl.load_workbook(f, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a bad workbook; their names mean nothing to a manager
        raise Unreadable(_WORKBOOK_UNREADABLE) from None


_WORKBOOK_UNREADABLE = (
    "The Excel workbook cannot be opened: its contents are not laid out as Excel saves them (it may be damaged, "
    "or written by a program that adds parts a workbook must not hold). Open it in Excel, save it again as .xlsx "
    "or CSV, and upload that."
)


def workbook_sheets(f: IO[bytes], chosen: str = "") -> tuple[list[str], str]:
    """The workbook's sheet names, and the sheet to read: the one chosen, else the first holding data."""
    book = _open_workbook(f)
    try:
        names = list(book.sheetnames)
        if chosen:
            if chosen not in names:
                raise Unreadable(f"The workbook has no sheet named “{chosen}”; its sheets are {', '.join(names)}.")
            return names, chosen
        for sheet in book.worksheets:
            try:
                rows = sheet.iter_rows(max_row=HEADER_SCAN, values_only=True)
                if any(value not in (None, "") for row in rows for value in row):
                    return names, sheet.title
            except Exception:  # as above
                raise Unreadable(_WORKBOOK_UNREADABLE) from None
        return names, names[0] if names else ""
    finally:
        book.close()


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

    def rows(self) -> Generator[tuple[int, list[str]], None, None]:
        """The rows after the header."""
        header_row = self.info.header_row
        return ((number, cells) for number, cells in self.records() if number > header_row)

    def _csv_records(self) -> Iterator[tuple[int, list[str]]]:
        self.f.seek(0, io.SEEK_END)
        self.total = self.f.tell()
        self.f.seek(0)
        self._position = self.f.tell
        text = io.TextIOWrapper(self.f, encoding=self.info.encoding, newline="")
        row = 0
        try:
            reader = csv.reader(text, delimiter=self.info.delimiter or ",")
            for row, cells in enumerate(reader, start=1):
                yield row, cells
        except UnicodeDecodeError as exc:
            raise Unreadable(
                f"The file is not {ENCODINGS.get(self.info.encoding, self.info.encoding)} text near byte "
                f"{exc.start:,}. Choose its encoding on the mapping page, or save it as UTF-8 CSV."
            ) from None
        except csv.Error as exc:
            raise Unreadable(_csv_refusal(row + 1, exc)) from None
        finally:
            text.detach()

    def _xlsx_records(self) -> Iterator[tuple[int, list[str]]]:
        book = _open_workbook(self.f)
        try:
            sheet = book[self.info.sheet] if self.info.sheet in book.sheetnames else book.worksheets[0]
            self.total = sheet.max_row or 0
            counter = [0]
            self._position = lambda: counter[0]
            try:
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    counter[0] = number
                    yield number, _xlsx_cells(values)
            except Unreadable:
                raise
            except Exception:  # openpyxl raises many kinds for a damaged sheet; their names mean nothing here
                raise Unreadable(
                    f"The Excel workbook is damaged near row {counter[0] + 1:,} of sheet “{sheet.title}”. Open it "
                    "in Excel, save it again and upload it again, or save it as CSV."
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


def _csv_refusal(row: int, exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return (
            f"Row {row:,} holds a value longer than {MAX_CELL:,} characters, the most one cell may hold "
            "(a quote mark left open can run the rest of the file into one cell). Correct that row and upload "
            "the file again."
        )
    return f"Row {row:,} cannot be read as CSV (a stray quote mark?). Correct that row and upload the file again."


def preview(
    f: IO[bytes], info: FileInfo, rows: int, records: list[tuple[int, list[str]]] | None = None
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the first non-blank rows under it (footers left out), read in one pass."""
    header: list[str] = []
    sample: list[tuple[int, list[str]]] = []
    for number, cells in records if records is not None else Reader(f, info).records():
        if number == info.header_row:
            header = [" ".join(cell.split()) for cell in cells]
        elif number > info.header_row and any(cell.strip() for cell in cells) and not is_footer(cells):
            sample.append((number, cells))
        if len(sample) >= rows:
            break
    if records is not None and len(sample) < rows and len(records) >= HEADER_SCAN + 11:
        return preview(f, info, rows)  # the header lies further down than the rows read to find it
    return header, sample
