"""upgrade_smoke names what does not open: a sealed value, a print file, a signed-in role."""

from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from incidents.models import Incident
from notifications.models import BatchStatus, LetterBatch
from people.models import Individual
from portal.testing import IndividualFactory, authenticator


def _smoke(*args: str) -> None:
    call_command("upgrade_smoke", *args, stdout=StringIO())


def test_a_sealed_value_that_does_not_open_is_named(db):
    person = IndividualFactory.create()
    table, column = Individual._meta.db_table, Individual._meta.get_field("date_of_birth").column
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", ["not-sealed", person.pk])  # noqa: S608

    with pytest.raises(CommandError, match=f"{Individual._meta.label}: a row after #None does not load"):
        _smoke("--no-pages")


@pytest.mark.parametrize(
    ("stored", "named"), [(None, "print file missing"), (b"PK\x03\x04 a zip", "a print file is not a PDF")]
)
def test_a_printed_batch_without_its_pdf_is_named(incident, stored, named):
    name = f"letters/smoke-{incident.pk}.pdf"
    if stored is not None:
        name = default_storage.save(name, ContentFile(stored))
    batch = LetterBatch.objects.create(
        incident=incident, name="Smoke", status=BatchStatus.RENDERED, parts=[{"name": name}]
    )

    with pytest.raises(CommandError, match=f"letter batch #{batch.pk}: {named}"):
        _smoke("--no-pages")


def test_a_rendered_batch_with_no_print_file_is_named(incident):
    batch = LetterBatch.objects.create(incident=incident, name="Smoke", status=BatchStatus.APPROVED)

    with pytest.raises(CommandError, match=f"letter batch #{batch.pk} is approved but has no print file"):
        _smoke("--no-pages")


def test_a_role_without_an_authenticator_stops_the_walk(people):
    with pytest.raises(CommandError, match="has no confirmed authenticator"):
        _smoke()


def test_every_page_of_an_incident_opens_for_its_roles(incident, people, manager):
    # As the demo has it: a published notice, and a manager who may start incidents.
    Incident.objects.filter(pk=incident.pk).update(notice_published_at=timezone.now())
    manager.user_permissions.add(Permission.objects.get(codename="add_incident"))
    for user in people.values():
        authenticator(user)

    _smoke("--incident", incident.slug)
