from typing import Any

from django import template

from portal.lib import phone as phones
from portal.lib import refcode

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """+18005550199 -> (800) 555-0199."""
    return phones.for_display(e164)


@register.filter
def detail_items(details: dict[str, Any]) -> list[tuple[str, str]]:
    """An audit event's details as (name, text) pairs; lists read as comma-separated."""
    return [
        (str(key), ", ".join(map(str, value)) if isinstance(value, list) else str(value))
        for key, value in sorted(details.items())
    ]


@register.filter
def reference_code(code: str) -> str:
    return refcode.display(code)
