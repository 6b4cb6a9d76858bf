"""Synthetic people for call-center tests."""

from datetime import date

from django.urls import reverse

from incidents.models import Incident
from incidents.readers import Relationship
from people.models import Recipient
from portal.testing import IndividualFactory, RecipientFactory, expose


def family(incident: Incident, **person: object) -> Recipient:
    """A minor, Ada Nguyen, born 2012-05-01, whose letter goes to her guardian Grace Okafor in ZIP 65999."""
    fields = {"first_name": "Ada", "last_name": "Nguyen", "date_of_birth": date(2012, 5, 1), **person}
    individual = IndividualFactory.create(incident=incident, **fields)
    expose(individual, "name", "medical_information")
    return RecipientFactory.create(
        individual=individual,
        relationship=Relationship.PARENT_GUARDIAN,
        name="Grace Okafor",
        address_line1="100 North Fictional Way",
        city="Nowhere",
        postal_code="65999",
        phone="+15735550142",
    )


def search(client, incident: Incident, **typed: str):
    fields = {
        "reference_code": "",
        "last_name": "",
        "first_name": "",
        "date_of_birth": "",
        "postal_code": "",
        "phone": "",
    }
    return client.post(reverse("callcenter:lookup", args=[incident.slug]), {**fields, **typed})
