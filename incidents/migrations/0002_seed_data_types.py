from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

# key, label, plain-language description, flags
CATALOG = [
    ("name", "Name", "Your first and last name.", {}),
    ("postal_address", "Postal address", "The street address where you receive mail.", {}),
    ("date_of_birth", "Date of birth", "The day, month and year you were born.", {}),
    (
        "ssn",
        "Social Security number",
        "Your nine-digit Social Security number, which can be used to open credit or file taxes in your name.",
        {"is_government_id": True, "is_ssn": True},
    ),
    (
        "state_student_id",
        "State student ID",
        "The identification number the state education department gives each student.",
        {"is_government_id": True, "is_education_record": True},
    ),
    (
        "education_records",
        "Education records",
        "School records such as grades, attendance, class schedules, discipline or special education information.",
        {"is_education_record": True},
    ),
    (
        "medical_information",
        "Medical information",
        "Health information such as conditions, medications, allergies, nurse visits or health plans kept by the school or clinic.",
        {"is_medical": True},
    ),
    (
        "health_insurance",
        "Health insurance information",
        "Your health insurance company, policy or member number, or Medicaid number.",
        {"is_medical": True},
    ),
    (
        "financial_account",
        "Financial account",
        "A bank account, credit card or debit card number, with or without a code that allows access to it.",
        {"is_financial": True},
    ),
    (
        "drivers_license",
        "Driver's license or state ID",
        "The number on your driver's license or state identification card.",
        {"is_government_id": True},
    ),
    (
        "username_password",
        "Username and password",
        "A username or email address together with the password or security answer used to sign in to an account.",
        {},
    ),
    ("email_address", "Email address", "Your email address.", {}),
    ("phone_number", "Phone number", "Your home or mobile telephone number.", {}),
    (
        "biometric_data",
        "Biometric data",
        "Measurements of your body used to identify you, such as fingerprints, face or voice prints.",
        {},
    ),
]


def seed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    DataType = apps.get_model("incidents", "DataType")
    for order, (key, label, description, flags) in enumerate(CATALOG, start=1):
        DataType.objects.update_or_create(
            key=key, defaults={"label": label, "description": description, "sort_order": order * 10, **flags}
        )


def unseed(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("incidents", "DataType").objects.filter(key__in=[row[0] for row in CATALOG]).delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
