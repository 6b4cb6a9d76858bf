"""Bad files: each gives a clear message and leaves the incident as it was."""

import io
import re
import zipfile

import pytest

from incidents.models import DataType
from people.importing import files
from people.models import ImportJob, Individual
from people.tests.importing import HEADER, check, csv_bytes, upload, xlsx_bytes, zip_bomb


def _inspect(content: bytes, name: str = "people.csv") -> files.FileInfo:
    return files.inspect(io.BytesIO(content), name)


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "people.csv", "The file is empty."),
        (b"  \n\n", "people.csv", "The file is empty."),
        (HEADER.encode(), "people.csv", "no rows of people under it"),
        (bytes(range(256)) * 20, "people.csv", "is not a CSV text file or an Excel workbook"),
        (b"%PDF-1.7 not a spreadsheet", "people.csv", "is not a CSV text file"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "people.xls", r"old Excel workbook \(\.xls\)"),
        (xlsx_bytes([["Last Name"], ["Smith"]])[:300], "people.xlsx", "damaged or incomplete"),
        (zip_bomb(), "people.xlsx", "zip bomb"),
    ],
    ids=["empty", "blank-lines", "header-only", "binary-junk", "pdf", "xls", "truncated-xlsx", "zip-bomb"],
)
def test_unreadable_files_are_refused_with_a_reason(content, name, message):
    with pytest.raises(files.Unreadable, match=message):
        _inspect(content, name)


def test_utf8_with_bom_semicolons_and_tabs_are_read():
    bom = b"\xef\xbb\xbf" + "Last Name;First Name\nMuñoz;Ana\n".encode()
    info = _inspect(bom)
    assert (info.encoding, info.encoding_sure, info.delimiter) == ("utf-8-sig", True, ";")
    assert info.header == ["Last Name", "First Name"]
    assert info.sample == [(2, ["Muñoz", "Ana"])]
    assert _inspect(b"Last Name\tFirst Name\nSmith\tBo\n").delimiter == "\t"


def test_windows_1252_is_detected_and_read():
    info = _inspect("Last Name,First Name\nMuñoz,José\n".encode("cp1252"))
    assert (info.encoding, info.encoding_sure) == ("cp1252", True)
    assert info.sample == [(2, ["Muñoz", "José"])]


def test_bytes_windows_1252_does_not_define_make_the_encoding_unsure():
    info = _inspect(b"Last Name\nM\x81ller\n")
    assert info.encoding_sure is False


def test_quotes_spanning_lines_and_blank_lines_keep_spreadsheet_row_numbers():
    content = b'Last Name,Address\n"Smith","12 Oak St\nApt 4"\n\nJones,1 Elm\n'
    info = _inspect(content)
    rows = list(files.Reader(io.BytesIO(content), info).rows())
    assert rows == [(2, ["Smith", "12 Oak St\nApt 4"]), (3, []), (4, ["Jones", "1 Elm"])]


def test_xlsx_values_come_out_as_text_with_dates_and_numbers_kept():
    from datetime import datetime

    content = xlsx_bytes([["Last Name", "DOB", "Zip"], ["Smith", datetime(2010, 5, 6), 2134]])
    info = _inspect(content, "people.xlsx")
    assert info.kind == "xlsx"
    assert info.sample == [(2, ["Smith", "2010-05-06", "2134"])]


def test_an_unreadable_upload_leaves_the_incident_as_it_was(incident):
    with pytest.raises(files.Unreadable):
        upload(incident, b"")
    assert not ImportJob.objects.exists()
    assert not Individual.objects.exists()


def test_a_file_that_turns_out_unreadable_midway_fails_its_check_and_writes_nothing(incident):
    good = csv_bytes("1,Smith,Bo,2010-01-01,1 Oak,Town,MO,65801,,,Name")
    bad = good + b"\xff\xfe\x00 not utf-8 \x81\n"
    job = upload(incident, good)
    with open(job.file.path, "wb") as f:  # replaced after its upload was inspected as UTF-8
        f.write(bad)
    done = check(job, encoding="utf-8-sig")
    assert done.status == ImportJob.Status.FAILED
    assert "is not UTF-8 text" in done.reason
    assert not Individual.objects.exists()


def test_utf16_with_a_byte_order_mark_is_read_as_excel_writes_it(incident):
    """Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated."""
    content = (
        "Last Name\tFirst Name\tDOB\tData Types\r\nNguyễn\tBảo\t2014-03-09\tName\r\nMuñoz\tAna\t2013-01-01\tName\r\n"
    )
    info = _inspect(content.encode("utf-16"))
    assert (info.encoding, info.delimiter, info.header) == (
        "utf-16",
        "\t",
        ["Last Name", "First Name", "DOB", "Data Types"],
    )
    job = check(upload(incident, content.encode("utf-16")))
    assert (job.status, job.rows_valid) == (ImportJob.Status.VALIDATED, 2)


def test_a_nul_byte_rejects_its_row_by_number_and_the_rest_is_read(incident):
    content = csv_bytes(
        "1,Smith,Bo,2010-01-01,1 Oak,Town,MO,65801,,,Name",
        "2,Sm\0ith,Al,2010-01-01,1 Oak,Town,MO,65801,,,Name",
        "3,Jones,Cy,2010-01-01,1 Oak,Town,MO,65801,,,Name",
    )
    job = check(upload(incident, content))
    assert (job.rows_valid, job.rows_rejected) == (2, 1)
    [rejected] = [issue for issue in job.first_issues if issue["outcome"] == "rejected"]
    assert rejected["row"] == 3
    assert "NUL character" in rejected["reason"]


def test_an_over_long_cell_names_its_row_and_the_limit_in_plain_words(incident):
    content = csv_bytes("1,Smith,Bo,2010-01-01,1 Oak,Town,MO,65801,,,Name", '2,"' + "x" * 1_100_000)
    job = upload(incident, csv_bytes("1,Smith,Bo,2010-01-01,1 Oak,Town,MO,65801,,,Name"))
    with open(job.file.path, "wb") as f:  # the sample read at upload ends before the long cell
        f.write(content)
    done = check(job)
    assert done.status == ImportJob.Status.FAILED
    assert done.reason.startswith("Row 3 holds a value longer than 1,000,000 characters, the most one cell may hold")
    assert "field limit" not in done.reason
    with pytest.raises(files.Unreadable, match=r"Row 3 holds a value longer than 1,000,000 characters"):
        _inspect(content)


def test_a_workbook_with_a_doctype_is_refused_in_plain_words_without_an_exception_name():
    good = xlsx_bytes([["Last Name"], ["Smith"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<worksheet", b'<!DOCTYPE x [<!ENTITY e "boom">]><worksheet', 1)
            target.writestr(item, data)
    with pytest.raises(files.Unreadable) as refused:
        _inspect(out.getvalue(), "people.xlsx")
    message = str(refused.value)
    assert "not laid out as Excel saves them" in message or "damaged" in message
    assert not re.search(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\b", message)  # no ParseError, no DTDForbidden


def test_duplicate_headers_are_named_with_their_positions_and_the_manager_chooses(client, incident, manager):
    from django.urls import reverse

    content = b"Last Name,First Name,Last Name,DOB\nSmith,Bo,Smyth,2010-01-01\n"
    assert files.duplicate_headers(["Last Name", "First Name", "Last Name", "DOB"]) == {"Last Name": [1, 3]}
    job = upload(incident, content, actor=manager)
    assert job.mapping["last_name"] == 0
    client.force_login(manager)
    page = client.get(reverse("people:import-detail", args=[incident.slug, job.pk])).content.decode()
    assert "“Last Name” heads 2 columns (column 1 and column 3)" in page
    assert "Last Name (column 3)" in page
    types = {"file_data_types": [str(pk) for pk in DataType.objects.filter(key="name").values_list("pk", flat=True)]}
    url = reverse("people:import-mapping", args=[incident.slug, job.pk])
    response = client.post(
        url,
        {
            "column_0": "",
            "column_1": "first_name",
            "column_2": "last_name",
            "column_3": "",
            "encoding": "utf-8-sig",
            **types,
        },
    )
    assert response.status_code == 302, response.content.decode()
    job.refresh_from_db()
    assert job.mapping == {"first_name": 1, "last_name": 2}
