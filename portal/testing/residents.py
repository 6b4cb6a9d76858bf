"""The recipient matrix's checks of what the jurisdictions table asks of a letter to a state's residents:
its block, printed whole and once, no other state's block, and nothing of the parts its law keeps out.

They read the table itself (regulators/jurisdictions/data), so a block added to or changed in a data file
is checked in the next run without a change here. Which agency each block names, and its telephone
number, is written out in the test (notifications/tests/test_letter_matrix.py), so a block that lost its
agency or its number fails even when the table says so.
"""

from notifications.letters import states
from regulators.jurisdictions.table import CATALOG

ORGANISATION = "school_district"  # the matrix's incident is a school district's
EXPOSED = frozenset(CATALOG)  # its incident exposes every type of the catalog, as its people do among them
HEADINGS = {"en": "What happened", "es": "Qué sucedió"}


def rules(state: str, language: str) -> states.LetterRules:
    return states.letter_rules(state, language, ORGANISATION, exposed=EXPOSED)


def block_lines(state: str, language: str) -> list[str]:
    """The title and lines of the block a resident of `state` gets, as printed."""
    insert = rules(state, language).insert
    if insert is None:
        return []
    return [str(insert["title"]), *(str(line) for line in insert["lines"])]  # type: ignore[attr-defined]


def without_blocks(text: str, state: str, language: str) -> str:
    """The text without the state's block: agencies keep their official (English) names, and a law with no
    Spanish block has its English one printed in a Spanish letter."""
    for line in block_lines(state, language):
        text = text.replace(line, "")
    return text


def _titles(language: str) -> dict[str, str]:
    return {code: str(r.insert["title"]) for code in states.shaping_jurisdictions()
            if (r := rules(code, language)).insert is not None}  # fmt: skip


def problems(text: str, state: str, language: str, what_happened: str) -> list[str]:
    """What is wrong with the state parts of a letter to a resident of `state`; `what_happened` is the
    incident's text of that name in the letter's language."""
    found = []
    wanted = block_lines(state, language)
    for line in wanted:
        times = text.count(line)
        if times != 1:
            found.append(f"the block's “{line}” is printed {times} times")
    own = wanted[0] if wanted else ""
    found += [
        f"another state's block: {title} ({code})"
        for code, title in _titles(language).items()
        if code != state and title in text and title not in own
    ]
    omit = rules(state, language).omit
    if "what_happened" in omit:
        if what_happened in text:
            found.append("what happened is told, which the state's law keeps out")
        if HEADINGS[language] in text:
            found.append(f"the heading “{HEADINGS[language]}” is printed, which the state's law keeps out")
    return found
