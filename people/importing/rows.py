"""The shapes an import row takes once checked: the row as staged (and as the staging COPY's text), its issues,
and what stays the same for every row of one file. No model here: a checking process imports this before
Django's apps are loaded (see parallel.py)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

REJECTED, WARNING, MERGED, SKIPPED = "rejected", "warning", "merged", "skipped"


class CheckedRow(NamedTuple):
    """A row as the dry run stages it: ImportRow's columns, in the order COPY writes them. A tuple, so
    staging a million rows builds no dict per row."""

    row_number: int
    match_key: str
    external_id: str
    external_id_key: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    last_name_key: str
    first_name_key: str
    date_of_birth: str | None
    date_of_birth_key: str
    is_deceased: bool
    language: str
    relationship: str
    recipient_name: str
    recipient_name_key: str
    recipient_last_name_key: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    phone: str
    phone_key: str
    email: str
    email_key: str
    guardian_phone: str
    guardian_phone_key: str
    guardian_email: str
    guardian_email_key: str
    next_of_kin_phone: str
    next_of_kin_phone_key: str
    next_of_kin_email: str
    next_of_kin_email_key: str
    reference_code: str
    data_type_ids: str  # a JSON list


STAGED_COLUMNS = CheckedRow._fields
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: object) -> str:
    # Staged text is cleaned (white space folded), so only a backslash needs escaping.
    if type(value) is str:
        return value.translate(_COPY_ESCAPES) if "\\" in value else value
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def copy_text(job_id: int, rows: Sequence[CheckedRow]) -> str:
    """Checked rows as the staging COPY's text lines, job first (made where they are checked, in any process)."""
    prefix = f"{job_id}\t"
    return "".join([prefix + "\t".join(map(_copy_value, row)) + "\n" for row in rows])


class Contacts(NamedTuple):
    guardian_phone: str = ""
    guardian_phone_key: str = ""
    guardian_email: str = ""
    guardian_email_key: str = ""
    next_of_kin_phone: str = ""
    next_of_kin_phone_key: str = ""
    next_of_kin_email: str = ""
    next_of_kin_email_key: str = ""


NO_CONTACTS = Contacts()


class Address(NamedTuple):
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""


class Issue(NamedTuple):
    row: int
    column: str
    value: str
    reason: str
    outcome: str  # rejected, warning, merged or skipped (a report's footer line)


class Rejected(Exception):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


@dataclass
class Settings:
    """What stays the same for every row of one file."""

    header: Sequence[str]
    mapping: dict[str, int]  # field key (or "dt:<key>") -> column index
    data_type_words: dict[str, tuple[int, str]]  # header_key(word) -> (DataType id, key)
    data_type_ids_by_key: dict[str, int]
    file_data_type_ids: Sequence[int]
    minor_cutoff: date
    today: date
    letter_to_both_parents: bool = False
