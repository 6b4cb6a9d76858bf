from django import template

from portal.lib import phone as phones
from portal.lib import refcode

register = template.Library()


@register.filter
def phone(e164: str) -> str:
    """+18005550199 -> (800) 555-0199."""
    return phones.for_display(e164)


@register.filter
def reference_code(code: str) -> str:
    return refcode.display(code)
