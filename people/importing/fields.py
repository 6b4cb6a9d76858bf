"""The fields an import can fill, the headers that usually name them, and the
words that name the catalog's data types."""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def header_key(header: str) -> str:
    """'Student Last Name ' -> 'studentlastname': case, space and punctuation ignored; '#' reads 'number'."""
    return _NOT_ALNUM.sub("", header.lower().replace("#", "number"))


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    headers: tuple[str, ...]
    max_length: int = 0
    help: str = ""


# Headers as the systems that export people write them: PowerSchool (Student_Number, State_StudentNumber,
# LastFirst, DOB, Mailing_Street, Mailing_City, Mailing_State, Mailing_Zip, Home_Phone, Mother, Father,
# Guardian_Email), Infinite Campus ad hoc reports (student.studentNumber, student.stateID, student.birthdate),
# Skyward (Other ID, Student Name, Birth Date, Family Phone, Guardian 1 Name), clinics' practice systems in
# the manner of Epic and athenahealth (MRN, Patient ID, Patient Name, Address 1, Address 2, Postal Code,
# Deceased, Date of Death, NOK Name, NOK Address, NOK Phone). Case, spaces and punctuation are ignored, and so
# are the prefixes in _PREFIXES ("student.lastName" is "Last Name").
FIELDS: tuple[Field, ...] = (
    Field("external_id", "Person ID", ("ID", "Student ID", "MOSIS ID", "State ID", "State Student ID", "Student Number",
          "Person ID", "External ID", "SIS ID", "Local ID", "Patient ID", "MRN", "Member ID", "Employee ID",
          "Record ID", "Student #", "State_StudentNumber", "State Student Number", "Other ID", "Student Other ID",
          "Local Student ID", "District ID", "District Student ID", "PersonID", "Medical Record Number",
          "Medical Record #", "Patient Number", "Chart Number", "Enterprise ID", "EMPI"), 64,
          "A student, patient or member number that stays the same between files."),
    Field("full_name_last_first", "Full name, last first (Last, First Middle)", ("LastFirst", "Last First",
          "Last, First", "Name (Last, First)", "Student Name (Last, First)", "Full Name (Last, First)"), 200,
          "Split into last, first and middle names; suffixes such as Jr. and III are kept."),
    Field("full_name_first_last", "Full name, first last (First Middle Last Suffix)", ("FirstLast", "First Last",
          "Name (First Last)"), 200, "Split into first, middle and last names; particles such as “de la” stay "
          "with the last name."),
    Field("last_name", "Last name", ("Last Name", "LastName", "Surname", "Family Name", "Last", "LName",
          "Legal Last Name"), 100),
    Field("first_name", "First name", ("First Name", "FirstName", "Given Name", "First", "FName",
          "Legal First Name"), 100),
    Field("middle_name", "Middle name", ("Middle Name", "Middle", "Middle Initial", "MI"), 100),
    Field("suffix", "Suffix", ("Suffix", "Name Suffix", "Generation", "Generational Suffix"), 20),
    Field("date_of_birth", "Date of birth", ("DOB", "Birthdate", "Birth Date", "Date of Birth", "Birthday",
          "Birth Dt", "DOB (YYYYMMDD)", "Date of Birth (YYYYMMDD)"), 40),
    Field("is_deceased", "Deceased (yes/no or a date of death)", ("Deceased", "Is Deceased", "Deceased Flag",
          "Deceased Indicator", "Deceased Status", "DeceasedStatus", "Deceased Date", "DeceasedDt",
          "Date of Death", "Death Date", "DOD", "Expired", "Vital Status"), 40),
    Field("language", "Letter language", ("Language", "Preferred Language", "Home Language",
          "Primary Language", "Correspondence Language", "Language Preference", "Preferred Lang"), 20),
    Field("guardian_name", "Parent or guardian name", ("Guardian", "Guardian Name", "Guardian 1 Name",
          "Guardian1", "Parent Name", "Parent", "Parent Guardian", "Parent Guardian Name", "Parent 1 Name",
          "Primary Guardian", "Primary Contact Name", "Contact Name", "Mother", "Mother Name", "Guardian 1",
          "Legal Guardian", "Responsible Party", "Responsible Party Name", "Contact 1 Name"), 200,
          "The letter goes to this person when the individual is a minor."),
    Field("second_guardian_name", "Second parent or guardian name", ("Father", "Father Name", "Guardian 2 Name",
          "Guardian 2", "Guardian2", "Parent 2 Name", "Second Guardian", "Secondary Guardian", "Contact 2 Name"),
          200, "The letter goes to this person when the first parent is not named (or to both, as chosen below)."),
    Field("guardian_phone", "Parent or guardian phone", ("Guardian Phone", "Guardian 1 Phone", "Parent Phone",
          "Parent Guardian Phone", "Contact Phone", "Primary Contact Phone", "Guardian Home Phone",
          "Guardian Cell Phone", "Guardian Cell", "Mother Home Phone", "Mother Cell", "Mother Day Phone",
          "Mother Phone", "Responsible Party Phone", "Contact 1 Phone"), 40,
          "The call center finds the person when the parent calls from this number."),
    Field("guardian_email", "Parent or guardian email", ("Guardian Email", "Guardian 1 Email", "Parent Email",
          "Parent Guardian Email", "Contact Email", "Mother Email", "Primary Contact Email", "Contact 1 Email",
          "Responsible Party Email"), 254),
    Field("next_of_kin_name", "Next of kin name", ("Next of Kin", "Next of Kin Name", "NOK", "NOK Name",
          "Personal Representative", "Executor", "Nearest Relative", "Kin Name"), 200,
          "The letter goes to this person when the individual is deceased."),
    Field("next_of_kin_phone", "Next of kin phone", ("NOK Phone", "Next of Kin Phone", "NOK Phone Number",
          "NOK Home Phone", "NOK Cell", "Personal Representative Phone"), 40,
          "The call center finds the person when the next of kin calls from this number."),
    Field("next_of_kin_email", "Next of kin email", ("NOK Email", "Next of Kin Email"), 254),
    Field("next_of_kin_address", "Next of kin address", ("NOK Address", "Next of Kin Address", "NOK Address 1",
          "NOK Street", "Next of Kin Street"), 300,
          "The letter to a deceased person's next of kin goes here: a street, or a whole address on one line "
          "(“12 Oak St, Springfield, MO 65801”) when the file has no next of kin city, state and ZIP code."),
    Field("next_of_kin_city", "Next of kin city", ("NOK City", "Next of Kin City"), 100),
    Field("next_of_kin_state", "Next of kin state", ("NOK State", "Next of Kin State"), 40),
    Field("next_of_kin_postal_code", "Next of kin ZIP code", ("NOK Zip", "NOK Postal Code", "NOK Zip Code",
          "Next of Kin Zip"), 20),
    Field("address_line1", "Street address", ("Address", "Address 1", "Address Line 1", "Street",
          "Street Address", "Mailing Address", "Home Address", "Addr1", "Mailing Street", "Street 1",
          "Street Address 1", "Residence Address", "Mail Address", "Address1"), 200),
    Field("address_line2", "Address line 2", ("Address 2", "Address Line 2", "Addr2", "Apt", "Apartment", "Unit",
          "Suite", "Street 2", "Apt/Unit", "Apartment Number", "Mailing Street 2", "Address2"), 200),
    Field("city", "City", ("City", "Town", "Mailing City", "Residence City", "City/Town"), 100),
    Field("state", "State", ("State", "ST", "State Code", "Mailing State", "Province", "State/Province"), 40),
    Field("postal_code", "ZIP code", ("Zip", "Zip Code", "Zipcode", "Postal Code", "Postcode", "Zip5",
          "Mailing Zip", "Zip/Postal Code", "ZIP+4", "Mailing Zip Code"), 20),
    Field("phone", "Phone", ("Phone", "Phone Number", "Telephone", "Home Phone", "Primary Phone", "Cell Phone",
          "Mobile", "Household Phone", "Family Phone", "Home Phone Number", "Phone 1"), 40),
    Field("email", "Email", ("Email", "Email Address", "E-mail"), 254),
    Field("data_types", "Data types exposed (a list)", ("Data Types", "Data Elements", "Information Exposed",
          "Exposed Data", "Data Exposed", "Compromised Data", "Elements Exposed", "Types of Information",
          "PII Types", "Data Involved"), 0,
          "One cell listing the data types, for example “Name; Address; Medical Information”."),
)  # fmt: skip
FIELD_BY_KEY = {field.key: field for field in FIELDS}
REQUIRED = ("last_name",)
NAME_FIELDS = ("last_name", "full_name_last_first", "full_name_first_last")  # any gives a row its surname
# Headers of a whole name in either order: the values decide which ("Abernathy, Caleb" or "Caleb Abernathy").
FULL_NAME = "full_name"
_FULL_NAME_HEADERS = frozenset(
    header_key(h) for h in ("Name", "Full Name", "Student Name", "Patient Name", "Member Name", "Employee Name",
                            "Person Name", "Individual Name", "Client Name", "Legal Name", "Student Full Name",
                            "Patient Full Name", "Stu Name")
)  # fmt: skip
DATA_TYPE_FIELD_PREFIX = "dt:"  # "dt:ssn" maps a yes/no column for one data type

# Words exports put in front of a field's usual header.
_PREFIXES = ("student", "stu", "child", "patient", "member", "employee", "legal", "mailing", "home", "primary")
_HEADERS = {header_key(h): field.key for field in FIELDS for h in field.headers}

# Plain-language names of the catalog's data types, beside their labels.
DATA_TYPE_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "names", "full name", "student name"),
    "postal_address": ("address", "postal address", "home address", "mailing address", "street address"),
    "date_of_birth": ("dob", "date of birth", "birth date", "birthdate"),
    "ssn": ("ssn", "social security number", "social security", "ss#", "ssn/itin"),
    "state_student_id": ("state student id", "student id", "mosis id", "state id"),
    "education_records": ("education records", "education record", "grades", "attendance", "transcripts",
                          "discipline records", "special education", "iep", "student records", "academic records"),
    "medical_information": ("medical information", "medical", "health information", "medical records",
                            "health records", "phi", "medications", "allergies", "health conditions"),
    "health_insurance": ("health insurance", "insurance", "insurance information", "health insurance information",
                         "medicaid number", "policy number"),
    "financial_account": ("financial account", "financial", "bank account", "account number", "credit card",
                          "debit card", "financial information"),
    "drivers_license": ("driver's license", "drivers license", "driver license", "state id card", "dl",
                        "driver's license or state id"),
    "username_password": ("username and password", "username/password", "login credentials", "credentials",
                          "password", "passwords"),
    "email_address": ("email", "email address", "e-mail"),
    "phone_number": ("phone", "phone number", "telephone"),
    "biometric_data": ("biometric", "biometrics", "biometric data", "fingerprints"),
}  # fmt: skip
# A yes/no column for one data type: "SSN Exposed", "Medical Involved", "Exposed: Address".
_FLAG_WORDS = ("exposed", "involved", "compromised", "affected", "breached")


def field_for_header(header: str, data_types: dict[str, tuple[int, str]]) -> str | None:
    """The field a header most likely holds, or None."""
    key = header_key(header)
    if key in _HEADERS:
        return _HEADERS[key]
    if key in _FULL_NAME_HEADERS:
        return FULL_NAME
    for prefix in _PREFIXES:
        if key.startswith(prefix) and key[len(prefix) :] in _HEADERS:
            return _HEADERS[key[len(prefix) :]]
    for word in _FLAG_WORDS:
        for stem in (key.removesuffix(word), key.removeprefix(word)):
            if stem != key and stem in data_types:
                return DATA_TYPE_FIELD_PREFIX + data_types[stem][1]
    return None


def names_a_person(mapping: dict[str, int]) -> bool:
    return any(key in mapping for key in NAME_FIELDS)


def recognised(header: Sequence[str]) -> int:
    """How many of the cells name a field the portal knows: how header-like a row is."""
    return sum(1 for name in header if name.strip() and field_for_header(name, {}) is not None)


def data_type_words(catalog: Iterable[tuple[int, str, str]]) -> dict[str, tuple[int, str]]:
    """header_key(word) -> (DataType id, key), from (id, key, label) rows of the catalog."""
    words: dict[str, tuple[int, str]] = {}
    for pk, key, label in catalog:
        for word in (label, key, *DATA_TYPE_SYNONYMS.get(key, ())):
            words.setdefault(header_key(word), (pk, key))
    return words


def full_name_order(values: Sequence[str]) -> str:
    """Which way round a column of whole names is written: last first when most of them hold a comma."""
    filled = [value for value in values if value.strip()]
    with_comma = sum(1 for value in filled if "," in value)
    return "full_name_last_first" if filled and with_comma * 2 >= len(filled) else "full_name_first_last"


def automap(
    header: Sequence[str], data_types: dict[str, tuple[int, str]], sample: Sequence[Sequence[str]] = ()
) -> dict[str, int]:
    """field key -> column index for the headers recognised; the first column wins a field. A column of whole
    names is read in the order its first values show, and only when no column holds the last name alone."""
    mapping: dict[str, int] = {}
    for index, name in enumerate(header):
        field = field_for_header(name, data_types)
        if field == FULL_NAME:
            field = full_name_order([row[index] for row in sample if index < len(row)])
        if field is not None and field not in mapping:
            mapping[field] = index
    if "last_name" in mapping:
        for key in ("full_name_last_first", "full_name_first_last"):
            mapping.pop(key, None)
    return mapping
