"""The FERPA record of disclosure (34 CFR 99.32): one row per student whose education records were
exposed, with the date, the party that received the records and a description, to attach to each
student's record. Written as a stream, so a million students take no more memory than ten."""

import csv
from collections.abc import Iterator

from django.db.models import Exists, OuterRef, QuerySet

from incidents.models import Incident
from people.models import Exposure, Individual
from portal.lib.csvcell import neutralised

HEADER = ("student_id", "last_name", "first_name", "disclosure_date", "party_receiving_records", "description")
_BATCH = 2000


class _Line:
    """A file-like object that hands back what csv.writer writes."""

    def write(self, value: str) -> str:
        return value


def students(incident: Incident) -> QuerySet[Individual]:
    """People with an education record exposed (a semi-join: no DISTINCT over the whole incident)."""
    records = Exposure.objects.filter(individual_id=OuterRef("pk"), data_type__is_education_record=True)
    return (
        Individual.objects.filter(incident=incident)
        .filter(Exists(records))
        .order_by("last_name_key", "first_name_key", "pk")
    )


def rows(incident: Incident) -> Iterator[str]:
    """The CSV, line by line: the header, then one row per student."""
    writer = csv.writer(_Line())
    yield writer.writerow(HEADER)
    when = incident.occurred_on or incident.discovered_on
    party, description = incident.ferpa_party, incident.ferpa_description
    fields = ("external_id", "last_name", "first_name")
    for external_id, last, first in students(incident).values_list(*fields).iterator(chunk_size=_BATCH):
        cells = (external_id, last, first, when.isoformat(), party, description)
        yield writer.writerow([neutralised(cell) for cell in cells])
