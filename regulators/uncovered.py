"""The places of an incident's people that no law of the jurisdictions table reaches, named for counsel
rather than left out: "Guam: check with counsel".

A place is named when the table has no file for it, or a file with no laws (or the code is outside the
table), and also when its laws are about data this incident exposed but none of them reaches this
incident's organisation: none names its kind of organisation, or those that do bind only organisations
located there and this one is elsewhere. A place whose laws simply are not about the data exposed (only
e-mail addresses, say) is not named: nothing is owed there. Neither is one whose law applies but whose
notices are below their thresholds.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from regulators.jurisdictions import Jurisdiction, table
from regulators.obligations import Facts, applies, facts_of, state_name

if TYPE_CHECKING:
    from incidents.figures import PeopleFigures
    from incidents.models import Incident

CHECK_WITH_COUNSEL = "check with counsel"
NO_STATE = ""  # people whose recipient has no state on file
NOT_IN_TABLE = "the table has no law for this place"
NO_STATE_ON_FILE = "no state on file, so no state's law can be read"
NOT_THIS_ORGANISATION = "no law in the table reaches this kind of organisation"
ONLY_LOCATED_THERE = "its laws that reach this kind of organisation bind only organisations located there"


@dataclass(frozen=True)
class Uncovered:
    """People of a place no law of the table reaches here: counsel decides what they are owed."""

    code: str  # postal code as recorded; NO_STATE for people without one
    name: str
    people: int
    reason: str = NOT_IN_TABLE


def _unreached(where: Jurisdiction, facts: Facts) -> str:
    """Why none of the place's laws about the exposed data reaches this organisation ("" when one does,
    or when none is about the exposed data)."""
    about = [law for law in where.laws if not facts.data_types.isdisjoint(law.triggers)]
    if not about or any(applies(law, facts, where.code) for law in about):
        return ""
    kind = [law for law in about if not law.organisations or facts.organisation_type in law.organisations]
    return ONLY_LOCATED_THERE if kind else NOT_THIS_ORGANISATION


def uncovered(facts: Facts, jurisdictions: Mapping[str, Jurisdiction] | None = None) -> list[Uncovered]:
    """The places with residents in the incident that no law of the table reaches here, by name; people
    without a state on file last."""
    jurisdictions = table() if jurisdictions is None else jurisdictions
    found = []
    for code, count in facts.residents.items():
        if count <= 0 or not code:
            continue
        where = jurisdictions.get(code)
        reason = _unreached(where, facts) if where is not None and where.covered else NOT_IN_TABLE
        if reason:
            found.append(Uncovered(code, state_name(code, jurisdictions), count, reason))
    found.sort(key=lambda u: u.name)
    stateless = facts.people - sum(n for code, n in facts.residents.items() if code)
    if stateless > 0 and facts.total is not None:
        found.append(Uncovered(NO_STATE, "No state on file", stateless, NO_STATE_ON_FILE))
    return found


def uncovered_of(incident: "Incident", people: "PeopleFigures | None" = None) -> list[Uncovered]:
    return uncovered(facts_of(incident, people))
