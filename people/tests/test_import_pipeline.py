"""The dry run and the import, end to end in the test's process (the worker runs them in test_import_worker)."""

import csv
import io
from datetime import date

import pytest
from django.db import connection

from audit.models import AuditEvent
from incidents.models import DataType
from people.importing import jobs, load
from people.models import Exposure, ImportJob, ImportRow, Individual, Recipient
from portal.testing.imports import HEADER, check, confirm, csv_bytes, import_file, upload, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = (
    "1001,Muñoz,Ana,3/14/2015,12 Oak St,Springfield,Missouri,65801,María Muñoz,(417) 555-0100,"
    "Name; Address; Medical Information",
    "1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,2134,,617-555-0101,Name",
    "1003,,Carl,2010-01-01,1 Elm St,Boston,MA,02134,,,Name",
    "1004,Doe,Jane,2/30/2010,1 Elm St,Boston,MA,02134,,,Name",
    "1005,Roe,Ed,2012-01-01,1 Elm St,Boston,MA,02134,,,Shoe size",
    "1001,Muñoz,Ana,3/14/2015,12 Oak St,Springfield,MO,65801,María Muñoz,(417) 555-0100,SSN",
    "",
    "1006,Lee,Kim,2011-05-05,,,,,,,Name",
    "1007,Park,Jo,2011-05-05,5 A St,Town,TX,75001,,,Name,extra cell",
)


def _report(job: ImportJob) -> list[dict[str, str]]:
    with job.error_report.open("rb") as f:
        return list(csv.DictReader(io.StringIO(f.read().decode("utf-8-sig"))))


def test_the_dry_run_reports_every_row_and_writes_no_people(incident):
    job = check(upload(incident, csv_bytes(*ROWS)))
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.rows_read, job.rows_valid, job.rows_rejected, job.duplicates_merged) == (8, 4, 4, 1)
    assert job.without_address == 1
    assert not Individual.objects.exists()
    reasons = {(r["Row"], r["Outcome"]): r["Reason"] for r in _report(job)}
    assert reasons["4", "rejected"] == "no last name"
    assert reasons["5", "rejected"] == "date of birth “2/30/2010” is not a real date"
    assert "unknown data type “Shoe size”" in reasons["6", "rejected"]
    assert "the row has 12 cells but the header names 11 columns" in reasons["10", "rejected"]
    assert reasons["7", "merged"].startswith("the same person as row 2 (same ID)")
    assert "read as 02134 (MA)" in reasons["3", "warning"]
    assert "flagged for substitute notice" in reasons["9", "warning"]
    assert [r["Value as in the file"] for r in _report(job) if r["Row"] == "5"] == ["2/30/2010"]


def test_the_import_writes_people_recipients_and_merged_exposures(incident):
    job = confirm(check(upload(incident, csv_bytes(*ROWS))))
    assert job.status == ImportJob.Status.IMPORTED
    assert (job.individuals_added, job.recipients_added) == (3, 3)
    ana = Individual.objects.get(incident=incident, external_id="1001")
    assert (ana.last_name, ana.last_name_key) == ("Muñoz", "munoz")
    keys = set(Exposure.objects.filter(individual=ana).values_list("data_type__key", flat=True))
    assert keys == {"name", "postal_address", "medical_information", "ssn"}  # both rows' types
    minor = Recipient.objects.get(individual=ana)
    assert (minor.relationship, minor.name, minor.state, minor.phone) == (
        "parent_guardian",
        "María Muñoz",
        "MO",
        "+14175550100",
    )
    adult = Recipient.objects.get(individual__external_id="1002")
    assert (adult.relationship, adult.name, adult.postal_code) == ("self", "Bob Smith", "02134")
    assert Recipient.objects.filter(Recipient.without_mailing_address()).get().individual.external_id == "1006"
    assert not ImportRow.objects.exists()


def test_a_minor_without_a_guardian_name_is_addressed_to_the_parent_or_guardian(incident):
    import_file(incident, csv_bytes("1,Lee,Kim,2015-05-05,5 A St,Town,TX,75001,,,Name"))
    assert Recipient.objects.get().name == "Parent or Guardian of Kim Lee"


def test_a_deceased_person_with_next_of_kin_has_the_next_of_kin_as_recipient(incident):
    header = "ID,Last Name,First Name,DOB,Deceased,Next of Kin,Address,City,State,Zip,Data Types\n"
    import_file(incident, csv_bytes("9,Old,Al,1930-01-01,Y,Beth Old,1 Elm St,Town,MO,65801,Name", header=header))
    recipient = Recipient.objects.get()
    assert (recipient.relationship, recipient.name) == ("next_of_kin", "Beth Old")
    assert Individual.objects.get().is_deceased


def test_the_same_file_again_changes_nothing(incident):
    first = import_file(incident, csv_bytes(*ROWS))
    codes = dict(Recipient.objects.values_list("individual__external_id", "reference_code"))
    again = import_file(incident, csv_bytes(*ROWS))
    assert (again.individuals_added, again.individuals_updated, again.individuals_unchanged) == (0, 0, 3)
    assert (again.recipients_added, again.recipients_updated, again.exposures_added) == (0, 0, 0)
    assert dict(Recipient.objects.values_list("individual__external_id", "reference_code")) == codes
    assert Individual.objects.count() == first.individuals_added


def test_people_without_an_id_are_matched_by_name_and_birth_date_on_reimport(incident):
    header = "Last Name,First Name,DOB,Data Types\n"
    import_file(incident, csv_bytes("LEE,Kim,2011-05-05,Name", "LEE,Kim,2011-05-05,SSN", header=header))
    again = import_file(incident, csv_bytes("Lee,Kim,2011-05-05,Name", header=header))
    assert Individual.objects.count() == 1
    assert again.individuals_updated == 1  # the name's case was corrected
    assert Individual.objects.get().last_name == "Lee"
    # Capitals back again would degrade it: the stored spelling stays.
    assert import_file(incident, csv_bytes("LEE,Kim,2011-05-05,Name", header=header)).individuals_updated == 0
    assert Individual.objects.get().last_name == "Lee"


def test_a_corrected_file_updates_people_by_id_and_keeps_their_reference_codes(incident):
    import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,02134,,,Name"))
    code = Recipient.objects.get().reference_code
    job = import_file(incident, csv_bytes("1002,Smith,Robert,1980-02-03,9 New Rd,Boston,MA,02134,,,Name; SSN"))
    assert (job.individuals_added, job.individuals_updated, job.recipients_updated, job.exposures_added) == (0, 1, 1, 1)
    recipient = Recipient.objects.get()
    assert (recipient.reference_code, recipient.name, recipient.address_line1) == (code, "Robert Smith", "9 New Rd")


def test_a_corrected_phone_or_birth_date_is_seen_though_both_are_sealed(incident):
    import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,02134,,617-555-0101,Name"))
    job = import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-04,1 Elm St,Boston,MA,02134,,617-555-0199,Name"))
    assert (job.individuals_updated, job.recipients_updated) == (1, 1)
    recipient = Recipient.objects.select_related("individual").get()
    assert (recipient.phone, recipient.individual.date_of_birth) == ("+16175550199", date(1980, 2, 4))


def test_a_corrected_address_can_be_mailed_again_though_a_letter_came_back_from_the_old_one(incident):
    import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,02134,,617-555-0101,Name"))
    Recipient.objects.update(address_returned_on=date(2026, 11, 9))
    import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,02134,,617-555-0199,Name"))
    assert Recipient.objects.get().address_returned_on == date(2026, 11, 9)  # a new phone is not a new address

    import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-03,9 New Rd,Boston,MA,02134,,617-555-0199,Name"))
    recipient = Recipient.objects.get()
    assert (recipient.address_line1, recipient.address_returned_on) == ("9 New Rd", None)
    assert Recipient.objects.filter(Recipient.deliverable()).exists()

    Recipient.objects.update(address_returned_on=date(2026, 11, 20))
    import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-03,9 New Rd,Boston,MA,02135,,617-555-0199,Name"))
    assert Recipient.objects.get().address_returned_on is None  # the ZIP code alone was corrected


def test_a_failure_midway_writes_nothing_and_a_rerun_succeeds(incident, monkeypatch):
    job = check(upload(incident, csv_bytes(*ROWS)))
    real = load._statements

    def failing(*args):
        statements = real(*args)
        return [*statements[:6], ("", "INSERT INTO no_such_table VALUES (1)"), *statements[6:]]

    monkeypatch.setattr(load, "_statements", failing)
    failed = confirm(job)
    assert failed.status == ImportJob.Status.FAILED
    assert "nothing was written" in failed.reason
    assert not Individual.objects.exists()
    assert not Recipient.objects.exists()
    assert not Exposure.objects.exists()
    assert ImportRow.objects.filter(job_id=job.pk).count() == job.rows_valid  # kept for the rerun

    monkeypatch.setattr(load, "_statements", real)
    rerun = confirm(failed)
    assert rerun.status == ImportJob.Status.IMPORTED
    assert Individual.objects.count() == 3


def test_a_reference_code_already_taken_is_replaced_and_the_import_goes_on(incident):
    import_file(incident, csv_bytes("1002,Smith,Bob,1980-02-03,1 Elm St,Boston,MA,02134,,,Name"))
    taken = Recipient.objects.get().reference_code
    job = check(upload(incident, csv_bytes("1003,Roe,Al,1980-02-03,1 Elm St,Boston,MA,02134,,,Name")))
    ImportRow.objects.filter(job_id=job.pk).update(reference_code=taken)
    done = confirm(job)
    assert done.status == ImportJob.Status.IMPORTED
    assert Recipient.objects.get(individual__external_id="1003").reference_code != taken


def test_staged_rows_lost_to_a_database_restart_ask_for_a_new_check(incident):
    job = check(upload(incident, csv_bytes(*ROWS)))
    ImportRow.objects.filter(job_id=job.pk).delete()
    failed = confirm(job)
    assert failed.status == ImportJob.Status.FAILED
    assert failed.validated_at is None
    assert "Check the file again" in failed.reason


def test_windows_1252_accents_and_html_and_formulas_are_kept_as_text(incident):
    rows = (
        "1,Muñoz,José,2000-01-01,1 Oak St,Town,MO,65801,,,Name",
        '2,<b>Evil</b>,=HYPERLINK("x"),2000-01-01,1 Oak St,Town,MO,65801,,,Name',
    )
    job = import_file(incident, csv_bytes(*rows, encoding="cp1252"))
    assert job.encoding == "cp1252"
    assert set(Individual.objects.values_list("last_name", flat=True)) == {"Muñoz", "<b>Evil</b>"}
    assert Individual.objects.get(external_id="2").first_name == '=HYPERLINK("x")'
    formula = [r for r in _report(job) if r["Row"] == "3" and r["Column"] == "First Name"]
    assert formula[0]["Value as in the file"] == '\'=HYPERLINK("x")'  # a spreadsheet will not run it
    assert "starts like a spreadsheet formula" in formula[0]["Reason"]


def test_a_100000_character_cell_rejects_its_row_and_the_report_stays_readable(incident):
    job = check(upload(incident, csv_bytes("1," + "x" * 100_000 + ",Bo,2000-01-01,,,,,,,Name")))
    assert (job.rows_valid, job.rows_rejected) == (0, 1)
    (row,) = _report(job)
    assert "100,000 characters is too long for last name (at most 100)" in row["Reason"]
    assert row["Value as in the file"].endswith("(first 1,000 of 100,000 characters)")


def test_data_types_from_yes_no_columns_and_for_the_whole_file(incident):
    header = "Last Name,SSN Exposed,Medical Involved\n"
    name = DataType.objects.get(key="name")
    job = upload(incident, csv_bytes("Lee,Y,N", "Kim,no,yes", "Bad,maybe,N", header=header))
    assert job.mapping == {"last_name": 0, "dt:ssn": 1, "dt:medical_information": 2}
    done = confirm(check(job, types=[name.pk]))
    assert done.rows_rejected == 1
    assert set(Exposure.objects.filter(individual__last_name="Lee").values_list("data_type__key", flat=True)) == {
        "name",
        "ssn",
    }
    assert set(Exposure.objects.filter(individual__last_name="Kim").values_list("data_type__key", flat=True)) == {
        "name", "medical_information"}  # fmt: skip


def test_xlsx_is_imported_like_csv(incident):
    from datetime import datetime

    content = xlsx_bytes([["MOSIS ID", "Surname", "Birthdate", "Zip", "State", "Data Types"],
                          [123, "Lee", datetime(2001, 5, 6), 2134, "MA", "Name"]])  # fmt: skip
    job = import_file(incident, content, name="export.xlsx")
    person = Individual.objects.get()
    assert (job.kind, person.external_id, str(person.date_of_birth)) == ("xlsx", "123", "2001-05-06")
    assert Recipient.objects.get().postal_code == "02134"


def test_every_step_is_audited_without_personal_data(incident):
    job = import_file(incident, csv_bytes(*ROWS), name="district-export.csv")
    events = AuditEvent.objects.filter(target_id=str(job.pk), target_type="incidents.importjob")
    assert list(events.order_by("id").values_list("action", flat=True)) == [
        "import.uploaded", "import.check_requested", "import.checked", "import.confirmed",
        "import.completed"]  # fmt: skip
    completed = events.get(action="import.completed").details
    assert completed["file_name"] == "district-export.csv"
    assert completed["individuals_added"] == 3
    text = str(list(events.values_list("details", flat=True)))
    for personal in ("Muñoz", "Smith", "1001", "65801", "555"):
        assert personal not in text


def test_running_a_step_twice_does_the_work_once(incident):
    job = check(upload(incident, csv_bytes(*ROWS)))
    jobs.run_dry_run(job.pk, claim="another-task")  # the job is no longer being checked: nothing happens
    done = confirm(job)
    jobs.run_import(done.pk, claim="test")
    assert Individual.objects.count() == 3
    assert AuditEvent.objects.filter(action="import.completed").count() == 1


def test_header_row_is_not_counted_and_blank_lines_are_skipped(incident):
    job = check(upload(incident, csv_bytes("", "1,Lee,Kim,2000-01-01,,,,,,,Name", "", header=HEADER)))
    assert (job.rows_read, job.rows_valid) == (1, 1)


def _raw_rows(table: str, columns: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table}")  # noqa: S608 - the test's own names
        return repr(cursor.fetchall())


def test_identifiers_are_sealed_from_the_dry_run_on(incident):
    plain = ("1001", "1002", "2015-03-14", "1980-02-03", "4175550100", "6175550101")
    job = check(upload(incident, csv_bytes(*ROWS)))
    staged = _raw_rows("incidents_importrow", "match_key, external_id, date_of_birth, phone, email")
    assert "test1$" in staged
    assert not [value for value in plain if value in staged]
    confirm(job)
    people = _raw_rows("incidents_individual", "external_id, external_id_key, date_of_birth, date_of_birth_key")
    recipients = _raw_rows("incidents_recipient", "phone, phone_key, email, email_key")
    assert not [value for value in plain if value in people + recipients]
    assert Recipient.objects.get(individual__external_id="1002").phone == "+16175550101"


def test_the_confirm_button_and_the_outcome_count_people_and_say_why_rows_differ(client, incident, manager):
    from django.urls import reverse

    job = check(upload(incident, csv_bytes(*ROWS)))
    client.force_login(manager)
    url = reverse("people:import-detail", args=[incident.slug, job.pk])
    assert "Import 3 people (4 valid rows; 1 duplicate merged)" in client.get(url).content.decode()
    confirm(job)
    assert "Imported 3 people (4 valid rows; 1 duplicate merged)" in client.get(url).content.decode()


def _planner_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


def test_an_import_leaves_the_planner_figures_of_its_rows(incident):
    """The letters and lookups that follow an import are planned on figures that count its people."""
    import_file(incident, csv_bytes(*ROWS))
    written = {model._meta.db_table: model.objects.count() for model in (Individual, Recipient, Exposure)}
    assert written["incidents_individual"] == 3
    if connection.vendor == "postgresql":
        assert {table: _planner_rows(table) for table in written} == written
    else:  # SQLite keeps no figures it is not asked for: the import asks for none
        with connection.cursor() as cursor:
            cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
            assert cursor.fetchone() is None
