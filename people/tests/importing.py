"""Helpers for import tests: files in memory, and a whole import run in the test's process."""

import io
import zipfile
from typing import Any

from incidents.models import Incident
from people import actions as people_actions
from people.importing import files, jobs
from people.models import ImportJob

HEADER = "Student ID,Last Name,First Name,DOB,Address,City,State,Zip,Guardian 1 Name,Phone,Data Types\n"


def csv_bytes(*rows: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return (header + "".join(row + "\n" for row in rows)).encode(encoding)


def upload(incident: Incident, content: bytes, name: str = "people.csv", actor: Any = None) -> ImportJob:
    f = io.BytesIO(content)
    return people_actions.upload_import(actor, incident, f, name, files.inspect(f, name))


def check(
    job: ImportJob, mapping: dict[str, int] | None = None, types: list[int] | None = None, encoding: str = ""
) -> ImportJob:
    return jobs.check_now(job, mapping or job.mapping, types or [], encoding)


def confirm(job: ImportJob) -> ImportJob:
    return jobs.import_now(job)


def import_file(incident: Incident, content: bytes, name: str = "people.csv", **options: Any) -> ImportJob:
    checked = check(upload(incident, content, name), **options)
    assert checked.status == ImportJob.Status.VALIDATED, checked.reason
    return confirm(checked)


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def workbook_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    """A workbook with these sheets, in order (a sheet of no rows is empty)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bomb() -> bytes:
    """A workbook-shaped zip whose sheet expands a thousandfold."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    return out.getvalue()
