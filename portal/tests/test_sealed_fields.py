"""Identifiers sealed at rest: unreadable in the raw table, readable with the right key, also after rotation."""

import base64
from datetime import date

import pytest
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from audit.models import AuditEvent
from callcenter.models import Escalation
from incidents.readers import Relationship
from people.models import Individual, Recipient
from portal.lib import fieldcrypt
from portal.lib.fieldcrypt import SealError
from portal.lib.sealed_fields import lookup_of
from portal.lib.sealed_migration import each_batch
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory

OLD = "test1:" + base64.b64encode(b"test-field-encryption-key-000001").decode()
NEW = "k2026:" + base64.b64encode(b"a-newer-field-encryption-key-002").decode()
STRANGER = "test1:" + base64.b64encode(b"somebody-elses-key-with-same-id!").decode()

pytestmark = pytest.mark.django_db


def _raw(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - test's own names
        return str(cursor.fetchone()[0])


def _person() -> tuple[Individual, Recipient]:
    incident = IncidentFactory.create()
    person = IndividualFactory.create(
        incident=incident, last_name="Okafor", external_id="MO-4410027", date_of_birth=date(2011, 3, 9)
    )
    recipient = RecipientFactory.create(
        individual=person, relationship=Relationship.SELF, phone="+15735550142", email="grace@example.org"
    )
    return person, recipient


def _fresh(person: Individual, recipient: Recipient) -> tuple[Individual, Recipient]:
    return Individual.objects.get(pk=person.pk), Recipient.objects.get(pk=recipient.pk)


def test_the_raw_table_holds_no_identifier_in_clear_and_the_model_reads_them_back():
    person, recipient = _person()
    raw = {
        "external_id": _raw("incidents_individual", "external_id", person.pk),
        "date_of_birth": _raw("incidents_individual", "date_of_birth", person.pk),
        "phone": _raw("incidents_recipient", "phone", recipient.pk),
        "email": _raw("incidents_recipient", "email", recipient.pk),
    }
    for stored in raw.values():
        assert stored.startswith("test1$")
    everything = " ".join(raw.values())
    for plain in ("MO-4410027", "4410027", "2011-03-09", "2011", "5735550142", "grace", "example.org"):
        assert plain not in everything
    # The lookup keys do not show the value either.
    assert "4410027" not in _raw("incidents_individual", "external_id_key", person.pk)

    person, recipient = _fresh(person, recipient)
    assert (person.external_id, person.date_of_birth) == ("MO-4410027", date(2011, 3, 9))
    assert (recipient.phone, recipient.email) == ("+15735550142", "grace@example.org")


def test_the_same_value_sealed_twice_differs_but_is_found_by_exact_match():
    person, recipient = _person()
    other = IndividualFactory.create(incident=person.incident, date_of_birth=date(2011, 3, 9))
    assert _raw("incidents_individual", "date_of_birth", person.pk) != _raw(
        "incidents_individual", "date_of_birth", other.pk
    )
    born = Individual.objects.filter(incident=person.incident, date_of_birth=date(2011, 3, 9))
    assert set(born.values_list("pk", flat=True)) == {person.pk, other.pk}
    assert Recipient.objects.get(individual__external_id="MO-4410027") == recipient
    assert Recipient.objects.get(phone="+15735550142") == recipient
    assert not Individual.objects.filter(external_id="mo-4410027").exists()  # exact: case counts


def test_a_sealed_field_refuses_comparisons_it_cannot_answer():
    _person()
    with pytest.raises(FieldError, match="date_of_birth is sealed: it can only be matched exactly"):
        list(Individual.objects.filter(date_of_birth__gt=date(2010, 1, 1)))
    with pytest.raises(FieldError, match="phone is sealed"):
        list(Recipient.objects.filter(phone__startswith="+1573"))
    with pytest.raises(FieldError, match="callback_phone is sealed and has no lookup key"):
        list(Escalation.objects.filter(callback_phone="+15735550142"))
    assert Individual.objects.filter(date_of_birth__isnull=False).count() == 1
    assert Recipient.objects.exclude(phone="").count() == 1


def test_a_value_that_does_not_open_is_an_error_never_the_stored_bytes():
    person, _ = _person()
    with override_settings(FIELD_ENCRYPTION_KEYS=STRANGER):
        with pytest.raises(SealError, match="does not open with key 'test1'") as raised:
            Individual.objects.get(pk=person.pk)
        assert "MO-4410027" not in str(raised.value)
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW), pytest.raises(SealError, match="names key 'test1', which"):
        Individual.objects.get(pk=person.pk)
    # A plain value written around the portal is refused, and not quoted.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_individual SET external_id = %s WHERE id = %s", ["MO-4410027", person.pk])
    with pytest.raises(SealError, match="not in sealed form") as raised:
        Individual.objects.get(pk=person.pk)
    assert "4410027" not in str(raised.value)
    with connection.cursor() as cursor:
        sealed = fieldcrypt.seal("MO-4410027", "external_id")
        cursor.execute("UPDATE incidents_individual SET external_id = %s WHERE id = %s", [sealed, person.pk])
    # A sealed phone number copied into the date-of-birth column does not open there.
    phone = fieldcrypt.seal("+15735550142", "phone")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_individual SET date_of_birth = %s WHERE id = %s", [phone, person.pk])
    with pytest.raises(SealError, match="date_of_birth does not open"):
        Individual.objects.get(pk=person.pk)


def test_rotation_seals_everything_again_under_the_newest_key_and_the_old_key_can_go(capsys):
    person, recipient = _person()
    with override_settings(FIELD_ENCRYPTION_KEYS=f"{NEW},{OLD}"):
        # Readable before the rotation (the old key is still listed); new writes take the new key.
        assert Individual.objects.get(pk=person.pk).external_id == "MO-4410027"
        call_command("rotate_field_keys", "--check")
        assert (
            "incidents_individual.date_of_birth: 0 under 'k2026'; older keys: 1 under 'test1'"
            in capsys.readouterr().out
        )
        call_command("rotate_field_keys")
        out = capsys.readouterr().out
        assert "incidents_individual: 1 rows sealed again under key 'k2026'" in out
        assert _raw("incidents_recipient", "email", recipient.pk).startswith("k2026$")
        call_command("rotate_field_keys", "--check")
        assert "older keys: 1" not in capsys.readouterr().out
        call_command("rotate_field_keys")  # again: nothing left to do
        assert "incidents_individual: 0 rows" in capsys.readouterr().out
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW):
        person, recipient = _fresh(person, recipient)
        assert (person.external_id, person.date_of_birth) == ("MO-4410027", date(2011, 3, 9))
        assert (recipient.phone, recipient.email) == ("+15735550142", "grace@example.org")
        assert Recipient.objects.get(phone="+15735550142") == recipient  # the lookup keys did not change
    event = AuditEvent.objects.filter(action="fields.resealed", details__table="incidents_individual").first()
    assert event is not None
    assert (event.details["key"], event.details["rows"]) == ("k2026", 1)
    assert "MO-4410027" not in str(event.details)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "lists no key"),
        ("nokey", "must read <id>:<base64 key>"),
        ("k1:not base64!", "is not base64"),
        ("k1:" + base64.b64encode(b"short").decode(), "must be 32 bytes"),
        (f"{OLD},{OLD}", "listed twice"),
    ],
)
def test_a_bad_key_setting_is_named(spec, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        fieldcrypt.parse_keys(spec)


def test_rotation_never_overwrites_a_value_the_portal_changed_meanwhile():
    _, recipient = _person()
    columns = [("phone", "phone", "")]

    def change(values: list[object]) -> list[object]:
        # The portal writes a new number between the rotation's read and its write.
        Recipient.objects.filter(pk=recipient.pk).update(
            phone="+15735550199", phone_key=lookup_of("+15735550199", "phone")
        )
        return [fieldcrypt.seal(fieldcrypt.open_sealed(str(values[0]), "phone"), "phone")]

    written: list[int] = []
    each_batch(connection, "incidents_recipient", columns, change, written.append, guarded=True)
    assert written == [0]
    assert Recipient.objects.get(pk=recipient.pk).phone == "+15735550199"
