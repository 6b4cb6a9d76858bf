"""The dry run's checks on several processes find what one process finds: the same rows, issues, report,
staged rows and, once imported, the same people."""

import pytest

from incidents.models import DataType
from people.importing import parallel
from people.models import Exposure, ImportJob, ImportRow, Individual, Recipient
from people.tests.test_import_exports import ROSTER, STAFF
from people.tests.test_import_systems import CLINIC, POWERSCHOOL
from portal.testing import IncidentFactory
from portal.testing.imports import check, confirm, csv_bytes, upload, workbook_bytes


def _row(n: int) -> str:
    kind = n % 10
    if kind == 0:
        return f"{n},García,José,1980-03-0{n % 9 + 1},{n} Oak St,Springfield,MO,65801,,(417) 555-01{n % 100:02d},Name"
    if kind == 1:  # a minor; a ZIP code that lost its zero
        return f"{n},Nguyễn,Thị Minh,2015-01-{n % 28 + 1:02d},1 Elm St,Boston,MA,2108,Lan Nguyễn,,Name; Address"
    if kind == 2:
        return f"{n},,Kim,2001-01-01,,,,,,,Name"  # no last name: rejected
    if kind == 3:
        return f"{n},Lee,Bo,2001-13-45,2 Pine St,Joplin,MO,64801,,,Name"  # no such date: rejected
    if kind == 4:
        return "7,O'Brien,Seán,1990-05-05,9 Hill St,Columbia,MO,65201,,,Date of Birth"  # one person, many rows
    if kind == 5:
        return f"{n},<b>Smith</b>,Ann,1970-01-01,3 Lake St,Joplin,MO,64801,,,Name"  # markup: a warning
    if kind == 6:
        return f"{n},Jones-Pérez,Al,1960-01-01,,,,,,,Name"  # no address: a warning
    if kind == 7:
        return f"{n},Moore,Eve,1999-09-09,4 Main St,Joplin,MO,64801,,,Passport scans"  # unknown type: rejected
    if kind == 8:
        return f"{n},Ramírez,Zoë,2/2/2012,5 Park St,Joplin,MO,64801,,12,Name"  # a phone that is none
    return ""  # a blank line


ROWS = [*(_row(n) for n in range(1, 80)), "Total students: 79"]
STAGED = [f.name for f in ImportRow._meta.concrete_fields if f.name not in ("id", "job", "reference_code")]


def _checked(incident, settings, processes: int) -> ImportJob:
    settings.IMPORT_CHECK_PROCESSES = processes
    return check(upload(incident, csv_bytes(*ROWS)))


@pytest.mark.django_db
def test_several_processes_find_the_same_rows_issues_report_and_people_as_one(incident, settings, monkeypatch):
    settings.IMPORT_CHECK_PARALLEL_FROM_BYTES = 0
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 7)  # chunks end mid-way through the file's kinds of row
    alone = _checked(incident, settings, processes=1)
    other = IncidentFactory.create(slug="riverside-again", title="Riverside again")

    def not_here(self, rows):
        raise AssertionError("a chunk was checked in the importing process")

    with monkeypatch.context() as here:  # the checking processes start afresh, without this
        here.setattr(parallel.ChunkChecker, "__call__", not_here)
        shared = _checked(other, settings, processes=2)

    tally = ["status", "rows_read", "rows_valid", "rows_rejected", "duplicates_merged", "warnings"]
    tally += ["without_address", "footer_rows", "first_issues", "changes"]
    assert [getattr(shared, name) for name in tally] == [getattr(alone, name) for name in tally]
    assert (alone.rows_rejected, alone.duplicates_merged, alone.footer_rows) == (24, 7, 1)
    with alone.error_report.open("rb") as mine, shared.error_report.open("rb") as theirs:
        report = mine.read()
        assert theirs.read() == report
    assert "no last name" in report.decode("utf-8-sig")
    # Staged alike, sealed values opened (each sealing differs) and lookup keys compared; codes are random.
    staged = [list(ImportRow.objects.filter(job=job).order_by("row_number").values(*STAGED)) for job in (alone, shared)]
    assert staged[0] == staged[1]
    assert len(staged[0]) == alone.rows_valid

    confirm(alone), confirm(shared)
    people = ("external_id", "first_name", "last_name", "date_of_birth", "date_of_birth_key", "is_deceased")
    letters = ("individual__external_id", "relationship", "name", "address_line1", "postal_code", "phone_key")
    exposures = ("individual__external_id", "data_type__key")
    for model, fields in ((Individual, people), (Recipient, letters), (Exposure, exposures)):
        # Sorted here: sealed values sort by their ciphertext in the database.
        mine, theirs = (
            sorted(model.objects.filter(incident=i).values_list(*fields), key=repr) for i in (incident, other)
        )
        assert mine == theirs
        assert mine
    assert Recipient.objects.filter(incident=other, name="Lan Nguyễn").exists()


def test_one_core_or_a_small_file_is_checked_in_the_importing_process(settings, monkeypatch):
    settings.IMPORT_CHECK_PROCESSES = 0
    settings.IMPORT_CHECK_PARALLEL_FROM_BYTES = 2_000_000
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    assert parallel.processes(50_000_000) == 4
    assert parallel.processes(1_000_000) == 1
    monkeypatch.setattr(parallel.os, "sched_getaffinity", lambda pid: {0})
    assert parallel.processes(50_000_000) == 1


@pytest.mark.django_db
def test_a_checking_process_that_cannot_start_fails_the_check_with_the_usual_message(incident, settings, monkeypatch):
    settings.IMPORT_CHECK_PARALLEL_FROM_BYTES = 0
    monkeypatch.setattr(parallel, "_PASSED_SETTINGS", ("NO_SUCH_SETTING_ANYWHERE",))
    failed = _checked(incident, settings, processes=2)
    assert failed.status == ImportJob.Status.FAILED
    assert "unexpected error" in failed.reason
    assert not ImportRow.objects.filter(job=failed).exists()


CP1252 = (
    "Student ID,Last Name,First Name,Birthdate,Street,City,State,Zip\n"
    "7001,Muñoz,José,3/9/2014,12 Oak St,Springfield,MO,65801\n"
    "7002,Gonçalves,Zoë,11/23/2012,4 Elm St,Springfield,MO,6580\n"
    "7003,O'Brien-Peña,Ann,1/2/2005,9 Pine Rd,Springfield,MO,65803\n"
).encode("cp1252")


def _real_exports() -> dict[str, bytes]:
    return {
        "powerschool.csv": POWERSCHOOL.encode(),  # "Last, First" full names, parents, phones in three forms
        "clinic.csv": CLINIC.encode(),  # YYYYMMDD dates, deceased patients, next of kin
        "roster.xlsx": workbook_bytes({"Cover": [], "Students": ROSTER, "Staff": STAFF}),  # title lines, footer
        "spanish-names.csv": CP1252,  # Windows-1252, as spreadsheet programs save
    }


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["powerschool.csv", "clinic.csv", "roster.xlsx", "spanish-names.csv"])
def test_real_exports_checked_on_several_processes_import_as_on_one(incident, settings, monkeypatch, name):
    content = _real_exports()[name]
    settings.IMPORT_CHECK_PARALLEL_FROM_BYTES = 0
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 1)  # every row its own chunk, so chunks come back interleaved
    types = [DataType.objects.get(key="name").pk]
    settings.IMPORT_CHECK_PROCESSES = 1
    job = upload(incident, content, name)
    alone = check(job, types=types, encoding=job.encoding)

    def not_here(self, rows):
        raise AssertionError("a chunk was checked in the importing process")

    settings.IMPORT_CHECK_PROCESSES = 2
    job = upload(IncidentFactory.create(slug="riverside-again", title="Riverside again"), content, name)
    with monkeypatch.context() as here:  # the checking processes start afresh, without this
        here.setattr(parallel.ChunkChecker, "__call__", not_here)
        shared = check(job, types=types, encoding=job.encoding)
    tally = [
        "status",
        "encoding",
        "rows_read",
        "rows_valid",
        "rows_rejected",
        "warnings",
        "footer_rows",
        "first_issues",
    ]
    assert [getattr(shared, field) for field in tally] == [getattr(alone, field) for field in tally]
    assert alone.status == ImportJob.Status.VALIDATED, alone.reason
    assert alone.rows_valid >= 2

    confirm(alone), confirm(shared)
    fields = ("external_id", "first_name", "middle_name", "last_name", "suffix", "is_deceased")
    mine, theirs = (
        sorted(Individual.objects.filter(incident=job.incident).values_list(*fields)) for job in (alone, shared)
    )
    assert mine == theirs
    letters = ("individual__external_id", "relationship", "name", "address_line1", "postal_code")
    mine, theirs = (sorted(Recipient.objects.filter(incident=job.incident).values_list(*letters), key=repr)
                    for job in (alone, shared))  # fmt: skip
    assert mine == theirs
