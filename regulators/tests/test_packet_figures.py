"""Every figure a regulator packet prints, checked against where it comes from: the families notified from
the letters marked mailed (not from a done mark nobody made), the people from the counted figures, the
letters' recipients by relationship from the recipients."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse

from incidents.models import DataType
from incidents.readers import Relationship
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from people import figures as people_figures
from portal.testing import IndividualFactory, RecipientFactory, expose
from regulators import packet

AUDITOR = "mo-162.1475-state-auditor"


@pytest.fixture
def district(incident):
    incident.data_types.set(DataType.objects.filter(key__in=["name", "state_student_id", "education_records"]))
    return incident


def _recipients(incident, count, relationship=Relationship.PARENT_GUARDIAN, state="MO"):
    made = []
    for _ in range(count):
        person = IndividualFactory.create(incident=incident)
        expose(person, "name", "education_records")
        made.append(RecipientFactory.create(individual=person, relationship=relationship, state=state))
    return made


def _batch(incident, recipients, status, mailed_on=None):
    """A batch of letters to `recipients`, made as rows (no PDF is read here)."""
    batch = LetterBatch.objects.create(
        incident=incident, name="Synthetic batch", status=status, letters_total=len(recipients), mailed_on=mailed_on
    )
    for n, recipient in enumerate(recipients, start=1):
        Letter.objects.create(batch=batch, incident=incident, recipient=recipient, sequence=n,
                              status=LetterStatus.RENDERED, mailed_on=mailed_on)  # fmt: skip
    return batch


def _packet(client, incident, key=AUDITOR):
    response = client.get(reverse("regulators:obligation-packet-csv", args=[incident.slug, key]))
    rows = list(csv.reader(io.StringIO(response.content.decode())))[1:]
    sections: dict[str, dict[str, str]] = {}
    for section, field, value in rows:
        sections.setdefault(section, {})[field] = value
    return sections


def test_families_notified_counts_the_letters_marked_mailed(client, district, manager):
    parents = _recipients(district, 60)
    adults = _recipients(district, 8, Relationship.SELF)
    waiting = _recipients(district, 5, state="KS")
    _batch(district, parents[:40], BatchStatus.MAILED, date(2026, 11, 2))
    _batch(district, parents[40:] + adults, BatchStatus.MAILED, date(2026, 11, 4))
    _batch(district, waiting, BatchStatus.EXPORTED)  # printed, not mailed: not counted
    Letter.objects.filter(recipient=parents[0]).update(returned_on=date(2026, 11, 9))
    people_figures.count_now(district)
    client.force_login(manager)

    sections = _packet(client, district)
    form, facts = sections["form"], sections["facts"]
    mailed = "68 letters to 68 recipients, mailed from November 2, 2026 to November 4, 2026; 1 letter came back"
    assert form["Families notified"] == f"Yes: {mailed} undeliverable"
    assert facts["Letters mailed"] == f"{mailed} undeliverable"
    assert form["Number of records"] == facts["People affected"] == "73"
    assert form["Parties affected"] == (
        "73 people (students and others in the records); their letters go to 65 parents or guardians, "
        "8 adults themselves and 0 next of kin"
    )
    assert sections["people by state"] == {"KS": "5", "MO": "68"}
    assert sections["people by data type"] == {"Name": "73", "Education records": "73"}
    assert facts["Notice to individuals dated"] == "October 20, 2026"
    assert form["State education department (DESE) notified"] == "Not yet"  # its own done mark, not the letters


def test_one_day_of_mailing_reads_as_one_day(client, district, manager):
    _batch(district, _recipients(district, 3), BatchStatus.MAILED, date(2026, 11, 2))
    people_figures.count_now(district)
    client.force_login(manager)
    sections = _packet(client, district, "mo-162.1475-dese")
    assert sections["facts"]["Letters mailed"] == "3 letters to 3 recipients, mailed on November 2, 2026"


def test_before_any_letter_is_mailed_families_are_not_yet_notified(client, district, manager):
    _batch(district, _recipients(district, 3), BatchStatus.EXPORTED)
    people_figures.count_now(district)
    client.force_login(manager)
    sections = _packet(client, district)
    assert sections["form"]["Families notified"] == "Not yet"
    assert sections["facts"]["Letters mailed"] == "Not yet"


def test_the_letters_room_is_what_counts_the_mailed_letters(district):
    """The regulators' room learns the count by registration (NotificationsConfig.ready), not by import."""
    _batch(district, _recipients(district, 2), BatchStatus.MAILED, date(2026, 11, 2))
    assert packet._mailed(district) == packet.Mailed(2, 2, date(2026, 11, 2), date(2026, 11, 2), 0)
