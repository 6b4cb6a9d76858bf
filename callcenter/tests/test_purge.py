"""purge_incident: a closed incident's personal data goes once its retention period is over (or earlier,
forced with a reason that is audited); its counts, calls' times and the audit trail stay."""

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.chain import verify_all
from audit.models import AuditEvent
from callcenter import actions as calls
from callcenter.models import AddressChange, Call, Disposition, Escalation, Verification
from incidents import actions, figures
from incidents.models import Incident
from notifications.models import Letter, LetterBatch
from notifications.tests.helpers import recipients, rendered_batch
from people import figures as people_figures
from people.models import Exposure, Individual, Recipient
from portal.lib import errors

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(incident, manager, agent):
    """A closed incident with people, a rendered batch, and a call with notes, an escalation and an address change."""
    people = recipients(incident, 3, "name", "medical_information")
    people_figures.count_now(incident)
    batch = rendered_batch(incident, manager)
    call = calls.start_call(agent, incident, people[0], timezone.now())
    Call.objects.filter(pk=call.pk).update(verification=Verification.VERIFIED)
    calls.request_address_change(agent, call, {"address_line1": "9 Synthetic Way", "address_line2": "",
                                               "city": "Nowhere", "state": "MO", "postal_code": "65999"})  # fmt: skip
    calls.escalate(agent, call, manager, "Asked about the nurse's records.")
    disposition = Disposition.objects.filter(incident=incident).first()
    calls.close_call(agent, call, disposition=disposition, caller_name="Casey Caller", relationship="", notes="Upset.")
    for status in (Incident.Status.INVESTIGATING, Incident.Status.NOTIFYING, Incident.Status.CLOSED):
        actions.change_status(manager, incident, status)
    incident.refresh_from_db()
    return incident, batch


def _purge(incident, *options):
    call_command("purge_incident", incident.slug, *options)


def test_before_the_retention_date_it_refuses_unless_forced_with_a_reason(closed, capsys):
    incident, _ = closed
    with pytest.raises(CommandError, match="keeps its personal data until"):
        _purge(incident)
    with pytest.raises(CommandError, match="--force and --reason"):
        _purge(incident, "--force")
    assert Individual.objects.filter(incident=incident).count() == 3
    _purge(incident, "--force", "--reason", "Counsel's instruction of 2026-11-20")
    event = AuditEvent.objects.get(action="incident.purged")
    assert event.details["reason"] == "Counsel's instruction of 2026-11-20"
    assert event.details["before_retention_date"] is True
    assert "Purged riverside-records: 3 individuals" in capsys.readouterr().out


def test_after_the_retention_date_personal_data_goes_and_counts_stay(
    closed, settings, manager, django_capture_on_commit_callbacks
):
    incident, batch = closed
    part_names = [part["name"] for part in batch.parts]
    Incident.objects.filter(pk=incident.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.PURGE_AFTER_DAYS + 1)
    )
    with django_capture_on_commit_callbacks(execute=True):  # files go once the deletion is committed
        call_command("purge_incident", incident.slug)
    assert not Individual.objects.filter(incident=incident).exists()
    assert not Recipient.objects.filter(incident=incident).exists()
    assert not Exposure.objects.filter(incident=incident).exists()
    assert not Letter.objects.filter(batch=batch).exists()
    assert not AddressChange.objects.filter(incident=incident).exists()
    assert not any(default_storage.exists(name) for name in part_names)
    call = Call.objects.get(incident=incident)
    assert (call.caller_name, call.notes, call.recipient_id, call.disposition_id is not None) == ("", "", None, True)
    assert Escalation.objects.get(incident=incident).reason == ""
    assert LetterBatch.objects.get(pk=batch.pk).letters_total == 3  # the batch's counts
    assert figures.of(incident).individuals == 3  # the dashboard's figures
    figures.bump(incident.pk)  # a count asked for before the purge, run after it
    assert people_figures.refresh(incident.pk) is False
    assert figures.of(incident).individuals == 3
    assert AuditEvent.objects.get(action="incident.purged").details["before_retention_date"] is False
    assert verify_all().ok  # the trail is whole
    with pytest.raises(CommandError, match="purged already"):
        call_command("purge_incident", incident.slug)
    with pytest.raises(errors.ActionRefused):
        actions.change_status(manager, Incident.objects.get(pk=incident.pk), Incident.Status.NOTIFYING)


def test_a_closed_incident_without_its_closing_date_is_not_due(closed):
    incident, _ = closed
    Incident.objects.filter(pk=incident.pk).update(closed_at=None)
    with pytest.raises(CommandError, match="its closing date is not on record"):
        call_command("purge_incident", incident.slug)


def test_an_open_incident_is_never_purged(incident):
    with pytest.raises(CommandError, match="close it first"):
        call_command("purge_incident", incident.slug, "--force", "--reason", "Testing")
