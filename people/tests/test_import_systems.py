"""Exports of real systems, mapped automatically: a PowerSchool student export and a clinic's patient list."""

from datetime import date

import pytest
from django.db import connection

from callcenter.search import Criteria, find
from incidents.models import DataType
from people.importing import jobs, rules
from people.importing.fields import field_for_header
from people.models import ImportJob, Individual, Recipient
from people.tests.importing import check, confirm, upload

pytestmark = pytest.mark.django_db

POWERSCHOOL = (
    "Student_Number,LastFirst,DOB,Mailing_Street,Mailing_City,Mailing_State,Mailing_Zip,Mother,Father,"
    "Home_Phone,Mother_Home_Phone,Guardian_Email\n"
    '40211,"Abernathy, Caleb James",3/9/2014,12 Oak St,Springfield,MO,65801,Dana Abernathy,Lee Abernathy,'
    "(417) 555-0142,(417) 555-0150,dana.abernathy@example.org\n"
    '40212,"de la Cruz, María José",11/23/2012,4 Elm St,Springfield,MO,658021234,,Luis de la Cruz,'
    "417-555-0177,,\n"
    '40213,"Fitzgerald Jr., Owen",1/2/2005,9 Pine Rd,Springfield,MO,65803,Ann Fitzgerald,,417.555.0190,,\n'
)
CLINIC = (
    "MRN,Patient Name,DOB,Address 1,Address 2,City,State,Postal Code,Deceased,NOK Name,NOK Address,NOK Phone\n"
    "M-1001,Harold Quist,19380412,77 Birch Ln,,Columbia,MO,652011234,Y,Ruth Quist,"
    '"44 Elm St, Apt 3, Columbia, MO 652031234",573-555-0111\n'
    "M-1002,Ella van der Berg,19520730,5 Maple Ave,Unit 2,Columbia,MO,65202,20260214,Pieter van der Berg,,\n"
    "M-1003,Sam O'Neil-Smith,19900101,8 Cedar Ct,,Jefferson City,MO,651011234,N,,,\n"
)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Student_Number", "external_id"),
        ("Student #", "external_id"),
        ("State_StudentNumber", "external_id"),
        ("student.stateID", "external_id"),
        ("Other ID", "external_id"),
        ("MRN", "external_id"),
        ("Medical Record #", "external_id"),
        ("LastFirst", "full_name_last_first"),
        ("student.lastName", "last_name"),
        ("student.birthdate", "date_of_birth"),
        ("Birth Date", "date_of_birth"),
        ("Mailing_Street", "address_line1"),
        ("Mailing_Zip", "postal_code"),
        ("Address 1", "address_line1"),
        ("Address 2", "address_line2"),
        ("Postal Code", "postal_code"),
        ("Mother", "guardian_name"),
        ("Father", "second_guardian_name"),
        ("Guardian 2 Name", "second_guardian_name"),
        ("Guardian 1 Phone", "guardian_phone"),
        ("Mother_Home_Phone", "guardian_phone"),
        ("Guardian_Email", "guardian_email"),
        ("NOK Phone", "next_of_kin_phone"),
        ("Home_Phone", "phone"),
        ("Family Phone", "phone"),
        ("Date of Death", "is_deceased"),
        ("NOK Name", "next_of_kin_name"),
        ("NOK Address", "next_of_kin_address"),
    ],
)
def test_headers_of_student_information_systems_and_clinics_are_recognised(header, field):
    assert field_for_header(header, {}) == field


def test_dates_written_yyyymmdd_and_with_a_midnight_are_read():
    assert rules.parse_date("20140309") == date(2014, 3, 9)
    assert rules.parse_date("3/9/2014 12:00:00 AM") == date(2014, 3, 9)
    with pytest.raises(rules.Invalid, match="“20140230” is not a real date"):
        rules.parse_date("20140230")


def test_nine_digit_zip_codes_are_read_as_zip_plus_four():
    assert rules.zip_code("652011234", "MO") == ("65201-1234", False)
    assert rules.zip_code("21341234", "MA") == ("02134-1234", True)


def test_a_powerschool_export_imports_everyone_with_names_split(incident):
    name_type = DataType.objects.get(key="name").pk
    job = upload(incident, POWERSCHOOL.encode())
    assert {"external_id", "full_name_last_first", "date_of_birth", "address_line1", "postal_code",
            "guardian_name", "phone"} <= set(job.mapping)  # fmt: skip
    job = check(job, types=[name_type])
    assert (job.rows_valid, job.rows_rejected) == (3, 0), job.first_issues
    confirm(job)
    caleb = Individual.objects.get(external_id="40211")
    assert (caleb.first_name, caleb.middle_name, caleb.last_name) == ("Caleb", "James", "Abernathy")
    owen = Individual.objects.get(external_id="40213")
    assert (owen.first_name, owen.last_name, owen.suffix) == ("Owen", "Fitzgerald", "Jr.")
    assert Recipient.objects.get(individual=caleb).name == "Dana Abernathy"
    assert Recipient.objects.get(individual__external_id="40212").postal_code == "65802-1234"


def test_a_clinic_export_sends_a_deceased_patients_letter_to_the_next_of_kin_at_their_address(incident):
    job = upload(incident, CLINIC.encode())
    assert job.mapping["is_deceased"] == 8
    assert job.mapping["next_of_kin_address"] == 10
    job = check(job, types=[DataType.objects.get(key="medical_information").pk])
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.rows_valid, job.rows_rejected) == (3, 0), job.first_issues
    confirm(job)
    harold = Individual.objects.get(external_id="M-1001")
    assert (harold.first_name, harold.last_name, harold.date_of_birth, harold.is_deceased) == (
        "Harold", "Quist", date(1938, 4, 12), True,
    )  # fmt: skip
    kin = Recipient.objects.get(individual=harold)
    assert (kin.relationship, kin.name) == ("next_of_kin", "Ruth Quist")
    assert (kin.address_line1, kin.address_line2, kin.city, kin.state, kin.postal_code) == (
        "44 Elm St", "Apt 3", "Columbia", "MO", "65203-1234",
    )  # fmt: skip
    ella = Recipient.objects.get(individual__external_id="M-1002")  # a date of death says deceased
    assert (ella.relationship, ella.name, ella.address_line1) == ("next_of_kin", "Pieter van der Berg", "5 Maple Ave")
    assert Individual.objects.get(external_id="M-1002").last_name == "van der Berg"
    sam = Recipient.objects.get(individual__external_id="M-1003")
    assert (sam.relationship, sam.name, sam.city, sam.postal_code) == ("self", "Sam O'Neil-Smith", "Jefferson City",
                                                                         "65101-1234")  # fmt: skip


def test_a_parent_calling_from_the_number_on_file_finds_the_child(incident):
    confirm(check(upload(incident, POWERSCHOOL.encode()), types=[DataType.objects.get(key="name").pk]))
    caleb = Recipient.objects.get(individual__external_id="40211")
    assert (caleb.phone, caleb.guardian_phone, caleb.guardian_email) == (
        "+14175550142", "+14175550150", "dana.abernathy@example.org",
    )  # fmt: skip
    found = find(incident, Criteria(phone="+14175550150"))
    assert [m.recipient_id for m in found.matches] == [caleb.pk]
    assert found.matches[0].name == "Caleb James Abernathy"
    # With the surname the parent gives, too.
    found = find(incident, Criteria(last_name_key="abernathy", phone="+14175550150"))
    assert [m.recipient_id for m in found.matches] == [caleb.pk]
    # Sealed at rest like the other identifiers.
    with connection.cursor() as cursor:
        cursor.execute("SELECT guardian_phone, guardian_email FROM incidents_recipient WHERE id = %s", [caleb.pk])
        stored = cursor.fetchone()
    assert "5550150" not in stored[0]
    assert "example.org" not in stored[1]


def test_next_of_kin_calling_from_their_number_finds_the_deceased_patient(incident):
    confirm(check(upload(incident, CLINIC.encode()), types=[DataType.objects.get(key="medical_information").pk]))
    found = find(incident, Criteria(phone="+15735550111"))
    assert [m.name for m in found.matches] == ["Harold Quist"]
    assert Recipient.objects.get(individual__external_id="M-1001").next_of_kin_phone == "+15735550111"


@pytest.mark.parametrize(
    ("both", "names"),
    [
        (False, {"40211": "Dana Abernathy", "40212": "Luis de la Cruz"}),
        (True, {"40211": "Dana Abernathy and Lee Abernathy", "40212": "Luis de la Cruz"}),
    ],
)
def test_with_two_parents_the_letter_goes_to_the_first_named_or_to_both(incident, both, names):
    job = upload(incident, POWERSCHOOL.encode())
    assert job.mapping["second_guardian_name"] == 8
    jobs.import_now(jobs.check_now(job, job.mapping, [DataType.objects.get(key="name").pk], both_parents=both))
    letters = dict(Recipient.objects.filter(relationship="parent_guardian").values_list("individual__external_id",
                                                                                         "name"))  # fmt: skip
    assert {key: letters[key] for key in names} == names
