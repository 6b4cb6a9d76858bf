"""Upgrading a portal that already holds people: the migration seals what was stored in clear, and back."""

from datetime import date

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from people.models import ImportRow, Individual, Recipient

BEFORE = [("incidents", "0017_export"), ("callcenter", "0004_calltally")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh graph, as the next `migrate` would see it


def _raw(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return repr(cursor.fetchall())


def test_the_migration_seals_identifiers_stored_in_clear_and_reversing_it_opens_them(transactional_db):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    incident = old.get_model("incidents", "Incident").objects.create(  # as the table was then
        slug="sealing", title="Sealing", organisation_name="Example", discovered_on=date(2026, 9, 14)
    )
    person = old.get_model("incidents", "Individual").objects.create(
        incident_id=incident.pk, last_name="Okafor", last_name_key="okafor", external_id="MO-4410027",
        date_of_birth=date(2011, 3, 9),
    )  # fmt: skip
    old.get_model("incidents", "Recipient").objects.create(
        incident_id=incident.pk, individual_id=person.pk, relationship="self", name="Ada Okafor",
        phone="+15735550142", email="ada@example.org", reference_code="K7M2Q9XH",
    )  # fmt: skip
    job = old.get_model("incidents", "ImportJob").objects.create(
        incident_id=incident.pk, original_name="x.csv", kind="csv"
    )
    old.get_model("incidents", "ImportRow").objects.create(
        job_id=job.pk, row_number=2, match_key="nd:okafor|ada|2011-03-09", external_id="", first_name="Ada",
        middle_name="", last_name="Okafor", suffix="", last_name_key="okafor", first_name_key="ada",
        date_of_birth=date(2011, 3, 9), is_deceased=False, language="en", relationship="self",
        recipient_name="Ada Okafor", recipient_name_key="ada okafor", address_line1="", address_line2="", city="",
        state="", postal_code="", phone="+15735550142", email="", reference_code="K7M2Q9XJ", data_type_ids="[]",
    )  # fmt: skip

    _migrate(latest)
    stored = (
        _raw("SELECT external_id, date_of_birth FROM incidents_individual")
        + _raw("SELECT phone, email FROM incidents_recipient")
        + _raw("SELECT match_key, date_of_birth, phone FROM incidents_importrow")
    )
    for plain in ("4410027", "2011-03-09", "5735550142", "ada@"):
        assert plain not in stored
    found = Recipient.objects.select_related("individual").get(individual__external_id="MO-4410027")
    assert (found.individual.date_of_birth, found.phone, found.email) == (
        date(2011, 3, 9),
        "+15735550142",
        "ada@example.org",
    )
    assert Individual.objects.filter(date_of_birth=date(2011, 3, 9)).count() == 1
    staged = ImportRow.objects.get()
    assert (staged.date_of_birth, staged.phone) == (date(2011, 3, 9), "+15735550142")
    assert staged.match_key == f"nd:okafor|ada|{staged.date_of_birth_key}"

    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    person = old.get_model("incidents", "Individual").objects.get()
    assert (person.external_id, person.date_of_birth) == ("MO-4410027", date(2011, 3, 9))
    assert old.get_model("incidents", "Recipient").objects.get().phone == "+15735550142"
    assert old.get_model("incidents", "ImportRow").objects.get().match_key == "nd:okafor|ada|2011-03-09"
    _migrate(latest)
