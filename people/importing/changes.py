"""What a re-import would change for people already in the incident, found in the dry run.

Every checked row that matches a person already imported (by ID, or by name and date of birth) is compared
with what is stored, field by field. The manager reads the counts per field and the first examples
(identifiers masked) before confirming. A name or address line that differs from the stored one only by
lost accents or case ("Nguyen" for "Nguyễn", "NGUYEN", "Nguy?n" from a file saved in Windows-1252) would
degrade what is stored: the staged row takes the stored spelling back, so the import leaves it as it is,
and the report says so.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from people.importing import load
from people.importing.check import WARNING, Issue
from people.models import Individual
from portal.lib import text
from portal.lib.fieldcrypt import SealError, open_sealed

EXAMPLES = 10

# (label, staged column, stored column, table alias, how to show it): "text" shows both values, "phone" the
# last two digits, "hidden" nothing but that it changed.
_COMPARED: tuple[tuple[str, str, str, str, str], ...] = (
    ("First name", "first_name", "first_name", "i", "text"),
    ("Middle name", "middle_name", "middle_name", "i", "text"),
    ("Last name", "last_name", "last_name", "i", "text"),
    ("Suffix", "suffix", "suffix", "i", "text"),
    ("Date of birth", "date_of_birth_key", "date_of_birth_key", "i", "hidden"),
    ("Deceased", "is_deceased", "is_deceased", "i", "text"),
    ("Letter language", "language", "language", "i", "text"),
    ("Letter recipient", "recipient_name", "name", "r", "text"),
    ("Street address", "address_line1", "address_line1", "r", "text"),
    ("Address line 2", "address_line2", "address_line2", "r", "text"),
    ("City", "city", "city", "r", "text"),
    ("State", "state", "state", "r", "text"),
    ("ZIP code", "postal_code", "postal_code", "r", "text"),
    ("Phone", "phone_key", "phone_key", "r", "phone"),
    ("Email", "email_key", "email_key", "r", "hidden"),
    ("Parent or guardian phone", "guardian_phone_key", "guardian_phone_key", "r", "phone"),
    ("Parent or guardian email", "guardian_email_key", "guardian_email_key", "r", "hidden"),
    ("Next of kin phone", "next_of_kin_phone_key", "next_of_kin_phone_key", "r", "phone"),
    ("Next of kin email", "next_of_kin_email_key", "next_of_kin_email_key", "r", "hidden"),
)
# Text whose stored spelling a poorer one must not replace.
_KEPT = frozenset({"first_name", "middle_name", "last_name", "suffix", "recipient_name", "address_line1",
                   "address_line2", "city"})  # fmt: skip
_LOST = re.compile(r"[?\ufffd]")  # what an encoding that lacks a letter writes in its place

_MATCHED = """
    SELECT s.id AS staged_id, s.row_number, s.phone AS s_phone, s.guardian_phone AS s_guardian_phone,
           s.next_of_kin_phone AS s_next_of_kin_phone, r.id AS recipient_id, {columns}
    FROM ({matched}) s
    JOIN incidents_individual i ON i.incident_id = %(incident)s AND i.id = s.existing_id
    LEFT JOIN incidents_recipient r
      ON r.incident_id = %(incident)s AND r.individual_id = i.id AND r.relationship = s.relationship
    WHERE r.id IS NULL OR ({staged}) {distinct} ({stored})
    ORDER BY s.row_number
"""


@dataclass
class Changes:
    """The counts and first examples shown in the report, and the spellings kept."""

    people: int = 0
    fields: dict[str, dict[str, int]] = field(default_factory=dict)  # label -> {"changed": n, "kept": n}
    examples: list[dict[str, str]] = field(default_factory=list)
    kept: list[tuple[int, str, str]] = field(default_factory=list)  # (staged row id, column, stored value)

    def as_json(self) -> dict[str, Any]:
        fields = [{"field": label, **counts} for label, counts in self.fields.items()]
        return {"people": self.people, "fields": fields, "examples": self.examples, "kept": len(self.kept)}


# Without duplicates in the file every row leads (sparing a sort of them all).
_ALL_ROWS = "SELECT * FROM incidents_importrow s WHERE s.job_id = %(job)s"


def _sql(merged: bool) -> str:
    columns = ", ".join(
        f"s.{mine} AS s_{mine}, {alias}.{theirs} AS t_{mine}" for _, mine, theirs, alias, _ in _COMPARED
    )
    staged = ", ".join(f"s.{mine}" for _, mine, _, _, _ in _COMPARED)
    stored = ", ".join(f"{alias}.{theirs}" for _, _, theirs, alias, _ in _COMPARED)
    distinct = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    matched = load.MATCHED.format(leaders=load.LEADERS if merged else _ALL_ROWS)
    return _MATCHED.format(columns=columns, staged=staged, stored=stored, distinct=distinct, matched=matched)


def _rows(job_id: int, incident_id: int, merged: bool) -> Iterator[dict[str, Any]]:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # As for the import itself (load._prepare): the staged rows were just copied in and have no
            # statistics, and compiling this plan costs more than running it.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("ANALYZE incidents_importrow")
        cursor.execute(_sql(merged), {"job": job_id, "incident": incident_id})
        names = [column[0] for column in cursor.description]
        while batch := cursor.fetchmany(2000):
            yield from (dict(zip(names, row, strict=True)) for row in batch)


def degrades(new: str, stored: str) -> bool:
    """Whether `new` is `stored` with accents or case lost: the same letters to a search, poorer to a reader."""
    if not new or new == stored:
        return False
    if _LOST.search(new) and len(new) == len(stored):
        return all(a == b or (_LOST.fullmatch(a) and not b.isascii()) for a, b in zip(new, stored, strict=True))
    if text.search_key(new) != text.search_key(stored):
        return False
    accents = sum(1 for ch in new if not ch.isascii()) < sum(1 for ch in stored if not ch.isascii())
    flattened = (new.isupper() or new.islower()) and not (stored.isupper() or stored.islower())
    return accents or flattened


def _last_digits(sealed: str) -> str:
    try:
        plain = open_sealed(sealed, "phone") if sealed else ""
    except SealError:
        return "a number"
    return f"a number ending {plain[-2:]}" if plain else "none"


def _shown(how: str, row: dict[str, Any], column: str) -> tuple[str, str]:
    if how == "text":
        return str(row[f"t_{column}"] if row[f"t_{column}"] is not None else ""), str(row[f"s_{column}"])
    if how == "phone":
        stored_changed = "a number on file" if row[f"t_{column}"] else "none"
        return stored_changed, _last_digits(row["s_" + column.removesuffix("_key")])
    return "on file" if row[f"t_{column}"] else "none", "different" if row[f"s_{column}"] else "none"


def find(job_id: int, incident_id: int, issues: list[Issue], merged: bool = True) -> Changes:
    """Compare the job's checked rows with the people they match; kept spellings are added to `issues`.
    `merged`: whether some rows repeat a person (only each person's first row counts then)."""
    found = Changes()
    if not Individual.objects.filter(incident_id=incident_id).exists():
        return found  # a first import changes nobody
    for row in _rows(job_id, incident_id, merged):
        changed = False
        for label, column, _, alias, how in _COMPARED:
            new, old = row[f"s_{column}"], row[f"t_{column}"]
            if alias == "r" and row["recipient_id"] is None:
                continue
            if new == old or (isinstance(new, bool) and bool(old) == new):
                continue
            counts = found.fields.setdefault(label, {"changed": 0, "kept": 0})
            if column in _KEPT and isinstance(old, str) and degrades(new, old):
                counts["kept"] += 1
                found.kept.append((row["staged_id"], column, old))
                reason = f"differs from the stored “{old}” only by lost accents or case: the stored spelling is kept"
                issues.append(Issue(row["row_number"], label, new, reason, WARNING))
                continue
            counts["changed"] += 1
            changed = True
            if len(found.examples) < EXAMPLES:
                name = " ".join(str(row[f"t_{part}"]) for part in ("first_name", "last_name") if row[f"t_{part}"])
                before, after = _shown(how, row, column)
                found.examples.append(
                    {"row": row["row_number"], "person": name, "field": label, "from": before, "to": after}
                )
        if row["recipient_id"] is None:
            counts = found.fields.setdefault("A new letter recipient (the person came of age or died)", {
                "changed": 0, "kept": 0})  # fmt: skip
            counts["changed"] += 1
            changed = True
        found.people += changed
    _keep(found.kept)
    return found


def _keep(kept: list[tuple[int, str, str]]) -> None:
    """The stored spellings back into the staged rows, so the import leaves them as they are."""
    by_column: dict[str, list[tuple[str, int]]] = {}
    for staged_id, column, value in kept:
        by_column.setdefault(column, []).append((value, staged_id))
    with connection.cursor() as cursor:
        for column, values in by_column.items():
            # The column comes from _KEPT, never from input.
            cursor.executemany(f"UPDATE incidents_importrow SET {column} = %s WHERE id = %s", values)
