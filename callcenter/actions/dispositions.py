"""The dispositions an agent closes a call with: the defaults, and a manager's own."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max

from accounts.models import User
from audit import api as audit
from callcenter.models import Disposition
from incidents.models import Incident
from portal.lib.errors import ActionRefused


@transaction.atomic
def ensure_dispositions(incident: Incident, actor: User | None = None) -> None:
    """Give an incident the default dispositions the first time it takes a call (or a manager saves them)."""
    if Disposition.objects.filter(incident=incident).exists():
        return
    rows = [
        Disposition(incident=incident, key=key, label=label, sort_order=(n + 1) * 10)
        for n, (key, label) in enumerate(Disposition.DEFAULTS)
    ]
    Disposition.objects.bulk_create(rows, ignore_conflicts=True)
    if actor is not None:
        audit.record("disposition.added", actor=actor, incident_id=incident.pk, details={"defaults": len(rows)})


@transaction.atomic
def add_disposition(actor: User, incident: Incident, label: str) -> Disposition:
    ensure_dispositions(incident, actor)
    taken = ActionRefused(f"There is already a disposition “{label}”.")
    if Disposition.objects.filter(incident=incident, label__iexact=label).exists():
        raise taken
    last = Disposition.objects.filter(incident=incident).aggregate(n=Max("sort_order"))["n"] or 0
    try:
        with transaction.atomic():
            disposition = Disposition.objects.create(incident=incident, label=label, sort_order=last + 10)
    except IntegrityError:  # another manager added it a moment ago
        raise taken from None
    audit.record("disposition.added", actor=actor, incident_id=incident.pk, target=disposition)
    return disposition


@transaction.atomic
def set_disposition_active(actor: User, disposition: Disposition, active: bool) -> None:
    # Locking every shown row of the incident keeps two managers from hiding the last two at once.
    shown = Disposition.objects.select_for_update().filter(incident_id=disposition.incident_id, is_active=True)
    if not active and not [pk for pk in shown.values_list("pk", flat=True) if pk != disposition.pk]:
        raise ActionRefused("Keep at least one disposition shown: agents choose one to close a call.")
    if Disposition.objects.filter(pk=disposition.pk).exclude(is_active=active).update(is_active=active):
        details: dict[str, Any] = {"active": active}
        audit.record(
            "disposition.changed", actor=actor, incident_id=disposition.incident_id, target=disposition, details=details
        )
