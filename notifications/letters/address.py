"""Mailing lines as the window and the mail file print them: at most 40 characters each,
the secondary unit (Apt, Suite, #) on its own line, ZIP and ZIP+4 apart."""

import re
import textwrap
from dataclasses import dataclass

from people.models import Recipient

LINE_WIDTH = 40
WINDOW_LINES = 7  # the most the recipient window shows (in its smallest type); see letter.css
_UNIT = re.compile(
    r"[\s,]+((?:APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|FL|FLOOR|BLDG|LOT|TRLR|SPC|DEPT)\.?\s*(?:[A-Z]?\d[\w-]*|[A-Z])"
    r"|#\s*[\w-]+)$",
    re.IGNORECASE,
)


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, LINE_WIDTH, break_long_words=True, break_on_hyphens=False) if text else []


def split_unit(street: str) -> tuple[str, str]:
    """("123 Main St", "Apt 4") from "123 Main St Apt 4"; the unit is empty when there is none."""
    found = _UNIT.search(street)
    if not found or found.start() == 0:
        return street, ""
    return street[: found.start()].strip(), found.group(1).strip()


@dataclass(frozen=True)
class MailingAddress:
    name_lines: list[str]
    address_lines: list[str]
    city: str
    state: str
    zip5: str
    zip4: str

    @property
    def last_line(self) -> str:
        zip_code = f"{self.zip5}-{self.zip4}" if self.zip4 else self.zip5
        return f"{self.city} {self.state} {zip_code}".strip()

    @property
    def window_lines(self) -> list[str]:
        return [*self.name_lines, *self.address_lines, self.last_line]


def mailing_address(recipient: Recipient, name: str = "") -> MailingAddress:
    """The recipient's window lines; `name` in place of the stored one (the letter's reading order)."""
    street, unit = split_unit(recipient.address_line1.strip())
    second = recipient.address_line2.strip()
    names = _wrapped((name or recipient.name).strip())[:2]
    lines = [*_wrapped(street), *_wrapped(unit), *_wrapped(second)]
    if unit and len(names) + len(lines) + 1 > WINDOW_LINES:
        # Too many lines for the window: the unit goes back on the street's line, as USPS writes it.
        lines = [*_wrapped(f"{street} {unit}"), *_wrapped(second)]
    zip5, _, zip4 = recipient.postal_code.strip().partition("-")
    return MailingAddress(
        name_lines=names,
        address_lines=lines,
        city=recipient.city.strip(),
        state=recipient.state.strip(),
        zip5=zip5,
        zip4=zip4,
    )
