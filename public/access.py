"""Reads of the public notice's parts, scoped to an incident the user may open (incidents.access)."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from incidents.access import IncidentAccess
from incidents.models import Incident
from public.models import FaqEntry, NoticeUpdate


def faq_entry_on(access: IncidentAccess, entry_id: int) -> FaqEntry:
    return get_object_or_404(FaqEntry, pk=entry_id, incident=access.incident)


def notice_update_on(access: IncidentAccess, update_id: int) -> NoticeUpdate:
    return get_object_or_404(NoticeUpdate, pk=update_id, incident=access.incident)


def updates_shown(incident: Incident) -> QuerySet[NoticeUpdate]:
    """The updates the public page lists, newest first: those dated today or earlier."""
    return NoticeUpdate.objects.filter(incident=incident, posted_on__lte=timezone.localdate())
