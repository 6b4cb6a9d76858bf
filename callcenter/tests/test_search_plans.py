"""Every lookup is served by indexes: no query reads a whole table, or every row of an incident.

Plans come from the database the suite runs on, over a few thousand
synthetic people with fresh statistics, so the planner weighs the indexes
as it would on a large incident. PostgreSQL is also told to avoid a
sequential scan where an index can serve; a query that no index can serve
still shows a scan with no fitting index condition.
"""

import re
from datetime import date, timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from callcenter.search import Criteria, find
from incidents.readers import Relationship
from people.models import Individual, Recipient
from portal.lib import refcode
from portal.testing.callers import family

pytestmark = pytest.mark.django_db

KINDS = {
    "reference code": lambda grace: Criteria(reference_code=grace.reference_code),
    "last name and birth date": lambda _: Criteria(last_name_key="nguyen", date_of_birth=date(2012, 5, 1)),
    "last name and ZIP": lambda _: Criteria(last_name_key="nguyen", postal_code="65999"),
    "last name and phone": lambda _: Criteria(last_name_key="nguyen", phone="+15735550142"),
    "phone": lambda _: Criteria(phone="+15735550142"),
    "misspelt name and ZIP": lambda _: Criteria(last_name_key="nugyen", postal_code="65999"),
    "misspelt name and birth date": lambda _: Criteria(last_name_key="nugyen", date_of_birth=date(2012, 5, 1)),
}
# SQLite: a full scan (of the tables, or of the aliases the written-out searches give them, r and i), or an index
# used for the incident alone (every row of the incident).
_SQLITE_WHOLE = re.compile(r"\bSCAN (incidents_individual|incidents_recipient|U\d|r|i)\b|\(incident_id=\?\)")


def _postgresql_reads_whole(plan: str) -> bool:
    """A scan of people or recipients not pinned by a key, or by the incident and one more column.

    A btree condition on a column after the first makes PostgreSQL walk the whole index, and the
    incident alone means every row of the incident.
    """
    for node in re.split(r"\n\s*->", plan):
        first_line = node.split("\n")[0]
        if not re.search(r"Scan .*on incidents_(individual|recipient)", first_line) or "Bitmap Heap" in first_line:
            continue
        conditions = " ".join(re.findall(r"(?:Index|Recheck) Cond: (.*)", node))
        if re.search(r"\(id = |reference_code|individual_id =", conditions):
            continue  # a key: one row, or one person's
        # The incident, and something more than the incident (every row of the incident is too many).
        beyond_incident = re.sub(r"incident_id = \d+", "", conditions)
        if "incident_id =" not in conditions or not re.search(r"[=<>%]", beyond_incident):
            return True
    return False


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("EXPLAIN " + sql)
                return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def _crowd(incident, size: int = 3000) -> None:
    """Other people in the incident: 40 surnames, 100 ZIP codes, a birth date spread over 20 years."""
    surnames = [f"surname{n}" for n in range(40)]
    people = Individual.objects.bulk_create(
        Individual(
            incident=incident,
            first_name="Kid",
            last_name=surnames[n % 40].title(),
            last_name_key=surnames[n % 40],
            first_name_key="kid",
            date_of_birth=date(2005, 1, 1) + timedelta(days=n * 7 % 7300),
        )
        for n in range(size)
    )
    Recipient.objects.bulk_create(
        Recipient(
            incident=incident,
            individual=person,
            relationship=Relationship.SELF,
            name=f"Kid {person.last_name}",
            name_key=f"kid {person.last_name_key}",
            last_name_key=person.last_name_key,
            postal_code=f"{64000 + n % 100}",
            phone=f"+1573555{n:04d}",
            reference_code=refcode.generate(),
        )
        for n, person in enumerate(people)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_lookup_uses_indexes(incident, kind):
    _crowd(incident)
    grace = family(incident)
    with CaptureQueriesContext(connection) as captured:
        find(incident, KINDS[kind](grace))
    # The captured SQL has its parameters inlined; it is explained as it stands, without parameters.
    # A query may carry a setting ahead of the search, in the same round trip ("SELECT set_config(...); SELECT").
    sent = [part for q in captured.captured_queries for part in q["sql"].split("; ")]
    statements = [sql for sql in sent if sql.startswith("SELECT") and not sql.startswith("SELECT set_config")]
    assert statements
    with CaptureQueriesContext(connection):
        for sql in statements:
            plan = _plan(sql)
            if connection.vendor == "postgresql":
                assert not _postgresql_reads_whole(plan), f"{kind}: {sql}\n{plan}"
            else:
                assert not _SQLITE_WHOLE.search(plan), f"{kind}: {sql}\n{plan}"


def test_last_name_and_birth_date_choose_the_matches_from_indexes(incident):
    """The people born that day are checked against both surnames from the date's index and the recipients' index
    on their person; on PostgreSQL from those indexes alone (people 0003), and only the matches are read."""
    _crowd(incident)
    family(incident)
    with CaptureQueriesContext(connection) as captured:
        find(incident, KINDS["last name and birth date"](None))
    (sql,) = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    plan = _plan(sql)
    if connection.vendor == "postgresql":
        scans = [
            r"Index Only Scan using individual_dob on incidents_individual",
            r"Index Only Scan using incidents_recipient_individual_id_\w+ on incidents_recipient",
        ]
    else:
        scans = [
            r"SEARCH i USING INDEX individual_dob \(",
            r"SEARCH r USING INDEX incidents_recipient_individual_id_\w+ \(",
        ]
    for scan in scans:
        assert re.search(scan, plan), plan
