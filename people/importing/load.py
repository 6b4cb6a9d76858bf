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
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from people.importing.rows import STAGED_COLUMNS, CheckedRow, copy_text
from people.models import ImportRow, Individual, Recipient
from portal.lib import refcode
from portal.lib.sealed_fields import sealed_columns

_DIALECTS = {
    "postgresql": {
        "distinct": "IS DISTINCT FROM",
        "type_ids": "CROSS JOIN LATERAL jsonb_array_elements_text(s.data_type_ids::jsonb) AS t(value)",
        "bigint": "bigint",
        "new_id": "nextval('{sequence}'::regclass)",
        "analyze_people": "ANALYZE import_people (match_key, existing_id, person_id, relationship)",
    },
    "sqlite": {
        "distinct": "IS NOT",
        "type_ids": "CROSS JOIN json_each(s.data_type_ids) AS t",
        "bigint": "integer",
        # Inside the transaction's write lock no one else can take these ids.
        "new_id": "(SELECT COALESCE(MAX(id), 0) FROM incidents_individual) "
        "+ ROW_NUMBER() OVER (PARTITION BY existing_id IS NULL ORDER BY row_number)",
        "analyze_people": "ANALYZE import_people",
    },
}


def _dialect() -> dict[str, str]:
    return _DIALECTS["postgresql" if connection.vendor == "postgresql" else "sqlite"]


# Staging -----------------------------------------------------------------


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


_STAGED = ", ".join(("job_id", *STAGED_COLUMNS))


def stage_copy_text(texts: Sequence[str]) -> None:
    """Append rows given as COPY text (copy_text) to the staging rows (PostgreSQL)."""
    if any(texts):
        with connection.cursor() as cursor:
            sql = f"COPY incidents_importrow ({_STAGED}) FROM STDIN"
            cursor.cursor.copy_expert(sql, _Lines(texts), size=256 * 1024)


def stage_rows(job_id: int, rows: Sequence[CheckedRow]) -> None:
    """Append checked rows to the job's staging rows (committed at once, outside any transaction)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        stage_copy_text([copy_text(job_id, rows)])
        return
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * (len(STAGED_COLUMNS) + 1))
        sql = f"INSERT INTO incidents_importrow ({_STAGED}) VALUES ({marks})"
        cursor.executemany(sql, [(job_id, *row) for row in rows])


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


def without_address(job_id: int) -> int:
    """How many of the job's people (duplicates merged) have no mailing address."""
    first_rows = (
        ImportRow.objects.filter(job_id=job_id)
        .alias(rank=Window(RowNumber(), partition_by=F("match_key"), order_by=F("row_number").asc()))
        .filter(rank=1)
    )
    # The count's filter applies after the ranking, to each person's first row only.
    counted = first_rows.aggregate(n=Count("id", filter=Recipient.without_mailing_address()))
    return int(counted["n"])


# The import --------------------------------------------------------------

# Each person of the file (their first row) with the stored person they are, if any: by external ID, else by
# name and date of birth among the people without one. The preview of a re-import's changes matches through
# this same statement (changes.py), so it shows what the import will do.
LEADERS = """
    SELECT * FROM (
        SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.match_key ORDER BY s.row_number) AS rank_in_key
        FROM incidents_importrow s WHERE s.job_id = %(job)s
    ) ranked WHERE rank_in_key = 1
"""
MATCHED = """
    SELECT leader.*, CASE WHEN leader.external_id_key <> '' THEN by_id.id ELSE (
        SELECT MIN(i.id) FROM incidents_individual i
        WHERE i.incident_id = %(incident)s AND i.last_name_key = leader.last_name_key
          AND i.first_name_key = leader.first_name_key AND i.external_id_key = ''
          AND i.date_of_birth_key = leader.date_of_birth_key
    ) END AS existing_id
    FROM ({leaders}) leader
    -- NOT (... = '') is the unique index's own condition, which lets SQLite use it.
    LEFT JOIN incidents_individual by_id
      ON by_id.incident_id = %(incident)s AND NOT (by_id.external_id_key = '')
         AND by_id.external_id_key = leader.external_id_key
"""
_PEOPLE = (
    "CREATE TEMPORARY TABLE import_people AS "
    "SELECT matched.*, CASE WHEN existing_id IS NULL THEN {new_id} ELSE existing_id END AS person_id "
    f"FROM ({MATCHED.format(leaders=LEADERS)}) matched"
)
# The incident's first people: none to match, so every person is new.
_FIRST_PEOPLE = (
    "CREATE TEMPORARY TABLE import_people AS "
    "SELECT unmatched.*, {new_id} AS person_id "
    f"FROM (SELECT leader.*, CAST(NULL AS {{bigint}}) AS existing_id FROM ({LEADERS}) leader) unmatched"
)
_PERSON = (
    "first_name, middle_name, last_name, suffix, date_of_birth, date_of_birth_key, is_deceased, language, "
    "last_name_key, first_name_key"
)
_CONTACTS = ("phone", "email", "guardian_phone", "guardian_email", "next_of_kin_phone", "next_of_kin_email")
_ADDRESS = ", ".join((*Recipient.ADDRESS_FIELDS, *(c for contact in _CONTACTS for c in (contact, f"{contact}_key"))))
# Sealed columns differ at every sealing: whether they changed is told by their lookup keys.
_SEALED = frozenset(column for found in sealed_columns([Individual, Recipient]).values() for column, _, _ in found)

# The statements are assembled from the constant column lists above, never from input.
_INSERT_PEOPLE = f"""
    INSERT INTO incidents_individual (id, incident_id, external_id, external_id_key, {_PERSON}, created_at, updated_at)
    SELECT person_id, %(incident)s, external_id, external_id_key, {_PERSON}, %(now)s, %(now)s
    FROM import_people WHERE existing_id IS NULL
"""


def _differ(table: str, columns: Sequence[tuple[str, str]]) -> str:
    """Whether any of the (column, staged column) pairs differ: sealed columns by their lookup keys."""
    compared = [(mine, theirs) for mine, theirs in columns if mine not in _SEALED]
    mine = ", ".join(f"{table}.{column}" for column, _ in compared)
    theirs = ", ".join(f"p.{column}" for _, column in compared)
    return f"({mine}) {{distinct}} ({theirs})"


def _update_changed(table: str, columns: Sequence[tuple[str, str]], match: str, also: str = "") -> str:
    """UPDATE of `table` from import_people, touching only rows whose (column, staged column) pairs differ."""
    assign = ", ".join(f"{mine} = p.{theirs}" for mine, theirs in columns)
    return (
        f"UPDATE {table} SET {assign}, {also}updated_at = %(now)s FROM import_people p "
        f"WHERE {match} AND {_differ(table, columns)}"
    )


_UPDATE_PEOPLE = _update_changed(
    "incidents_individual", [(c, c) for c in _PERSON.split(", ")], "incidents_individual.id = p.existing_id"
)
_INSERT_RECIPIENTS = f"""
    INSERT INTO incidents_recipient (incident_id, individual_id, relationship, name, name_key, last_name_key,
                                     {_ADDRESS}, reference_code, created_at, updated_at)
    SELECT %(incident)s, person_id, relationship, recipient_name, recipient_name_key, recipient_last_name_key,
           {_ADDRESS},
           reference_code, %(now)s, %(now)s
    FROM import_people p
    WHERE existing_id IS NULL OR NOT EXISTS (
        SELECT 1 FROM incidents_recipient r WHERE r.individual_id = p.existing_id AND r.relationship = p.relationship)
"""
_MAILING = [(c, c) for c in Recipient.ADDRESS_FIELDS]
# A corrected address is worth mailing again, even if a letter came back from the old one (as when the call
# center's address change is approved). SET expressions read the row as it was before the update.
_RETURNED_MAIL = (
    f"address_returned_on = CASE WHEN {_differ('incidents_recipient', _MAILING)} THEN NULL "
    "ELSE incidents_recipient.address_returned_on END, "
)
_UPDATE_RECIPIENTS = _update_changed(
    "incidents_recipient",
    [
        ("name", "recipient_name"),
        ("name_key", "recipient_name_key"),
        ("last_name_key", "recipient_last_name_key"),
        *((c, c) for c in _ADDRESS.split(", ")),
    ],
    # The incident too, so that PostgreSQL reads this incident's recipients rather than every incident's.
    "incidents_recipient.incident_id = %(incident)s AND incidents_recipient.individual_id = p.existing_id "
    "AND incidents_recipient.relationship = p.relationship",
    also=_RETURNED_MAIL,
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
    # Statistics of the columns the statements join, group and filter on, not of every sealed value.
    cursor.execute("ANALYZE incidents_importrow (job_id, match_key, row_number)")
    cursor.execute("SELECT pg_get_serial_sequence('incidents_individual', 'id')")
    (sequence,) = cursor.fetchone()
    return {**words, "new_id": words["new_id"].format(sequence=sequence)}


def _statements(words: dict[str, str], merged: bool, first: bool = False) -> list[tuple[str, str]]:
    """(what the statement's row count is, if it counts; statement), in order. For the incident's `first`
    people, none is matched or updated."""
    source = (_EXPOSURES_SOURCE_MERGED if merged else _EXPOSURES_SOURCE).format(**words)
    known = [
        ("individuals_updated", _UPDATE_PEOPLE.format(**words)),
        ("recipients_updated", _UPDATE_RECIPIENTS.format(**words)),
        (
            "exposures_added",
            _INSERT_EXPOSURES.format(source=source, new="NOT is_new", conflict="ON CONFLICT DO NOTHING"),
        ),
    ]
    return [
        ("", (_FIRST_PEOPLE if first else _PEOPLE).format(**words)),
        ("", words["analyze_people"]),
        ("individuals_added", _INSERT_PEOPLE),
        *([] if first else known[:1]),
        ("recipients_added", _INSERT_RECIPIENTS),
        *([] if first else known[1:2]),
        ("exposures_added", _INSERT_EXPOSURES.format(source=source, new="is_new", conflict="")),
        *([] if first else known[2:]),
        ("", "DELETE FROM incidents_importrow WHERE job_id = %(job)s"),
    ]


def write_people(
    job_id: int, incident_id: int, now: datetime, merged: bool, progress: Callable[[int, int], None] | None = None
) -> Outcome:
    """Write a job's staged rows into the incident. Call inside a transaction: all or nothing (the caller holds
    the incident's row, so no other import adds people meanwhile)."""
    params: dict[str, Any] = {"job": job_id, "incident": incident_id, "now": now}
    counts = dict.fromkeys(Outcome.__dataclass_fields__, 0)
    first = not Individual.objects.filter(incident_id=incident_id).exists()
    with connection.cursor() as cursor:
        statements = _statements(_prepare(cursor, _dialect()), merged, first)
        cursor.execute("DROP TABLE IF EXISTS import_people")
        for step, (counted, sql) in enumerate(statements):
            if progress is not None:
                progress(step, len(statements))
            cursor.execute(sql, params)
            if counted:
                counts[counted] += cursor.rowcount
        cursor.execute("DROP TABLE import_people")
    return Outcome(**counts)


def refresh_statistics() -> None:
    """PostgreSQL's planner statistics of the people tables, taken again once an import's rows are written.

    Autovacuum takes them a minute or more later (never, where it is turned off), and the letters and lookups
    that follow an import would be planned meanwhile on figures that know nothing of its rows: each chunk of
    letters read every exposure of the database rather than its own people's by their index. ANALYZE reads a
    sample of at most 300 x default_statistics_target rows per table, so its cost does not grow with the
    incident. Run after the import's commit: it holds no lock that an import or a search waits for."""
    if connection.vendor != "postgresql":
        return  # SQLite's ANALYZE reads every row; its planner does well enough on its own figures
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE incidents_individual, incidents_recipient, incidents_exposure")


def renew_colliding_codes(job_id: int) -> None:
    """New reference codes for staged rows whose code is taken (by a recipient, or by an earlier staged row)."""
    sql = """
        SELECT s.id FROM incidents_importrow s
        WHERE s.job_id = %s AND (
            EXISTS (SELECT 1 FROM incidents_recipient r WHERE r.reference_code = s.reference_code)
            OR EXISTS (SELECT 1 FROM incidents_importrow o
                       WHERE o.reference_code = s.reference_code AND o.job_id = s.job_id AND o.id < s.id))
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [job_id])
        for (row_id,) in cursor.fetchall():
            cursor.execute(
                "UPDATE incidents_importrow SET reference_code = %s WHERE id = %s", [refcode.generate(), row_id]
            )
