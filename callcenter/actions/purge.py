"""What a purge of an incident's personal data clears of its calls."""

from callcenter.models import AddressChange, Call, CallbackAttempt, Escalation, LetterResend
from incidents.models import Incident
from portal.lib import bulk


def purge_calls(incident: Incident) -> int:
    """Keep the calls' times, dispositions and tallies; drop what was said and whom it was about: caller
    names, notes, verification points, links to recipients, address changes and re-send requests,
    escalation reasons and callback notes. The caller holds the transaction (purge_incident)."""
    calls = Call.objects.filter(incident=incident).update(caller_name="", notes="", verified_points=[], recipient=None)
    bulk.delete_where(AddressChange, "incident_id", incident.pk)
    bulk.delete_where(LetterResend, "incident_id", incident.pk)
    Escalation.objects.filter(incident=incident).update(reason="", resolution="", callback_phone="")
    CallbackAttempt.objects.filter(escalation__incident=incident).update(notes="")
    return calls
