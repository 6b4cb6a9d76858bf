"""Caller lookup: exact searches that use indexes only, and a fuzzy surname search.

Searches: the reference code alone; the phone alone (what a phone system's
screen-pop knows); or a last name with a date of birth, ZIP code or phone. A
phone finds the recipient by their own number or by the parent's or next of
kin's number the import kept (a parent calls about a child).
Every search is bounded to one incident and returns at most `LIMIT` rows.
Dates of birth and phone numbers are sealed: an exact match on them compares
their lookup keys, whose indexes lead with the incident (portal.lib.sealed_fields).
People are found by their own surname or by their letter recipient's (a
parent calling about a child gives their own name). The fuzzy search runs
only when the exact one finds nobody, and is always narrowed by a second
attribute (date of birth, ZIP code or phone).

PostgreSQL finds near-miss surnames with pg_trgm's similarity(), on both
surnames of the recipients the second detail's index finds; other databases
take the portable fallback: the same candidates, their surnames ranked by edit
distance in Python. `_fuzzy` is the one place that chooses.

The searches a call runs are written as SQL: the ORM's composition of them
cost more than the database spent answering them.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction

from incidents.models import Incident
from incidents.readers import Relationship
from people.models import Individual, Recipient
from portal.lib.sealed_fields import LookupKeyField, SealedField, lookup_of

LIMIT = 20
# pg_trgm's default threshold (0.3) misses transposed letters in short names ("Nugyen").
_TRIGRAM_THRESHOLD = 0.2
# The portable fallback reads at most this many candidates sharing the second attribute.
_FALLBACK_CANDIDATES = 5000


@dataclass(frozen=True)
class Criteria:
    """What the agent typed, normalised by the lookup form."""

    reference_code: str = ""
    last_name_key: str = ""
    first_name_key: str = ""
    date_of_birth: date | None = None
    postal_code: str = ""
    phone: str = ""

    @property
    def kind(self) -> str:
        if self.reference_code:
            return "reference_code"
        if not self.last_name_key:
            return "phone"
        seconds = [name for name in ("date_of_birth", "postal_code", "phone") if getattr(self, name)]
        return "last_name+" + "+".join(seconds)


@dataclass(frozen=True)
class Match:
    """A search result as shown before the caller is verified: nothing more than this."""

    recipient_id: int
    name: str
    relationship: str
    city: str
    birth_year: int | None

    @property
    def letter_to_someone_else(self) -> bool:
        return self.relationship != Relationship.SELF

    @property
    def relationship_label(self) -> str:
        return str(Relationship(self.relationship).label)


@dataclass(frozen=True)
class Found:
    matches: list[Match]
    fuzzy: bool
    more: bool  # more than LIMIT matched: ask for another detail


# What a match shows, read with the search itself: only the date of birth among them is sealed.
_PERSON_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "date_of_birth")


def _match(row: tuple[Any, ...]) -> Match:
    pk, relationship, city, *person = row
    individual = Individual(**dict(zip(_PERSON_FIELDS, person, strict=True)))
    born = individual.date_of_birth
    return Match(
        recipient_id=pk,
        name=individual.full_name,
        relationship=relationship,
        city=city,
        birth_year=born.year if born else None,
    )


def _merged_matches(matches: list[Match]) -> list[Match]:
    found: dict[int, Match] = {}
    for match in matches:
        found.setdefault(match.recipient_id, match)
    return list(found.values())


# The exact searches, written out: they run on every lookup, and composing them with the ORM cost more than the
# database spends answering them. Each names the incident its indexes lead with; sealed details are compared
# through their lookup keys, as the ORM's lookup on a sealed field does (portal.lib.sealed_fields).
_RECIPIENT, _INDIVIDUAL = Recipient._meta.db_table, Individual._meta.db_table
# S608: the tables' names are formatted in; every value is a parameter.
_MATCH_COLUMNS_SQL = "r.id, r.relationship, r.city, i.first_name, i.middle_name, i.last_name, i.suffix, i.date_of_birth"
_MATCH_FROM_SQL = f"{_RECIPIENT} r JOIN {_INDIVIDUAL} i ON i.id = r.individual_id"
_SELECT_MATCHES = f"SELECT {_MATCH_COLUMNS_SQL} FROM {_MATCH_FROM_SQL}"  # noqa: S608
# What a match shows, for the recipient ids a derived table `c` found (on indexes alone, where they hold it).
_JOIN_MATCHES_BY_ID = f"JOIN {_RECIPIENT} r ON r.id = c.id JOIN {_INDIVIDUAL} i ON i.id = r.individual_id"
_SEALED_DATE_OF_BIRTH = Individual._meta.get_field("date_of_birth")


def _key_of(model: type[Individual] | type[Recipient], name: str, value: object) -> tuple[str, str]:
    """The lookup key column of a sealed field, and the key of `value` in it."""
    field = model._meta.get_field(name)
    assert isinstance(field, SealedField)
    key = model._meta.get_field(field.lookup_key())
    assert isinstance(key, LookupKeyField)
    return key.column, lookup_of(value, field.kind)


def _phone_sql(name: str, phone: str, incident_id: int) -> tuple[str, list[Any]]:
    """One phone column equal to `phone`, with its partial index's condition (SQLite needs to see it)."""
    column, key = _key_of(Recipient, name, phone)
    return f"(r.incident_id = %s AND r.{column} = %s AND NOT r.{column} = '')", [incident_id, key]


def _on_recipient_sql(incident_id: int, criteria: Criteria) -> tuple[str, list[Any]]:
    """The recipient's second details: the ZIP code as a range, a phone as any of the recipient's three."""
    sql, params = "", list[Any]()
    if criteria.postal_code:
        zip5 = criteria.postal_code[:5]
        sql += " AND r.incident_id = %s AND r.postal_code >= %s AND r.postal_code <= %s"
        params += [incident_id, zip5, zip5 + "-9999"]
    if criteria.phone:
        phones = [_phone_sql(name, criteria.phone, incident_id) for name in Recipient.PHONE_FIELDS]
        sql += " AND (" + " OR ".join(part for part, _ in phones) + ")"
        params += [value for _, values in phones for value in values]
    return sql, params


Condition = tuple[str, list[Any]]


def _surnames_sql(criteria: Criteria) -> tuple[Condition, Condition]:
    """The name typed, as the person's own (alias i) and as the letter recipient's (alias r: a parent who calls
    about a child): the surname, and the first name where one was typed."""
    own, own_params = "i.last_name_key = %s", [criteria.last_name_key]
    letter, letter_params = "r.last_name_key = %s", [criteria.last_name_key]
    if criteria.first_name_key:
        own += " AND i.first_name_key = %s"
        own_params.append(criteria.first_name_key)
        letter += " AND r.name_key LIKE %s ESCAPE '\\'"
        letter_params.append(connection.ops.prep_for_like_query(criteria.first_name_key + " ") + "%")
    return (own, own_params), (letter, letter_params)


def _own_name_sql(incident_id: int, criteria: Criteria) -> tuple[str, list[Any]]:
    """With a ZIP code alone: the people with the name typed, by their name index, as a subquery."""
    (own, own_params), _ = _surnames_sql(criteria)
    people = f"SELECT i.id FROM {_INDIVIDUAL} i WHERE i.incident_id = %s AND {own}"  # noqa: S608 (a name)
    more, more_params = _on_recipient_sql(incident_id, criteria)
    return f"{_SELECT_MATCHES} WHERE r.individual_id IN ({people}){more}", [incident_id, *own_params, *more_params]


def _letter_name_sql(incident_id: int, criteria: Criteria) -> tuple[str, list[Any]]:
    """With a ZIP code alone: the recipients with the name typed (the parent who calls about a child)."""
    _, (letter, letter_params) = _surnames_sql(criteria)
    more, more_params = _on_recipient_sql(incident_id, criteria)
    return f"{_SELECT_MATCHES} WHERE r.incident_id = %s AND {letter}{more}", [incident_id, *letter_params, *more_params]


def _first_of(*statements: tuple[str, list[Any]]) -> list[Match]:
    """The first LIMIT + 1 matches of each statement by id, in one round trip, merged in the statements' order.
    Each part keeps its own index; the limits sit in derived tables (SQLite refuses one in a part of a UNION)."""
    parts = [
        f"SELECT * FROM (SELECT {n} AS part, q.* FROM ({sql}) q ORDER BY q.id LIMIT {LIMIT + 1}) p{n}"  # noqa: S608
        for n, (sql, _) in enumerate(statements)
    ]
    return _matches_of(" UNION ALL ".join(parts), [value for _, params in statements for value in params])


def _matches_of(sql: str, params: list[Any]) -> list[Match]:
    """The matches of a statement whose rows are (part, the columns of _MATCH_COLUMNS_SQL), by part and id."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    rows.sort(key=lambda row: (row[0], row[1]))
    return _merged_matches([_match_of(row[1:]) for row in rows])


def _match_of(row: tuple[Any, ...]) -> Match:
    """A match from the columns of _MATCH_COLUMNS_SQL, its date of birth still sealed."""
    return _match((*row[:-1], _opened_date_of_birth(row[-1])))


def _opened_date_of_birth(sealed: str | None) -> date | None:
    return _SEALED_DATE_OF_BIRTH.from_db_value(sealed, None, connection)


def _exact(incident: Incident, criteria: Criteria) -> list[Match]:
    """One statement per search, reading what its matches show: no second query for them."""
    if criteria.reference_code:
        by_code = f"{_SELECT_MATCHES} WHERE r.incident_id = %s AND r.reference_code = %s"
        return _first_of((by_code, [incident.pk, criteria.reference_code]))
    if not criteria.last_name_key:  # the phone alone, as a phone system's screen-pop gives it
        # A part per phone column, each on its own index: an OR of three lets SQLite's planner scan instead.
        return _first_of(
            *(
                (f"{_SELECT_MATCHES} WHERE {sql}", params)
                for sql, params in (_phone_sql(name, criteria.phone, incident.pk) for name in Recipient.PHONE_FIELDS)
            )
        )
    if criteria.date_of_birth or criteria.phone:
        return _by_second_detail(incident.pk, criteria)
    # With a ZIP code alone, a part for each side rather than one OR across two tables, so each side uses its own
    # index: the ZIP code holds thousands.
    return _first_of(_own_name_sql(incident.pk, criteria), _letter_name_sql(incident.pk, criteria))


def _by_second_detail(incident_id: int, criteria: Criteria) -> list[Match]:
    """A last name with a date of birth or phone: the few people that detail's index finds, kept where their
    surname (and first name) or their letter recipient's is the one typed. One statement, in the two-part
    search's order (the person's own surname first), planned in a fraction of the time a union of two takes.
    The matches are chosen on ids and surnames, which PostgreSQL's indexes hold for a date of birth (people
    0003), and only they are read from the tables."""
    (own, own_params), (letter, letter_params) = _surnames_sql(criteria)
    sql, params = _sharing_second_detail(
        incident_id, criteria, f"CASE WHEN {own} THEN 0 ELSE 1 END AS part, r.id", own_params
    )
    sql += f" AND (({own}) OR ({letter})) ORDER BY part, r.id LIMIT {LIMIT + 1}"
    sql = f"SELECT c.part, {_MATCH_COLUMNS_SQL} FROM ({sql}) c {_JOIN_MATCHES_BY_ID}"  # noqa: S608 (names; values are parameters)
    return _matches_of(sql, [*params, *own_params, *letter_params])


def _sharing_second_detail(
    incident_id: int, criteria: Criteria, columns: str, params: list[Any]
) -> tuple[str, list[Any]]:
    """`columns` (with their `params`) of the recipients sharing the second detail (date of birth, ZIP code or
    phone) and their people, found by its index: the candidates of a fuzzy surname search, and of an exact one
    by a date of birth or phone."""
    sql = f"SELECT {columns} FROM {_MATCH_FROM_SQL} WHERE r.incident_id = %s"  # noqa: S608
    params = [*params, incident_id]
    if criteria.date_of_birth:
        column, key = _key_of(Individual, "date_of_birth", criteria.date_of_birth)
        sql += f" AND i.incident_id = %s AND i.{column} = %s"
        params += [incident_id, key]
    more, more_params = _on_recipient_sql(incident_id, criteria)
    return sql + more, [*params, *more_params]


def _trigram_matches(incident: Incident, criteria: Criteria) -> list[Match]:
    """Recipients sharing the second detail whose person's surname, or their own (a parent's), is close to the
    one typed, closest first, in one statement: the second detail's index finds a few thousand rows at most,
    each compared on both surnames, where a trigram bitmap over every surname of the incident costs more.

    The candidates are ranked on ids and surnames alone and only the closest are read from the tables. For a
    ZIP code, the largest set (a thousand-odd people spread over as many pages of each table), the indexes
    hold all the ranking reads (recipient_postal_name with its ids, individual_surname_by_id: people 0002)."""
    # One comparison where the two surnames are the same (most parents share their child's), two where not.
    closeness = (
        "r.id, CASE WHEN i.last_name_key = r.last_name_key THEN similarity(i.last_name_key, %s) "
        "ELSE GREATEST(similarity(i.last_name_key, %s), similarity(r.last_name_key, %s)) END AS closeness"
    )
    candidates, params = _sharing_second_detail(incident.pk, criteria, closeness, [criteria.last_name_key] * 3)
    closest = f"SELECT * FROM ({candidates}) m WHERE closeness >= %s ORDER BY closeness DESC, id LIMIT {LIMIT + 1}"  # noqa: S608
    sql = (
        f"SELECT {_MATCH_COLUMNS_SQL} FROM ({closest}) c {_JOIN_MATCHES_BY_ID} "  # noqa: S608 (names)
        "ORDER BY c.closeness DESC, r.id"
    )
    # SET LOCAL, in one statement: the caller's transaction when there is one (the lookup's), else its own.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # A parallel plan costs more than it saves on a few thousand rows, and takes a core from the web server.
        # Both statements go in one round trip; the cursor holds the last one's rows.
        no_parallel = "SELECT set_config('max_parallel_workers_per_gather', '0', true)"
        cursor.execute(f"{no_parallel}; {sql}", [*params, _TRIGRAM_THRESHOLD])
        return [_match_of(row) for row in cursor.fetchall()]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance where swapping two neighbouring letters counts as one edit."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, previous2[j - 2] + 1)
            current.append(cost)
        previous2, previous = previous, current
    return previous[-1]


def _close_enough(typed: str, stored: str) -> int | None:
    """The edit distance when `stored` may be what was meant by `typed`, else None."""
    allowed = 1 if len(typed) <= 4 else 2
    if abs(len(typed) - len(stored)) > allowed:
        return None
    distance = edit_distance(typed, stored)
    return distance if distance <= allowed else None


def _fallback_matches(incident: Incident, criteria: Criteria) -> tuple[list[Match], bool]:
    """Candidates sharing the second detail, by its index, their surnames ranked by edit distance here; and
    whether the candidates were cut short."""
    columns = f"{_MATCH_COLUMNS_SQL}, i.last_name_key, r.last_name_key"
    candidates, params = _sharing_second_detail(incident.pk, criteria, columns, [])
    with connection.cursor() as cursor:
        cursor.execute(f"{candidates} ORDER BY r.id LIMIT {_FALLBACK_CANDIDATES}", params)
        rows = cursor.fetchall()
    ranked = []
    for *match, own, theirs in rows:
        found = (_close_enough(criteria.last_name_key, own), _close_enough(criteria.last_name_key, theirs))
        distances = [d for d in found if d is not None]
        if distances:
            ranked.append((min(distances), match[0], match))
    ranked.sort(key=lambda found: found[:2])
    return [_match_of(tuple(match)) for _, _, match in ranked[: LIMIT + 1]], len(rows) == _FALLBACK_CANDIDATES


def _fuzzy(incident: Incident, criteria: Criteria) -> tuple[list[Match], bool]:
    """Close surnames, narrowed by the second detail, at most LIMIT + 1; and whether candidates were cut short."""
    if connection.vendor == "postgresql":
        return _trigram_matches(incident, criteria), False
    return _fallback_matches(incident, criteria)


def find(incident: Incident, criteria: Criteria) -> Found:
    matches = _exact(incident, criteria)
    if matches or not criteria.last_name_key:
        return Found(matches=matches[:LIMIT], fuzzy=False, more=len(matches) > LIMIT)
    close, cut_short = _fuzzy(incident, criteria)
    return Found(matches=close[:LIMIT], fuzzy=True, more=len(close) > LIMIT or cut_short)
