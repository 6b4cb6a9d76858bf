from typing import Any

from django import template

from incidents import wording
from incidents.forms import US_TIME_ZONE_NAMES
from incidents.models import Incident, IncidentStatus, Role
from people.importing.rules import STATE_NAMES
from portal.lib import phone as phones
from portal.lib import refcode

register = template.Library()

_TARGETS = {
    "incidents.incident": "Incident",
    "accounts.membership": "Role",
    "accounts.user": "User",
    "incidents.datatype": "Catalog entry",
    "audit.trailcheck": "Trail check",
}
# Audit details hold codes; these read them in words.
_VALUE_LABELS: dict[str, dict[str, str]] = {
    "role": dict(Role.choices),
    "from": dict(IncidentStatus.choices),
    "to": dict(IncidentStatus.choices),
}
_KEY_LABELS = {"user_id": "user id"}


@register.filter
def phone(e164: str) -> str:
    """+18005550199 -> (800) 555-0199: the one style every screen, letter and notice shows."""
    return phones.for_display(e164)


@register.filter
def hotline_hours(incident: Incident) -> str:
    """The hotline's hours with their time zone said once: "Monday to Friday, 8 a.m. to 5 p.m. (Central time)"."""
    return wording.hotline_hours(incident)


@register.filter
def state_name(code: str) -> str:
    """MO -> Missouri; "" -> the words for a recipient with no state on file."""
    return STATE_NAMES.get(code, code) if code else "No state on file"


@register.filter
def time_zone(zone: str) -> str:
    """America/Chicago -> Central time."""
    name = US_TIME_ZONE_NAMES.get(zone)
    return f"{name} time" if name else zone


@register.filter
def audit_target(event: Any) -> str:
    if not event.target_type:
        return ""
    return f"{_TARGETS.get(event.target_type, event.target_type)} #{event.target_id}"


@register.filter
def detail_items(details: dict[str, Any]) -> list[tuple[str, str]]:
    """An audit event's details as (name, text) pairs, codes in words, lists comma-separated."""
    items = []
    for key, value in sorted(details.items()):
        labels = _VALUE_LABELS.get(key, {})
        values = value if isinstance(value, list) else [value]
        items.append(
            (_KEY_LABELS.get(key, key.replace("_", " ")), ", ".join(labels.get(str(v), str(v)) for v in values))
        )
    return items


@register.filter
def reference_code(code: str) -> str:
    return refcode.display(code)
