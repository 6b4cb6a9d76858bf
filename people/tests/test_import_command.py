"""`import_individuals`: the browser's import from the command line, with its counts and one-line refusals."""

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from people.importing import jobs
from people.models import Exposure, ImportJob, Individual, Recipient
from people.tests.importing import csv_bytes

pytestmark = pytest.mark.django_db

ROWS = (
    "1001,Muñoz,Ana,3/14/2015,12 Oak St,Springfield,Missouri,65801,María Muñoz,(417) 555-0100,Name; Address",
    "1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,2134,,617-555-0101,Name",
    "1003,,Carl,2010-01-01,1 Elm St,Boston,MA,02134,,,Name",
)


def _file(tmp_path: Path, content: bytes, name: str = "district export.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_individuals", *args, stdout=out)
    return out.getvalue()


def _refusal(*args: str) -> str:
    with pytest.raises(CommandError) as refused:
        _run(*args)
    message = str(refused.value)
    assert "\n" not in message  # one line, as the command line shows it
    return message


def test_a_dry_run_prints_the_counts_and_the_report_and_writes_no_people(incident, tmp_path):
    out = _run(incident.slug, str(_file(tmp_path, csv_bytes(*ROWS))), "--dry-run")

    assert (
        "Checked district export.csv: 3 rows read, 2 valid (2 people), 1 rejected, 0 duplicates merged, 1 warning,"
        in out
    )
    report = Path(out.split("Report: ", 1)[1].strip())
    rows = list(csv.reader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert ["4", "Last Name", "", "rejected", "no last name"] in rows
    assert "Imported" not in out
    assert not Individual.objects.exists()
    assert ImportJob.objects.get().status == ImportJob.Status.VALIDATED


def test_an_import_prints_what_it_wrote_and_the_same_file_again_changes_nothing(incident, tmp_path):
    path = _file(tmp_path, csv_bytes(*ROWS))

    out = _run(incident.slug, str(path))  # a rejected row does not make the command fail
    assert (
        "Imported 2 people (2 valid rows; 0 duplicates merged): 2 people added, 0 updated, 0 unchanged; "
        "2 recipients added, 0 updated; 3 exposures added."
    ) in out
    assert Recipient.objects.get(individual__external_id="1001").name == "María Muñoz"

    again = _run(incident.slug, str(path))
    assert "0 people added, 0 updated, 2 unchanged; 0 recipients added, 0 updated; 0 exposures" in again

    one = _file(tmp_path, csv_bytes("1004,Lee,Kim,2011-05-05,,,,,,,Name"), name="one.csv")
    assert (
        "Imported 1 person (1 valid row; 0 duplicates merged): 1 person added, 0 updated, 0 unchanged; 1 recipient"
        in _run(incident.slug, str(one))
    )
    completed = AuditEvent.objects.filter(action="import.completed")
    assert completed.count() == 3
    assert "Kim" not in str(list(completed.values_list("details", flat=True)))


def test_map_reads_a_field_from_a_column_the_automatic_mapping_missed(incident, tmp_path):
    header = "Student ID,Last Name,First Name,DOB,Mailing Addr,City,State,Zip\n"
    path = _file(tmp_path, csv_bytes("1001,Lee,Kim,2011-05-05,9 Pine Rd,Joplin,MO,64801", header=header))

    _run(incident.slug, str(path), "--map", "address_line1=Mailing Addr", "--data-type", "name")

    recipient = Recipient.objects.get()
    assert (recipient.address_line1, recipient.city, recipient.postal_code) == ("9 Pine Rd", "Joplin", "64801")
    assert list(Exposure.objects.values_list("data_type__key", flat=True)) == ["name"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02\xff\xfe binary junk \x00" * 200, "not a CSV"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_one_line_and_leaves_the_incident_as_it_was(
    incident, tmp_path, content, expected
):
    message = _refusal(incident.slug, str(_file(tmp_path, content, name="people.csv")))

    assert expected in message
    assert not ImportJob.objects.exists()
    assert not Individual.objects.exists()


def test_mistakes_in_the_command_are_named_and_keep_nothing(incident, tmp_path):
    path = str(_file(tmp_path, csv_bytes(*ROWS)))

    assert "'no-such-incident'" in _refusal("no-such-incident", path)
    assert "is not a file" in _refusal(incident.slug, str(tmp_path / "missing.csv"))
    assert "'shoe_size=Last Name'" in _refusal(incident.slug, path, "--map", "shoe_size=Last Name")
    assert "no column headed 'Surname'" in _refusal(incident.slug, path, "--map", "last_name=Surname")
    assert "Unknown data type 'shoe-size'" in _refusal(incident.slug, path, "--data-type", "shoe-size")
    nameless = str(_file(tmp_path, csv_bytes("Ana,2015-03-14", header="Given,Born\n"), name="nameless.csv"))
    assert "--map last_name=HEADER" in _refusal(incident.slug, nameless)

    assert not ImportJob.objects.exists()  # no upload is kept for a command that was refused
    assert not AuditEvent.objects.filter(action__startswith="import.").exists()


def test_a_check_handed_to_a_worker_meanwhile_is_said_so(incident, tmp_path, monkeypatch):
    def taken_over(job, *args):  # the run went silent so long that the sweep handed the job to a worker
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, claim="")
        return ImportJob.objects.get(pk=job.pk)

    monkeypatch.setattr(jobs, "check_now", taken_over)
    message = _refusal(incident.slug, str(_file(tmp_path, csv_bytes(*ROWS))))
    assert "was handed to a background worker" in message


def test_duplicate_headers_are_named_and_the_second_is_read_with_a_number(incident, tmp_path):
    content = b"Last Name,First Name,Last Name,DOB,Data Types\nSmith,Bo,Smyth,2010-01-01,Name\n"
    path = _file(tmp_path, content)
    out = _run(incident.slug, str(path), "--map", "last_name=Last Name#2")
    assert "“Last Name” heads columns 1, 3: the first is read" in out
    assert Individual.objects.get().last_name == "Smyth"
    assert "the file has 2 columns headed 'Last Name'" in _refusal(
        incident.slug, str(path), "--map", "last_name=Last Name#3"
    )
