"""Caller searches: what an agent searched for (as a keyed hash) and whom it showed."""

from django.db import transaction
from django.utils.crypto import salted_hmac

from accounts.models import User
from audit import api as audit
from callcenter.search import Criteria, Found
from incidents.models import Incident


def criteria_hash(incident: Incident, criteria: Criteria) -> str:
    """A keyed hash of a search's criteria: the same search twice shows as the same value, and nobody
    without the secret key can test a guess against it."""
    canonical = "|".join(str(value or "") for value in vars(criteria).values())
    return salted_hmac(f"callcenter.search.{incident.pk}", canonical, algorithm="sha256").hexdigest()


def record_search(actor: User, incident: Incident, criteria: Criteria, found: Found) -> None:
    """The search, and whom it showed (recipient ids), for an auditor retracing what an agent saw. Within the
    lookup's own transaction no savepoint is needed: a failure here fails the whole search."""
    with transaction.atomic(savepoint=False):
        audit.record(
            "lookup.searched",
            actor=actor,
            incident_id=incident.pk,
            details={
                "kind": criteria.kind,
                "criteria_hash": criteria_hash(incident, criteria),
                "results": len(found.matches),
                "shown": [match.recipient_id for match in found.matches],
                "fuzzy": found.fuzzy,
            },
        )


def record_refused_search(actor: User, incident: Incident) -> None:
    with transaction.atomic():
        audit.record("lookup.rate_limited", actor=actor, incident_id=incident.pk)
