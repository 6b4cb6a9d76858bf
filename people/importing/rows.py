"""The shapes an import row takes once checked: the row as staged, its issues, and what stays the same for
every row of one file."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from people.models import ImportRow
from portal.lib.sealed_fields import SealedField

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


def opened(staged: dict[str, object]) -> dict[str, object]:
    """A staged row (by column name) with its sealed values opened, to show to the manager."""
    row = dict(staged)
    for field in ImportRow._meta.concrete_fields:
        if isinstance(field, SealedField):
            value = row[field.name]
            row[field.name] = field.from_db_value(value if isinstance(value, str) else None, None, None)
    return row


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
