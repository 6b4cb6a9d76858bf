"""Full names split into their parts, by `nameparser` (a maintained parser of human names).

A full-name column holds "Abernathy, Caleb James" (last first, as PowerSchool's
LastFirst) or "Caleb James Abernathy Jr." (first last). The parser knows
particles ("de la Cruz", "van der Berg"), suffixes (Jr., III), titles and
nicknames; hyphens and apostrophes stay inside the name they join. What it
cannot split with confidence comes back with a doubt, which the import reports
with the value instead of guessing silently: one word, two people in one cell,
a last-first value without its comma, or a first-last value with more than one
middle name (which may be a second surname: "Juan Carlos Sánchez López").

The parser takes about 0.3 ms a name, which a million-row file would feel, so a
name of plain words none of which the parser treats specially ("Abernathy,
Caleb James"; "Caleb Abernathy") is split here in the parser's own way, and
everything else goes to the parser. A test holds the two to the same answers.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName
from nameparser.config import CONSTANTS

LAST_FIRST = "full_name_last_first"
FIRST_LAST = "full_name_first_last"
_TWO_PEOPLE = re.compile(r"\s(?:and|&|y|or)\s|/|\+", re.IGNORECASE)
_PLAIN_WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")  # joined by apostrophes or hyphens
_INITIAL = re.compile(r"[^\W\d_]\.?")


@dataclass(frozen=True)
class Split:
    first: str
    middle: str
    last: str
    suffix: str
    doubt: str = ""  # why the split may be wrong, in words for the report; "" when it is sure


def _special_words() -> frozenset[str]:
    words: set[str] = set()
    for group in (CONSTANTS.titles, CONSTANTS.prefixes, CONSTANTS.conjunctions, CONSTANTS.suffix_acronyms,
                  CONSTANTS.suffix_not_acronyms):  # fmt: skip
        words.update(str(word).lower() for word in group)
    return frozenset(words)


_SPECIAL = _special_words()


def _plain(words: list[str]) -> bool:
    return all(_PLAIN_WORD.fullmatch(word) and word.lower().rstrip(".") not in _SPECIAL for word in words)


def _quick(value: str, order: str) -> Split | None:
    """The split of a name of plain words, as the parser gives it; None for anything else."""
    last_part, comma, given_part = value.partition(",")
    if comma:
        last, given = last_part.split(), given_part.split()
        if len(last) != 1 or not given or "," in given_part or not _plain(last + given):
            return None
        return Split(given[0], " ".join(given[1:]), last[0], "")
    words = value.split()
    if order != FIRST_LAST or len(words) not in (2, 3) or not _plain(words):
        return None
    return Split(words[0], " ".join(words[1:-1]), words[-1], "")


def _parsed(value: str) -> Split:
    name = HumanName(value)
    return Split(name.first, name.middle, name.last, name.suffix)


def _doubt(value: str, order: str, split: Split) -> str:
    if _TWO_PEOPLE.search(value):
        return "looks like more than one person's name"
    if not split.last or not split.first:
        return "holds one name only"
    if order == LAST_FIRST and "," not in value:
        return "has no comma between the last and the first name"
    middles = split.middle.split()
    if order == FIRST_LAST and "," not in value and len(middles) > 1 and not all(map(_INITIAL.fullmatch, middles)):
        return "has more than one middle name, which may be a second last name"
    return ""


@lru_cache(maxsize=65_536)
def split(value: str, order: str) -> Split:
    """The parts of a full name written in `order` (LAST_FIRST or FIRST_LAST), with any doubt about them."""
    found = _quick(value, order)
    if found is not None:
        return found
    if order == LAST_FIRST and "," not in value:
        words = value.split()
        found = Split(" ".join(words[1:2]), " ".join(words[2:]), words[0] if words else "", "")
        if len(words) > 1:  # "Abernathy Caleb": the parser would read it first last; the column says otherwise
            return Split(found.first, found.middle, found.last, "", _doubt(value, order, found))
    found = _parsed(value)
    if not found.last and found.first:  # one word: a surname is what a letter cannot go without
        found = Split("", found.middle, found.first, found.suffix)
    return Split(found.first, found.middle, found.last, found.suffix, _doubt(value, order, found))
