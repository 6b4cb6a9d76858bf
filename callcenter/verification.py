"""Whether a caller is who the record says: the agent types what the caller says, the portal compares.

Three matching points verify a caller, or the reference code and one more.
The agent never sees the stored values to compare by eye; only the names
of the points that matched are kept.
"""

import re
from dataclasses import dataclass
from datetime import date

from people.models import Recipient
from portal.lib.text import search_key

REFERENCE_CODE = "reference_code"
DATE_OF_BIRTH = "date_of_birth"
ZIP_CODE = "zip_code"
STREET_ADDRESS = "street_address"
NAME = "name"
POINT_LABELS = {
    REFERENCE_CODE: "Reference code",
    DATE_OF_BIRTH: "Date of birth",
    ZIP_CODE: "ZIP code",
    STREET_ADDRESS: "Street address",
    NAME: "Name",
}

# USPS standard abbreviations for the words callers say in full (Publication 28, the common ones).
_STREET_WORDS = {
    "street": "st", "avenue": "ave", "av": "ave", "road": "rd", "drive": "dr", "lane": "ln", "court": "ct",
    "boulevard": "blvd", "place": "pl", "circle": "cir", "terrace": "ter", "highway": "hwy", "parkway": "pkwy",
    "trail": "trl", "way": "way", "square": "sq", "hollow": "holw", "ridge": "rdg", "landing": "lndg",
    "crossing": "xing", "north": "n", "south": "s", "east": "e", "west": "w", "northeast": "ne",
    "northwest": "nw", "southeast": "se", "southwest": "sw", "apartment": "apt", "suite": "ste",
    "first": "1st", "second": "2nd", "third": "3rd", "fourth": "4th", "fifth": "5th",
}  # fmt: skip
_NOT_WORD = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Said:
    """What the caller told the agent, normalised by the verification form; blank when not asked."""

    reference_code: str = ""
    date_of_birth: date | None = None
    postal_code: str = ""
    street_address: str = ""
    name: str = ""


def street_words(address: str) -> list[str]:
    """'100 North Fictional Way.' -> ['100', 'n', 'fictional', 'way']."""
    words = _NOT_WORD.split(search_key(address))
    return [_STREET_WORDS.get(word, word) for word in words if word]


def _name_matches(said: str, recipient: Recipient) -> bool:
    words = search_key(said).split()
    if not words:
        return False
    person = recipient.individual
    own = len(words) >= 2 and words[0] == person.first_name_key and words[-1] == person.last_name_key
    return own or " ".join(words) == recipient.name_key


def matched_points(recipient: Recipient, said: Said) -> list[str]:
    """The names of the points where what the caller said agrees with the record, in a fixed order."""
    person = recipient.individual
    checks = {
        REFERENCE_CODE: bool(said.reference_code) and said.reference_code == recipient.reference_code,
        DATE_OF_BIRTH: said.date_of_birth is not None and said.date_of_birth == person.date_of_birth,
        ZIP_CODE: bool(said.postal_code) and said.postal_code[:5] == recipient.postal_code[:5],
        STREET_ADDRESS: bool(said.street_address)
        and bool(recipient.address_line1)
        and street_words(said.street_address) == street_words(recipient.address_line1),
        NAME: bool(said.name) and _name_matches(said.name, recipient),
    }
    return [point for point, matched in checks.items() if matched]


def is_verified(points: list[str]) -> bool:
    return len(points) >= 3 or (REFERENCE_CODE in points and len(points) >= 2)
