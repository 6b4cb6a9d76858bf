"""Every lookup is served by indexes: no query reads a whole table, or every row of an incident.

Plans come from the database the suite runs on. PostgreSQL prefers a
sequential scan on tables this small, so it is told to avoid one where an
index can serve; a query that no index can serve still shows a scan with
no index condition.
"""

import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from callcenter.search import Criteria, find
from callcenter.tests.helpers import family

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
# SQLite: a full scan, or an index used for the incident alone (every row of the incident).
_SQLITE_WHOLE = re.compile(r"\bSCAN (incidents_individual|incidents_recipient|U\d)\b|\(incident_id=\?\)")


def _postgresql_reads_whole(plan: str) -> bool:
    """A scan of people or recipients whose index condition does not pin the incident, a person or a row.

    A btree condition on a column after the first makes PostgreSQL walk the whole index, so a
    condition is enough only when it names the incident or a key.
    """
    for node in re.split(r"\n\s*->", plan):
        first_line = node.split("\n")[0]
        if not re.search(r"Scan .*on incidents_(individual|recipient)", first_line) or "Bitmap Heap" in first_line:
            continue
        conditions = " ".join(re.findall(r"(?:Index|Recheck) Cond: (.*)", node))
        if not re.search(r"incident_id =|\(id = |reference_code|individual_id =", conditions):
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


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_kind_of_lookup_uses_indexes(incident, kind):
    grace = family(incident)
    with CaptureQueriesContext(connection) as captured:
        find(incident, KINDS[kind](grace))
    # The captured SQL has its parameters inlined; it is explained as it stands, without parameters.
    statements = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]
    assert statements
    with CaptureQueriesContext(connection):
        for sql in statements:
            plan = _plan(sql)
            if connection.vendor == "postgresql":
                assert not _postgresql_reads_whole(plan), f"{kind}: {sql}\n{plan}"
            else:
                assert not _SQLITE_WHOLE.search(plan), f"{kind}: {sql}\n{plan}"
