"""Reads of people and their imports, scoped to an incident the user may open (incidents.access)."""

from django.shortcuts import get_object_or_404

from incidents.access import IncidentAccess
from people.models import ImportJob


def import_job_on(access: IncidentAccess, job_id: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.select_related("created_by"), pk=job_id, incident=access.incident)
