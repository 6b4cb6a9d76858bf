"""Writing to the database: staging checked rows, then the import itself.

The one place where PostgreSQL and SQLite part ways. PostgreSQL stages with
COPY and numbers new people from the table's sequence; SQLite stages with
executemany and numbers them after the largest id, which is safe because its
write lock is held for the whole transaction. The set-based statements are
shared, with the few words that differ filled in from `_DIALECTS`.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from incidents.importing.check import STAGED_COLUMNS

_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})

_DIALECTS = {
    "postgresql": {
        "distinct": "IS DISTINCT FROM",
        "same": "IS NOT DISTINCT FROM",
        "type_ids": "CROSS JOIN LATERAL jsonb_array_elements_text(s.data_type_ids::jsonb) AS t(value)",
        "bigint": "bigint",
        "new_id": "nextval('{sequence}'::regclass)",
    },
    "sqlite": {
        "distinct": "IS NOT",
        "same": "IS",
        "type_ids": "CROSS JOIN json_each(s.data_type_ids) AS t",
        "bigint": "integer",
        # Inside the transaction's write lock no one else can take these ids.
        "new_id": "(SELECT COALESCE(MAX(id), 0) FROM incidents_individual) "
        "+ ROW_NUMBER() OVER (PARTITION BY existing_id IS NULL ORDER BY row_number)",
    },
}


def _dialect() -> dict[str, str]:
    return _DIALECTS["postgresql" if connection.vendor == "postgresql" else "sqlite"]


# Staging -----------------------------------------------------------------


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


class _Lines:
    """A file-like view of COPY text lines, which psycopg2 reads in blocks."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self._buffer = ""

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self._buffer) < size:
            line = next(self._lines, None)
            if line is None:
                break
            self._buffer += line
        if size < 0:
            out, self._buffer = self._buffer, ""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    readline = read


def stage_rows(job_id: int, rows: Sequence[tuple[object, ...]]) -> None:
    """Append checked rows to the job's staging rows (committed at once, outside any transaction)."""
    if not rows:
        return
    columns = ("job_id", *STAGED_COLUMNS)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            prefix = f"{job_id}\t"
            lines = (prefix + "\t".join(map(_copy_value, row)) + "\n" for row in rows)
            sql = f"COPY incidents_importrow ({', '.join(columns)}) FROM STDIN"
            cursor.cursor.copy_expert(sql, _Lines(lines), size=256 * 1024)
        else:
            marks = ", ".join(["%s"] * len(columns))
            sql = f"INSERT INTO incidents_importrow ({', '.join(columns)}) VALUES ({marks})"
            cursor.executemany(sql, [(job_id, *row) for row in rows])  # type: ignore[arg-type]


def clear_staged(job_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM incidents_importrow WHERE job_id = %s", [job_id])


@dataclass(frozen=True)
class Duplicate:
    row: int
    first_row: int
    by_id: bool
    names_differ: bool


def duplicates(job_id: int) -> Iterable[Duplicate]:
    """Staged rows that repeat an earlier row's person (same ID, or same name and birth date)."""
    sql = """
        SELECT row_number, first_row, match_key LIKE 'id:%%', last_name_key <> first_last_name_key
        FROM (
            SELECT row_number, match_key, last_name_key,
                   FIRST_VALUE(row_number) OVER w AS first_row,
                   FIRST_VALUE(last_name_key) OVER w AS first_last_name_key
            FROM incidents_importrow WHERE job_id = %s
            WINDOW w AS (PARTITION BY match_key ORDER BY row_number)
        ) ranked
        WHERE row_number <> first_row ORDER BY row_number
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [job_id])
        while batch := cursor.fetchmany(2000):
            for row, first_row, by_id, names_differ in batch:
                yield Duplicate(row, first_row, bool(by_id), bool(names_differ))


def staged_summary(job_id: int) -> tuple[int, int]:
    """(people after merging duplicates, of them without a mailing address)."""
    sql = """
        SELECT COUNT(*), SUM(CASE WHEN address_line1 = '' OR city = '' OR state = '' OR postal_code = ''
                                  THEN 1 ELSE 0 END)
        FROM (SELECT address_line1, city, state, postal_code,
                     ROW_NUMBER() OVER (PARTITION BY match_key ORDER BY row_number) AS rank_in_key
              FROM incidents_importrow WHERE job_id = %s) ranked
        WHERE rank_in_key = 1
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [job_id])
        people, without_address = cursor.fetchone()
    return people or 0, without_address or 0


# The import --------------------------------------------------------------

_PEOPLE = """
    CREATE TEMPORARY TABLE import_people AS
    SELECT matched.*, CASE WHEN existing_id IS NULL THEN {new_id} ELSE existing_id END AS person_id
    FROM (
        SELECT leader.*, COALESCE(by_id.id, by_name.id) AS existing_id
        FROM (
            SELECT * FROM (
                SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.match_key ORDER BY s.row_number) AS rank_in_key
                FROM incidents_importrow s WHERE s.job_id = %(job)s
            ) ranked WHERE rank_in_key = 1
        ) leader
        LEFT JOIN incidents_individual by_id
          ON by_id.incident_id = %(incident)s AND leader.external_id <> '' AND by_id.external_id = leader.external_id
        LEFT JOIN (
            SELECT MIN(id) AS id, last_name_key, first_name_key, date_of_birth FROM incidents_individual
            WHERE incident_id = %(incident)s AND external_id = ''
            GROUP BY last_name_key, first_name_key, date_of_birth
        ) by_name
          ON leader.external_id = '' AND by_name.last_name_key = leader.last_name_key
             AND by_name.first_name_key = leader.first_name_key AND by_name.date_of_birth {same} leader.date_of_birth
    ) matched
"""
_PERSON = (
    "first_name, middle_name, last_name, suffix, date_of_birth, is_deceased, language, last_name_key, first_name_key"
)
_ADDRESS = "address_line1, address_line2, city, state, postal_code, phone, email"

# The statements are assembled from the constant column lists above, never from input.
_INSERT_PEOPLE = f"""
    INSERT INTO incidents_individual (id, incident_id, external_id, {_PERSON}, created_at, updated_at)
    SELECT person_id, %(incident)s, external_id, {_PERSON}, %(now)s, %(now)s
    FROM import_people WHERE existing_id IS NULL
"""
_UPDATE_PEOPLE = """
    UPDATE incidents_individual SET {assign}, updated_at = %(now)s
    FROM import_people p
    WHERE incidents_individual.id = p.existing_id AND ({mine}) {{distinct}} ({theirs})
""".format(
    assign=", ".join(f"{c} = p.{c}" for c in _PERSON.split(", ")),
    mine=", ".join(f"incidents_individual.{c}" for c in _PERSON.split(", ")),
    theirs=", ".join(f"p.{c}" for c in _PERSON.split(", ")),
)
_INSERT_RECIPIENTS = f"""
    INSERT INTO incidents_recipient (incident_id, individual_id, relationship, name, name_key, {_ADDRESS},
                                     reference_code, created_at, updated_at)
    SELECT %(incident)s, person_id, relationship, recipient_name, recipient_name_key, {_ADDRESS},
           reference_code, %(now)s, %(now)s
    FROM import_people p
    WHERE existing_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM incidents_recipient r WHERE r.individual_id = p.existing_id AND r.relationship = p.relationship)
"""
_RECIPIENT = ("name", "name_key", *_ADDRESS.split(", "))
_STAGED_RECIPIENT = ("recipient_name", "recipient_name_key", *_ADDRESS.split(", "))
_UPDATE_RECIPIENTS = """
    UPDATE incidents_recipient SET {assign}, updated_at = %(now)s
    FROM import_people p
    WHERE incidents_recipient.individual_id = p.existing_id AND incidents_recipient.relationship = p.relationship
      AND ({mine}) {{distinct}} ({theirs})
""".format(
    assign=", ".join(f"{c} = p.{s}" for c, s in zip(_RECIPIENT, _STAGED_RECIPIENT, strict=True)),
    mine=", ".join(f"incidents_recipient.{c}" for c in _RECIPIENT),
    theirs=", ".join(f"p.{s}" for s in _STAGED_RECIPIENT),
)
# Every staged row's data types go to its person, so merged duplicates add theirs.
_EXPOSURES_SOURCE_MERGED = """
    SELECT DISTINCT p.person_id, CAST(t.value AS {bigint}) AS data_type_id, p.existing_id IS NULL AS is_new
    FROM incidents_importrow s JOIN import_people p ON p.match_key = s.match_key
    {type_ids}
    WHERE s.job_id = %(job)s
"""
_EXPOSURES_SOURCE = """
    SELECT s.person_id, CAST(t.value AS {bigint}) AS data_type_id, s.existing_id IS NULL AS is_new
    FROM import_people s {type_ids}
"""
# New people cannot have exposures yet, which spares the conflict check for them.
_INSERT_EXPOSURES = """
    INSERT INTO incidents_exposure (incident_id, individual_id, data_type_id)
    SELECT %(incident)s, person_id, data_type_id FROM ({source}) e
    WHERE {new}
    {conflict}
"""


@dataclass(frozen=True)
class Outcome:
    individuals_added: int
    individuals_updated: int
    recipients_added: int
    recipients_updated: int
    exposures_added: int


def _prepare(cursor: CursorWrapper, words: dict[str, str]) -> dict[str, str]:
    """Planner settings for one big transaction, fresh statistics, and the id sequence's name."""
    if connection.vendor != "postgresql":
        return words
    cursor.execute("SET LOCAL jit = off")  # compiling costs more than it saves on these plans
    cursor.execute("SET LOCAL work_mem = '256MB'")  # sorts and hashes of a million rows stay in memory
    cursor.execute("ANALYZE incidents_importrow")
    cursor.execute("SELECT pg_get_serial_sequence('incidents_individual', 'id')")
    (sequence,) = cursor.fetchone()
    return {**words, "new_id": words["new_id"].format(sequence=sequence)}


def _statements(words: dict[str, str], merged: bool) -> list[str]:
    source = (_EXPOSURES_SOURCE_MERGED if merged else _EXPOSURES_SOURCE).format(**words)
    return [
        _PEOPLE.format(**words),
        "ANALYZE import_people",
        _INSERT_PEOPLE,
        _UPDATE_PEOPLE.format(**words),
        _INSERT_RECIPIENTS,
        _UPDATE_RECIPIENTS.format(**words),
        _INSERT_EXPOSURES.format(source=source, new="is_new", conflict=""),
        _INSERT_EXPOSURES.format(source=source, new="NOT is_new", conflict="ON CONFLICT DO NOTHING"),
        "DELETE FROM incidents_importrow WHERE job_id = %(job)s",
    ]


def staged_count(job_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM incidents_importrow WHERE job_id = %s", [job_id])
        return int(cursor.fetchone()[0])


def write_people(
    job_id: int, incident_id: int, now: datetime, merged: bool, progress: Callable[[int, int], None] | None = None
) -> Outcome:
    """Write a job's staged rows into the incident. Call inside a transaction: all or nothing."""
    params: dict[str, Any] = {"job": job_id, "incident": incident_id, "now": now}
    counts = []
    with connection.cursor() as cursor:
        statements = _statements(_prepare(cursor, _dialect()), merged)
        cursor.execute("DROP TABLE IF EXISTS import_people")
        for step, sql in enumerate(statements):
            if progress is not None:
                progress(step, len(statements))
            cursor.execute(sql, params)
            counts.append(cursor.rowcount)
        cursor.execute("DROP TABLE import_people")
    return Outcome(counts[2], counts[3], counts[4], counts[5], counts[6] + counts[7])


def colliding_codes(job_id: int) -> list[int]:
    """Staged rows whose reference code is taken (by a recipient, or by an earlier staged row)."""
    sql = """
        SELECT s.id FROM incidents_importrow s
        WHERE s.job_id = %s AND (
            EXISTS (SELECT 1 FROM incidents_recipient r WHERE r.reference_code = s.reference_code)
            OR EXISTS (SELECT 1 FROM incidents_importrow o
                       WHERE o.reference_code = s.reference_code AND o.job_id = s.job_id AND o.id < s.id))
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [job_id])
        return [row[0] for row in cursor.fetchall()]
