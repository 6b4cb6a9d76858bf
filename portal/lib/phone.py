"""Telephone numbers: stored in E.164, parsed with `phonenumbers` (US by default), and shown in one style
everywhere a person reads or dials one (letters, the public notice, the call center, packets, e-mails):
the national form, (800) 555-0199, never the +1 storage form."""

import re

import phonenumbers


class InvalidPhone(ValueError):
    pass


# Any telephone number as text shows one: (800) 555-0199. Letters and tests check every number against it.
NATIONAL_STYLE = re.compile(r"\(\d{3}\) \d{3}-\d{4}")


def to_e164(typed: str, region: str = "US") -> str:
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"{typed!r} is not a telephone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{typed!r} is not a valid telephone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_display(stored: str) -> str:
    """(800) 555-0199 for US numbers, the international form otherwise; a value that is not a number
    (a row stored before numbers were checked) is shown as it is."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, "US")
    except phonenumbers.NumberParseException:
        return stored
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
