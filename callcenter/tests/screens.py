"""Helpers shared by the call-center managers' screens' tests (one test file per screen)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from callcenter import actions
from callcenter.models import Call, Disposition, Verification

NEW_ADDRESS = {
    "address_line1": "42 Imaginary Lane",
    "address_line2": "Unit 7",
    "city": "Faraway",
    "state": "KS",
    "postal_code": "66999",
}


def _url(name, incident, *ids):
    return reverse(f"callcenter:{name}", args=[incident.slug, *ids])


def _disposition(incident, label="Confirmed impacted"):
    return Disposition.objects.create(incident=incident, label=label)


def _call(incident, agent, started_at, minutes=None, disposition=None, **fields):
    ended_at = started_at + timedelta(minutes=minutes) if minutes is not None else None
    return Call.objects.create(
        incident=incident, agent=agent, started_at=started_at, ended_at=ended_at, disposition=disposition, **fields
    )


def _verified_call(actor, incident, recipient):
    call = actions.start_call(actor, incident, recipient, timezone.now())
    Call.objects.filter(pk=call.pk).update(verification=Verification.VERIFIED)
    return call
