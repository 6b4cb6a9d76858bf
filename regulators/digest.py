"""The daily digest of obligations: each incident's managers are told what is overdue or due soon.

Celery beat sends the task once a day; each incident is claimed for the day with a conditional update,
so a task that runs twice (a retry, a second beat) sends nothing twice, and released again if its e-mails
fail, for the task's retry. Each list is in order of the nearer of the legal due date and the incident's
target date. The table's obligations name regulators and statutes; a manager's own
obligations are whatever the manager wrote, so their text should name no person."""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import dateformat

from incidents.models import Incident, Membership, Role
from regulators import obligations

logger = logging.getLogger(__name__)


def _claim(incident: Incident, today: date) -> bool:
    unsent = Q(obligation_digest_on__isnull=True) | Q(obligation_digest_on__lt=today)
    return bool(Incident.objects.filter(unsent, pk=incident.pk).update(obligation_digest_on=today))


def _dates(entry: obligations.Entry) -> str:
    """The legal due date and the target date, each named: they must never be mistaken for one another."""
    due = f"due by law {dateformat.format(entry.due_on, 'F j, Y')}" if entry.due_on else "no fixed date in law"
    return f"{due}, target {dateformat.format(entry.target_on, 'F j, Y')}" if entry.target_on else due


def _body(incident: Incident, overdue: list[obligations.Entry], due_soon: list[obligations.Entry]) -> str:
    lines = [f"{incident.organisation_name}: {incident.title}", ""]
    for heading, entries in (("Overdue", overdue), (f"Due within {obligations.DUE_SOON_DAYS} days", due_soon)):
        if entries:
            lines.append(f"{heading}:")
            lines += [f"- {e.party}: {e.notice}, {_dates(e)} ({e.citation or 'added by a manager'})"
                      for e in entries]  # fmt: skip
            lines.append("")
    link = settings.PORTAL_BASE_URL.rstrip("/") + reverse("regulators:obligation-list", args=[incident.slug])
    lines += [f"All obligations, and where to mark them done: {link}", ""]
    lines.append("You receive this because you manage this incident in the Breach Notice Portal.")
    return "\n".join(lines)


class DigestsFailed(Exception):
    """Some incidents' digests could not be sent; they stay unclaimed for the task's retry."""


def send_digests(today: date) -> int:
    """Send today's digest for every incident being worked on with something overdue or due soon; the e-mails
    sent. An incident whose e-mails fail is released for a retry, and the others still get theirs."""
    sent, failed = 0, 0
    active = Incident.objects.filter(status__in=[Incident.Status.INVESTIGATING, Incident.Status.NOTIFYING])
    for incident in active.order_by("pk"):
        states = obligations.grouped(incident, today)
        earlier = incident.obligation_digest_on
        if not (states["overdue"] or states["due_soon"]) or not _claim(incident, today):
            continue
        managers = Membership.objects.filter(incident=incident, role=Role.MANAGER, user__is_active=True)
        addresses = sorted({m.user.email for m in managers.select_related("user") if m.user.email})
        subject = (f"{incident.title}: {len(states['overdue'])} overdue, {len(states['due_soon'])} due soon "
                   "(obligations)")  # fmt: skip
        body = _body(incident, states["overdue"], states["due_soon"])
        try:
            with get_connection() as connection:
                sent += connection.send_messages([EmailMessage(subject, body, to=[a]) for a in addresses]) or 0
        except Exception:
            Incident.objects.filter(pk=incident.pk).update(obligation_digest_on=earlier)
            logger.exception("Obligation digest of incident %s could not be sent", incident.pk)
            failed += 1
    logger.info("Obligation digests: %d e-mails sent, %d incidents failed", sent, failed)
    if failed:
        raise DigestsFailed(f"{failed} incident(s) could not be sent their digest")
    return sent
