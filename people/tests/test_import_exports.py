"""Real exports: reports with title lines and footers, workbooks of several sheets, as districts send them."""

import io
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from people.importing import files
from people.models import ImportJob, Individual
from people.tests.importing import check, confirm, upload, workbook_bytes

pytestmark = pytest.mark.django_db

ROSTER: list[list[object]] = [
    ["Riverbend R-VI School District: students whose records were copied"],
    ["Exported 12/1/2026 by the district office"],
    ["Student ID", "Last Name", "First Name", "Birthdate", "Street", "City", "State", "Zip", "Data Types"],
    ["1001", "Abernathy", "Caleb", datetime(2014, 3, 9), "12 Oak St", "Springfield", "MO", 65801, "Name"],
    ["1002", "Fitzgerald", "Owen", datetime(2013, 7, 1), "4 Elm St", "Springfield", "MO", 65802, "Name"],
    [],
    ["Total students: 2"],
]
STAFF: list[list[object]] = [
    ["Employee ID", "Last Name", "First Name", "Data Types"],
    ["E-7", "Quist", "Dana", "Name"],
]


def _workbook() -> bytes:
    return workbook_bytes({"Cover": [], "Students": ROSTER, "Staff": STAFF})


def test_the_first_sheet_with_data_is_read_from_the_header_under_its_title_lines():
    info = files.inspect(io.BytesIO(_workbook()), "roster.xlsx")
    assert (info.sheet, info.sheets) == ("Students", ["Cover", "Students", "Staff"])
    assert (info.header_row, info.header_found) == (3, True)
    assert info.header[:3] == ["Student ID", "Last Name", "First Name"]
    assert [number for number, _ in info.sample] == [4, 5]  # the footer is no person


def test_a_csv_report_has_its_header_found_under_a_title_without_delimiters():
    content = (
        b"District report\nPrinted 12/01/2026\n\nLast Name,First Name,DOB\nLee,Kim,2014-01-01\nPark,Jo,2013-02-02\n"
    )
    info = files.inspect(io.BytesIO(content), "report.csv")
    assert (info.delimiter, info.header_row, info.header) == (",", 4, ["Last Name", "First Name", "DOB"])


def test_a_table_whose_header_is_row_1_is_read_as_before():
    info = files.inspect(io.BytesIO(b"Name,Grade\nSmith,4\nJones,5\n"), "plain.csv")
    assert (info.header_row, info.header_found) == (1, False)


def test_the_footer_is_left_out_and_noted_and_everyone_else_imported(incident):
    job = check(upload(incident, _workbook(), "roster.xlsx"))
    assert job.status == ImportJob.Status.VALIDATED, job.reason
    assert (job.rows_read, job.rows_valid, job.rows_rejected, job.footer_rows) == (2, 2, 0, 1)
    assert job.first_issues[0]["row"] == 7
    assert job.first_issues[0]["value"] == "Total students: 2"
    assert job.first_issues[0]["outcome"] == "skipped"
    job = confirm(job)
    assert job.individuals_added == 2
    assert set(Individual.objects.values_list("last_name", flat=True)) == {"Abernathy", "Fitzgerald"}


def test_the_manager_chooses_another_sheet_and_its_header_is_found(client, incident, manager):
    job = upload(incident, _workbook(), "roster.xlsx", actor=manager)
    client.force_login(manager)
    page = client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()
    assert "column names are on row 3, found below 2 lines of title that are left out" in page
    assert "Sheet “Students” (of 3)" in page
    url = reverse("people:import-header", args=[incident.slug, job.pk])
    response = client.post(url, {"header_row": "3", "sheet": "Staff"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.sheet, job.header_row, job.header[0]) == ("Staff", 1, "Employee ID")
    assert job.mapping["external_id"] == 0


def test_the_manager_chooses_another_header_row_and_the_columns_follow(client, incident, manager):
    job = upload(incident, _workbook(), "roster.xlsx", actor=manager)
    client.force_login(manager)
    url = reverse("people:import-header", args=[incident.slug, job.pk])
    client.post(url, {"header_row": "1"})
    job.refresh_from_db()
    assert (job.header_row, job.header) == (1, ["Riverbend R-VI School District: students whose records were copied"])
    assert "last_name" not in job.mapping
    response = client.post(url, {"header_row": "40"}, follow=True)
    assert "Row 40 is empty; choose the row that names the columns." in response.content.decode()
    client.post(url, {"header_row": ""})  # blank: found again
    job.refresh_from_db()
    assert job.header_row == 3


def test_the_command_line_finds_the_header_and_takes_another_sheet(incident, tmp_path: Path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(_workbook())
    out = io.StringIO()
    call_command("import_individuals", incident.slug, str(path), stdout=out)
    text = out.getvalue()
    assert "Reading sheet “Students” of 3, column names on row 3 (2 lines of title above left out)." in text
    assert "1 line under the data read as the report's footer" in text
    assert "2 people added" in text
    out = io.StringIO()
    call_command("import_individuals", incident.slug, str(path), "--sheet", "Staff", "--header-row", "1", stdout=out)
    assert "1 person added" in out.getvalue()
