"""Caller lookup: exact searches that use indexes only, and a fuzzy surname search.

Searches: the reference code alone; the phone alone (what a phone system's
screen-pop knows); or a last name with a date of birth, ZIP code or phone.
Every search is bounded to one incident and returns at most `LIMIT` rows.
People are found by their own surname or by their letter recipient's (a
parent calling about a child gives their own name). The fuzzy search runs
only when the exact one finds nobody, and is always narrowed by a second
attribute (date of birth, ZIP code or phone).

PostgreSQL finds near-miss surnames with pg_trgm and its GIN indexes
(migration callcenter 0002); other databases take the portable fallback:
the second attribute's index gives the candidates and Python ranks their
surnames by edit distance. `_fuzzy_ids` is the one place that chooses.
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Greatest

from incidents.models import Incident, Recipient, Relationship

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
    recipient_name: str
    relationship: str
    city: str
    birth_year: int | None

    @property
    def letter_to_someone_else(self) -> bool:
        return self.relationship != Relationship.SELF


@dataclass(frozen=True)
class Found:
    matches: list[Match]
    fuzzy: bool
    more: bool  # more than LIMIT matched: ask for another detail


def _narrowed(incident: Incident, criteria: Criteria) -> QuerySet[Recipient]:
    """Recipients of the incident that match every second attribute given."""
    rows = Recipient.objects.filter(incident=incident)
    if criteria.date_of_birth:
        rows = rows.filter(individual__date_of_birth=criteria.date_of_birth)
    if criteria.postal_code:
        # A range rather than a prefix match, which a PostgreSQL btree in a non-C collation cannot serve:
        # holds "65801" and "65801-1234".
        zip5 = criteria.postal_code[:5]
        rows = rows.filter(postal_code__gte=zip5, postal_code__lte=zip5 + "-9999")
    if criteria.phone:
        rows = rows.filter(phone=criteria.phone)
    return rows


def _exact_ids(incident: Incident, criteria: Criteria) -> list[int]:
    if criteria.reference_code:
        return list(
            Recipient.objects.filter(incident=incident, reference_code=criteria.reference_code).values_list(
                "pk", flat=True
            )
        )
    rows = _narrowed(incident, criteria)
    if not criteria.last_name_key:  # the phone alone, as a phone system's screen-pop gives it
        return list(rows.order_by("pk").values_list("pk", flat=True)[: LIMIT + 1])
    # Two queries rather than one OR across two tables, so each side uses its own index.
    own = Q(individual__last_name_key=criteria.last_name_key)
    theirs = Q(last_name_key=criteria.last_name_key)
    if criteria.first_name_key:
        own &= Q(individual__first_name_key=criteria.first_name_key)
        theirs &= Q(name_key__startswith=criteria.first_name_key + " ")
    found = list(rows.filter(own).order_by("pk").values_list("pk", flat=True)[: LIMIT + 1])
    for pk in rows.filter(theirs).order_by("pk").values_list("pk", flat=True)[: LIMIT + 1]:
        if pk not in found:
            found.append(pk)
    return found


def _trigram_ids(incident: Incident, criteria: Criteria) -> list[int]:
    key = criteria.last_name_key
    rows = (
        _narrowed(incident, criteria)
        .filter(Q(individual__last_name_key__trigram_similar=key) | Q(last_name_key__trigram_similar=key))
        .annotate(
            similarity=Greatest(
                TrigramSimilarity("individual__last_name_key", key), TrigramSimilarity("last_name_key", key)
            )
        )
        .order_by("-similarity", "pk")
        .values_list("pk", flat=True)
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [_TRIGRAM_THRESHOLD])
        return list(rows[: LIMIT + 1])


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


def _fallback_ids(incident: Incident, criteria: Criteria) -> list[int]:
    candidates = (
        _narrowed(incident, criteria)
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
    return [pk for _, pk in sorted(ranked)[: LIMIT + 1]]


def _fuzzy_ids(incident: Incident, criteria: Criteria) -> list[int]:
    if connection.vendor == "postgresql":
        return _trigram_ids(incident, criteria)
    return _fallback_ids(incident, criteria)


def _matches(ids: list[int]) -> list[Match]:
    rows = Recipient.objects.filter(pk__in=ids).select_related("individual")
    by_id = {r.pk: r for r in rows}
    return [
        Match(
            recipient_id=r.pk,
            name=r.individual.full_name,
            recipient_name=r.name,
            relationship=r.relationship,
            city=r.city,
            birth_year=r.individual.date_of_birth.year if r.individual.date_of_birth else None,
        )
        for r in (by_id[pk] for pk in ids if pk in by_id)
    ]


def find(incident: Incident, criteria: Criteria) -> Found:
    ids = _exact_ids(incident, criteria)
    fuzzy = False
    if not ids and criteria.last_name_key:
        ids, fuzzy = _fuzzy_ids(incident, criteria), True
    return Found(matches=_matches(ids[:LIMIT]), fuzzy=fuzzy, more=len(ids) > LIMIT)
