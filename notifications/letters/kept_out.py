"""What a letter prints from the incident's own texts that a reader's law keeps out.

The standard letters and the merge fields leave out the parts a law keeps out (states.py), but the
incident's notice sections are the manager's words: "What we are doing" may say "the 1,204 students
affected", which a letter to an Illinois resident would still print. The batch page names such a number
beside the states whose residents' letters carry it, for the manager to reword or to give those readers
a variant of their own.
"""

import re
from dataclasses import dataclass

from incidents.models import Incident
from notifications.letters import states
from notifications.models import LetterBatch
from regulators.obligations import catalog_keys

# A number of people: "1,204", or a number followed within two words by whom it counts.
_PEOPLE = (
    r"people|persons|individuals|students|residents|families|patients|employees|customers|members|"
    r"personas|estudiantes|residentes|familias|pacientes|empleados|clientes|miembros"
)
_COUNT = re.compile(rf"\b\d{{1,3}}(?:,\d{{3}})+\b|\b\d+(?=\s+(?:[\w'-]+\s+){{0,2}}(?:{_PEOPLE})\b)", re.IGNORECASE)


@dataclass(frozen=True)
class KeptOut:
    section: str  # the section's label, as the incident form names it
    words: str  # the number found, with a few words around it
    states: tuple[str, ...]  # the names of the states whose law keeps the number affected out


def numbers_in_sections(incident: Incident) -> list[tuple[str, str, str]]:
    """(field, label, the number with the words around it) for each notice section, in English or in
    Spanish, that gives a number of people."""
    found = []
    for language in ("en", "es"):
        for field, label in incident.NOTICE_SECTIONS:
            text = incident.text(field, language) or ""
            match = _COUNT.search(text)
            if match:
                start, end = max(0, match.start() - 30), match.end() + 30
                words = f"{'…' if start else ''}{text[start:end].strip()}{'…' if end < len(text) else ''}"
                found.append((field, label, words))
    return found


def in_batch(batch: LetterBatch) -> list[KeptOut]:
    """The numbers of people the batch's letters print from the incident's texts to readers whose law
    keeps the number affected out of their letters (a section the law keeps out whole is not printed)."""
    numbers = numbers_in_sections(batch.incident)
    if not numbers:
        return []
    shaping = states.shaping_jurisdictions()
    codes = {s.upper() for s in batch.letters.values_list("recipient__state", flat=True).distinct()}
    incident = batch.incident
    exposed = catalog_keys(incident.data_types.all())
    omits = {
        code: states.letter_rules(code, "en", incident.organisation_type, incident.organisation_state, exposed).omit
        for code in sorted(codes & set(shaping))
    }
    found = []
    for field, label, words in numbers:
        names = tuple(shaping[c].name for c, omit in omits.items() if "number_affected" in omit and field not in omit)
        if names:
            found.append(KeptOut(label, words, names))
    return found
