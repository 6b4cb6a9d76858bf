"""Normalising single values from an import. Each rule returns the stored form
or raises `Invalid` with a message that names the value.

These run once per cell of files with millions of rows, so the common cases
take a fast path and results that repeat (dates, data type lists) are cached.
"""

import re
from datetime import date, timedelta
from functools import lru_cache

from portal.lib import phone as phones


class Invalid(ValueError):
    """The value cannot be used; the message says why, naming the value."""


def quoted(value: str, limit: int = 60) -> str:
    shown = value if len(value) <= limit else value[: limit - 1] + "…"
    return f"“{shown}”"


# Text that a spreadsheet would take for a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@")


# Dates -------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
# A US date, perhaps with the midnight a database export adds ("3/14/2009 12:00:00 AM").
_US = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})(?:\s+0?0?12?:00(?::00)?(?:\s*AM)?)?", re.IGNORECASE)
# YYYYMMDD, as clinical and state-reporting exports write dates (20090314).
_COMPACT = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})")
_US_SHORT_YEAR = re.compile(r"\d{1,2}([/-])\d{1,2}\1\d{2}")
_SERIAL = re.compile(r"(\d{1,5})(?:\.0+)?")
_EXCEL_EPOCH = date(1899, 12, 30)
EARLIEST_BIRTH = date(1900, 1, 1)


def _real_date(year: int, month: int, day: int, value: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid(f"{quoted(value)} is not a real date") from None


@lru_cache(maxsize=100_000)
def parse_date(value: str) -> date:
    """ISO (2009-03-14), US (3/14/2009, 03-14-2009), YYYYMMDD (20090314) or an Excel serial number (39886)."""
    if m := _ISO.fullmatch(value):
        return _real_date(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _COMPACT.fullmatch(value):
        return _real_date(int(m[1]), int(m[2]), int(m[3]), value)
    if m := _US.fullmatch(value):
        return _real_date(int(m[4]), int(m[1]), int(m[3]), value)
    if m := _SERIAL.fullmatch(value):
        serial = int(m[1])
        if serial < 1:
            raise Invalid(f"{quoted(value)} is not a date")
        return _EXCEL_EPOCH + timedelta(days=serial)
    if _US_SHORT_YEAR.fullmatch(value):
        raise Invalid(f"{quoted(value)} has a two-digit year; write the year in full (for example 3/14/2009)")
    raise Invalid(f"{quoted(value)} is not a date in a known form (2009-03-14, 3/14/2009, 03-14-2009 or 20090314)")


def birth_date(value: str, today: date) -> date:
    born = parse_date(value)
    if born > today:
        raise Invalid(f"{quoted(value)} is in the future")
    if born < EARLIEST_BIRTH:
        raise Invalid(f"{quoted(value)} is before 1900")
    return born


# Yes / no ------------------------------------------------------------------

_YES = frozenset({"y", "yes", "true", "t", "1", "x", "deceased", "si", "sí"})
_NO = frozenset({"", "n", "no", "false", "f", "0", "living", "alive"})


def yes_no(value: str) -> bool:
    folded = value.strip().lower()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise Invalid(f"{quoted(value)} is not yes or no")


def deceased(value: str) -> bool:
    """Yes or no, or a date of death (which says yes)."""
    try:
        return yes_no(value)
    except Invalid:
        pass
    try:
        parse_date(value.strip())
    except Invalid:
        raise Invalid(f"{quoted(value)} is not yes or no, or a date of death") from None
    return True


# Language --------------------------------------------------------------------

_LANGUAGES = {
    "en": "en", "eng": "en", "english": "en", "ingles": "en", "inglés": "en",
    "es": "es", "spa": "es", "spanish": "es", "espanol": "es", "español": "es",
}  # fmt: skip


def language(value: str) -> str:
    try:
        return _LANGUAGES[value.strip().lower()]
    except KeyError:
        raise Invalid(f"{quoted(value)} is not a language letters are printed in (English or Spanish)") from None


# States and ZIP codes ------------------------------------------------------

STATE_NAMES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands", "GU": "Guam", "AS": "American Samoa",
    "MP": "Northern Mariana Islands", "AA": "Armed Forces Americas", "AE": "Armed Forces Europe",
    "AP": "Armed Forces Pacific",
}  # fmt: skip
_STATE_KEY = re.compile(r"[^a-z]")
_STATES = {_STATE_KEY.sub("", name.lower()): code for code, name in STATE_NAMES.items()}
_STATES.update({code.lower(): code for code in STATE_NAMES})
_STATES.update({"virginislands": "VI", "usvirginislands": "VI", "washingtondc": "DC", "districtofcolumbia": "DC"})

# Spreadsheets drop leading zeros. Where every ZIP code of a state starts with
# one zero (or two), a code that lost them is repaired without guessing; New
# York, whose codes start with 0 or 1, is not.
_LEADING_ZEROS = {"CT": 1, "MA": 1, "ME": 1, "NH": 1, "NJ": 1, "RI": 1, "VT": 1, "AE": 1, "PR": 2, "VI": 2}
_ZIP = re.compile(r"(\d{3,5})(?:-?(\d{4}))?")


@lru_cache(maxsize=4096)
def state_code(value: str) -> str:
    try:
        return _STATES[_STATE_KEY.sub("", value.lower())]
    except KeyError:
        raise Invalid(f"{quoted(value)} is not a US state or territory") from None


_STATE_WORDS = "|".join(sorted((re.escape(name) for name in STATE_NAMES.values()), key=len, reverse=True))
_ONE_LINE_ADDRESS = re.compile(
    r"(?P<street>.+?),\s*(?:(?P<line2>(?:apt|unit|suite|ste|#)\.?\s*[^,]+),\s*)?(?P<city>[^,]+?),?\s+"
    rf"(?P<state>[A-Za-z]{{2}}|{_STATE_WORDS})\.?,?\s+(?P<zip>\d{{5}}(?:-?\d{{4}})?)",
    re.IGNORECASE,
)


def one_line_address(value: str) -> tuple[str, str, str, str, str]:
    """ "12 Oak St, Apt 2, Springfield, MO 65801-1234" as (line 1, line 2, city, state, ZIP as written)."""
    m = _ONE_LINE_ADDRESS.fullmatch(" ".join(value.split()))
    if m is None:
        raise Invalid(f"{quoted(value)} is not an address of the form “12 Oak St, Springfield, MO 65801”")
    return m["street"], m["line2"] or "", m["city"], m["state"], m["zip"]


def zip_code(value: str, state: str) -> tuple[str, bool]:
    """The ZIP code as text (12345 or 12345-6789) and whether leading zeros were put back."""
    m = _ZIP.fullmatch(value.replace(" ", ""))
    if m is None:
        raise Invalid(f"{quoted(value)} is not a ZIP code")
    five, plus4 = m[1], m[2]
    repaired = False
    if len(five) < 5:
        if _LEADING_ZEROS.get(state, 0) != 5 - len(five):
            raise Invalid(f"{quoted(value)} is too short for a ZIP code in {state or 'an unknown state'}")
        five, repaired = five.zfill(5), True
    return (f"{five}-{plus4}" if plus4 else five), repaired


# Phone and email -------------------------------------------------------------

_NOT_DIGIT = re.compile(r"\D")


def phone(value: str) -> str:
    """E.164. Plain North American numbers are checked here directly, since
    `phonenumbers` costs tens of microseconds a number and would dominate a
    million-row import; everything else goes to `phonenumbers`."""
    digits = _NOT_DIGIT.sub("", value)
    if not value.lstrip().startswith("+") or digits.startswith("1"):
        if len(digits) == 11 and digits[0] == "1":
            digits = digits[1:]
        if len(digits) == 10 and digits[0] in "23456789" and digits[3] in "23456789":
            return "+1" + digits
    try:
        return phones.to_e164(value)
    except phones.InvalidPhone:
        raise Invalid(f"{quoted(value)} is not a telephone number") from None


_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise Invalid(f"{quoted(value)} is not an email address")
    return value
