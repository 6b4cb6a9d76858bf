"""Reading letter objects: always through the incident the user reached with `incident_for`."""

from django.shortcuts import get_object_or_404

from incidents.access import IncidentAccess
from notifications.models import Letter, LetterBatch, LetterTemplate


def template_on(access: IncidentAccess, template_id: int) -> LetterTemplate:
    return get_object_or_404(LetterTemplate, pk=template_id, incident=access.incident)


def batch_on(access: IncidentAccess, batch_id: int) -> LetterBatch:
    return get_object_or_404(
        LetterBatch.objects.select_related("created_by", "approved_by"), pk=batch_id, incident=access.incident
    )


def letter_on(batch: LetterBatch, sequence: int) -> Letter:
    return get_object_or_404(Letter.objects.select_related("batch"), batch=batch, sequence=sequence)
