"""What the law of the reader's jurisdiction asks of a letter, read from the jurisdictions table.

The table (regulators/jurisdictions/data, docs/jurisdictions.md) says for each law what its letter to
residents carries (a block in English, often in Spanish) and which parts it keeps out (`what_happened`,
`number_affected`). A letter and the obligations screen read the same files, so they cannot disagree.
Nothing here holds a rule of its own: a change to a letter's block is a change to the data file.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from notifications.letters.sandbox import frozen
from regulators import jurisdictions
from regulators.jurisdictions import Jurisdiction, Law


@dataclass(frozen=True)
class LetterRules:
    """What one jurisdiction's laws ask of the letter to one of its residents."""

    insert: MappingProxyType[str, object] | None  # .title, .lines in the letter's language; None: no block
    omit: frozenset[str]  # letter parts left out

    @property
    def shapes_letter(self) -> bool:
        return self.insert is not None or bool(self.omit)


NONE = LetterRules(None, frozenset())


def _applies(law: Law, organisation_type: str, elsewhere: bool, exposed: frozenset[str] | None) -> bool:
    if law.letter is None or (law.applies == "organisation" and elsewhere):
        return False
    if exposed is not None and exposed.isdisjoint(law.triggers):
        return False
    return not organisation_type or not law.organisations or organisation_type in law.organisations


def letter_rules(
    state: str,
    language: str = "en",
    organisation_type: str = "",
    organisation_state: str = "",
    exposed: Iterable[str] | None = None,
) -> LetterRules:
    """The block and the left-out parts for a resident of `state` (a postal code). Several laws' blocks
    are printed one after the other, each line once; a law with no block in `language` gives its English
    one. Laws limited to other kinds of organisation than `organisation_type` (when given) are passed over,
    and so are laws that bind organisations in `state` when the organisation is elsewhere
    (`organisation_state`, when given; while it is blank they count where the reader lives, as the
    obligations do). A law none of whose triggers is among `exposed` (the incident's exposed data types as
    catalog keys, regulators.obligations.catalog_keys) is passed over, as the obligations pass it over; with
    `exposed` None every law counts, whatever was exposed."""
    code = (state or "").upper()
    found: Jurisdiction | None = jurisdictions.table().get(code)
    if found is None:
        return NONE
    elsewhere = bool(organisation_state) and organisation_state.upper() != code
    keys = None if exposed is None else frozenset(exposed)
    omit: set[str] = set()
    blocks: list[tuple[str, list[str]]] = []  # (title, lines), each line printed once in the whole letter
    printed: set[str] = set()
    for law in found.laws:
        if not _applies(law, organisation_type, elsewhere, keys):
            continue
        assert law.letter is not None
        omit.update(law.letter.omit)
        block = law.letter.inserts.get(language) or law.letter.inserts.get("en")
        if block is None:
            continue
        new = [line for line in dict.fromkeys(block.lines) if line not in printed]
        printed.update(new)
        same = next((lines for title, lines in blocks if title == block.title), None)
        if same is not None:
            same += new
        elif new:
            blocks.append((block.title, new))
    insert = None
    if blocks:
        # .title and .lines: the whole as one block (a later law's heading as a line), as templates written
        # before several laws' blocks use it; .blocks: each law's block with its own heading.
        flat = [line for i, (title, lines) in enumerate(blocks) for line in ([title] if i else []) + lines]
        insert = frozen({"title": blocks[0][0], "lines": flat,
                         "blocks": [{"title": title, "lines": lines} for title, lines in blocks]})  # fmt: skip
    return LetterRules(insert, frozenset(omit))


def shaping_jurisdictions(
    organisation_type: str = "", organisation_state: str = "", exposed: Iterable[str] | None = None
) -> dict[str, Jurisdiction]:
    """The jurisdictions whose laws add a block to their residents' letters or keep a part out of them: of
    any incident, or (given its kind, state and exposed catalog keys, as letter_rules takes them) of one."""
    keys = None if exposed is None else frozenset(exposed)
    return {
        code: j
        for code, j in jurisdictions.table().items()
        if letter_rules(code, "en", organisation_type, organisation_state, keys).shapes_letter
    }
