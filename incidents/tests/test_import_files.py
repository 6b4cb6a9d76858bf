"""Bad files: each gives a clear message and leaves the incident as it was."""

import io

import pytest

from incidents.importing import files
from incidents.models import ImportJob, Individual
from incidents.tests.importing import HEADER, check, csv_bytes, upload, xlsx_bytes, zip_bomb


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
