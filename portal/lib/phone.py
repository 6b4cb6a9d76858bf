"""Telephone numbers in E.164, parsed with `phonenumbers` (US by default)."""

import phonenumbers


class InvalidPhone(ValueError):
    pass


def to_e164(typed: str, region: str = "US") -> str:
    try:
        number = phonenumbers.parse(typed, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone(f"{typed!r} is not a telephone number") from None
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{typed!r} is not a valid telephone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def for_display(e164: str) -> str:
    """(800) 555-0199 for US numbers, international format otherwise."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "US")
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
