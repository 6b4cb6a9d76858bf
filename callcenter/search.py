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

PostgreSQL finds near-miss surnames with pg_trgm: a GIN index on people's
surnames (migration callcenter 0002), similarity() among the recipients the
second detail finds; other databases take the portable fallback:
the second attribute's index gives the candidates and Python ranks their
surnames by edit distance. `_fuzzy_ids` is the one place that chooses.
"""

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from incidents.models import Incident
from incidents.readers import Relationship
from people.models import Individual, Recipient

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


def _phone_is(name: str, phone: str) -> Q:
    """The phone column equal to `phone`, with its partial index's own condition (NOT key = ''), which SQLite
    needs to see before it uses that index."""
    return Q(**{name: phone}) & ~Q(**{f"{name}_key": ""})


def _on_recipient(rows: QuerySet[Recipient], incident: Incident, criteria: Criteria) -> QuerySet[Recipient]:
    """The details held on the recipient: ZIP code and phone, each with the incident its index leads with."""
    if criteria.postal_code:
        # A range rather than a prefix match, which a PostgreSQL btree in a non-C collation cannot serve:
        # holds "65801" and "65801-1234".
        zip5 = criteria.postal_code[:5]
        rows = rows.filter(incident=incident, postal_code__gte=zip5, postal_code__lte=zip5 + "-9999")
    if criteria.phone:
        # The recipient's own phone, or the parent's or next of kin's on file. Each branch names the incident
        # its index leads with, so that SQLite too answers the OR from the three indexes.
        any_phone = Q()
        for name in Recipient.PHONE_FIELDS:
            any_phone |= _phone_is(name, criteria.phone) & Q(incident=incident)
        rows = rows.filter(any_phone)
    return rows


def _people(incident: Incident, criteria: Criteria, surname: Q) -> QuerySet[Individual]:
    people = Individual.objects.filter(surname, incident=incident)
    if criteria.date_of_birth:
        people = people.filter(date_of_birth=criteria.date_of_birth)
    return people


def _by_own_name(incident: Incident, criteria: Criteria, surname: Q) -> QuerySet[Recipient]:
    """Recipients of people whose own surname matches: the person's indexes lead, by incident."""
    people = _people(incident, criteria, surname)
    if criteria.first_name_key:
        people = people.filter(first_name_key=criteria.first_name_key)
    return _on_recipient(Recipient.objects.filter(individual__in=people.values("pk")), incident, criteria)


def _by_letter_name(incident: Incident, criteria: Criteria, surname: Q) -> QuerySet[Recipient]:
    """Recipients whose own surname matches (the parent who calls about a child)."""
    rows = Recipient.objects.filter(surname, incident=incident)
    if criteria.first_name_key:
        rows = rows.filter(name_key__startswith=criteria.first_name_key + " ")
    if criteria.date_of_birth:
        rows = rows.filter(individual__incident=incident, individual__date_of_birth=criteria.date_of_birth)
    return _on_recipient(rows, incident, criteria)


def _merged(*id_lists: list[int]) -> list[int]:
    found: list[int] = []
    for ids in id_lists:
        found += [pk for pk in ids if pk not in found]
    return found


# What a match shows, read with the search itself: only the date of birth among them is sealed.
_PERSON_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "date_of_birth")
_MATCH_COLUMNS = ("pk", "relationship", "city", *(f"individual__{name}" for name in _PERSON_FIELDS))


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


def _first(rows: QuerySet[Recipient]) -> list[Match]:
    return [_match(row) for row in rows.order_by("pk").values_list(*_MATCH_COLUMNS)[: LIMIT + 1]]


def _merged_matches(*lists: list[Match]) -> list[Match]:
    found: dict[int, Match] = {}
    for matches in lists:
        for match in matches:
            found.setdefault(match.recipient_id, match)
    return list(found.values())


def _exact(incident: Incident, criteria: Criteria) -> list[Match]:
    """Each statement reads what its matches show: no second query for them."""
    if criteria.reference_code:
        return _first(Recipient.objects.filter(incident=incident, reference_code=criteria.reference_code))
    if not criteria.last_name_key:  # the phone alone, as a phone system's screen-pop gives it
        # One query per phone column, each on its own index: an OR of three lets SQLite's planner scan instead.
        by_phone = Recipient.objects.filter(incident=incident)
        return _merged_matches(
            *(_first(by_phone.filter(_phone_is(name, criteria.phone))) for name in Recipient.PHONE_FIELDS)
        )
    # Two queries rather than one OR across two tables, so each side uses its own index.
    own = _first(_by_own_name(incident, criteria, Q(last_name_key=criteria.last_name_key)))
    theirs = _first(_by_letter_name(incident, criteria, Q(last_name_key=criteria.last_name_key)))
    return _merged_matches(own, theirs)


def _trigram_ids(incident: Incident, criteria: Criteria) -> tuple[list[int], bool]:
    key = criteria.last_name_key
    similar = Q(last_name_key__trigram_similar=key)
    own = (
        _by_own_name(incident, replace(criteria, first_name_key=""), similar)
        .annotate(similarity=TrigramSimilarity("individual__last_name_key", key))
        .values_list("similarity", "pk")
    )
    # Letter names are compared row by row among those sharing the second detail: its btree finds a few
    # thousand at most, where a trigram bitmap over every recipient's surname costs more.
    theirs = (
        _by_letter_name(incident, replace(criteria, first_name_key=""), Q())
        .annotate(similarity=TrigramSimilarity("last_name_key", key))
        .filter(similarity__gte=_TRIGRAM_THRESHOLD)
        .values_list("similarity", "pk")
    )
    # SET LOCAL, in one statement: the caller's transaction when there is one (the lookup's), else its own.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        # A parallel plan costs more than it saves on a few thousand rows, and takes a core from the web server.
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, true),"
            " set_config('max_parallel_workers_per_gather', '0', true)",
            [str(_TRIGRAM_THRESHOLD)],
        )
        ranked = sorted(
            [*own.order_by("-similarity", "pk")[: LIMIT + 1], *theirs.order_by("-similarity", "pk")[: LIMIT + 1]],
            key=lambda row: (-row[0], row[1]),
        )
    return _merged([pk for _, pk in ranked]), False


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


def _fallback_ids(incident: Incident, criteria: Criteria) -> tuple[list[int], bool]:
    """Candidates sharing the second detail, by its index; their surnames ranked by edit distance here."""
    rows = Recipient.objects.all()
    if criteria.date_of_birth:  # as a subquery, so the people's date index leads
        rows = rows.filter(individual__in=_people(incident, criteria, Q()).values("pk"))
    candidates = list(
        _on_recipient(rows, incident, criteria)
        .annotate(own=F("individual__last_name_key"))
        .order_by("pk")
        .values_list("pk", "own", "last_name_key")[:_FALLBACK_CANDIDATES]
    )
    ranked = []
    for pk, own, theirs in candidates:
        found = (_close_enough(criteria.last_name_key, own), _close_enough(criteria.last_name_key, theirs))
        distances = [d for d in found if d is not None]
        if distances:
            ranked.append((min(distances), pk))
    return [pk for _, pk in sorted(ranked)], len(candidates) == _FALLBACK_CANDIDATES


def _fuzzy_ids(incident: Incident, criteria: Criteria) -> tuple[list[int], bool]:
    """Close surnames, narrowed by the second detail; and whether candidates were cut short."""
    if connection.vendor == "postgresql":
        return _trigram_ids(incident, criteria)
    return _fallback_ids(incident, criteria)


def _matches(ids: list[int]) -> list[Match]:
    by_id = {
        match.recipient_id: match
        for match in map(_match, Recipient.objects.filter(pk__in=ids).values_list(*_MATCH_COLUMNS))
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def find(incident: Incident, criteria: Criteria) -> Found:
    matches = _exact(incident, criteria)
    if matches or not criteria.last_name_key:
        return Found(matches=matches[:LIMIT], fuzzy=False, more=len(matches) > LIMIT)
    ids, cut_short = _fuzzy_ids(incident, criteria)
    return Found(matches=_matches(ids[:LIMIT]), fuzzy=True, more=len(ids) > LIMIT or cut_short)
