"""The jurisdictions table, read aloud: every jurisdiction with its laws, their citations, the notices each
owes (to whom, from how many people, by when, in words) and the day its file was last checked. The
`jurisdictions` command and the Jurisdictions page print the same words from here.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from regulators import jurisdictions
from regulators.jurisdictions import Jurisdiction, Law, Notice

OWED_TO_WORDS = {
    "residents": "the jurisdiction's residents",
    "individuals": "each person affected",
    "parents": "parents",
    "regulator": "a regulator",
    "education_department": "the state education department",
    "consumer_reporting_agencies": "the consumer reporting agencies",
    "media": "the media",
    "record": "a record kept",
}
PART_WORDS = {
    "what_happened": "what happened (the nature of the breach)",
    "number_affected": "the number of people affected",
}
_FROM = {"discovery": "discovery", "determination": "determining that the breach occurred"}


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count:,} people"


def threshold(notice: Notice, jurisdiction: Jurisdiction) -> str:
    """From how many people on the notice is owed, in words."""
    whose = {
        "residents": f"{jurisdiction.name} residents" if jurisdiction.code != "US" else "people",
        "all": "people in the incident",
        "each_state": "residents of a state (a notice for each state)",
    }[notice.counted]
    if notice.max_affected is not None:
        low = "" if notice.min_affected <= 1 else f"from {notice.min_affected:,} "
        return f"{low.capitalize() or 'Up to '}{'up to ' if low else ''}{notice.max_affected:,} {whose}"
    if notice.min_affected <= 1:
        return f"Any number of {whose}"
    return f"From {notice.min_affected:,} {whose}"


def timing(notice: Notice) -> str:
    """The statute's day count, when it gives one, then its own words."""
    if notice.days is None:
        return notice.due_rule
    days = f"{notice.days} {'business ' if notice.business_days else ''}day{'s' if notice.days != 1 else ''}"
    if notice.counted_from == "year_end":
        counted = f"{days} after the end of the calendar year of discovery"
    elif notice.counted_from == "residents_notice":
        counted = f"{days} after the notice to residents"
    else:
        counted = f"{days} from {_FROM[notice.counted_from]}"
    return f"{counted}: {notice.due_rule}"


@dataclass(frozen=True)
class Row:
    """One jurisdiction as the page and the command show it."""

    jurisdiction: Jurisdiction | None  # None: a place the incident's people live that the table lacks
    code: str
    name: str
    involved: int  # the incident's recipients who live there (0 outside an incident)

    @property
    def laws(self) -> tuple[Law, ...]:
        return self.jurisdiction.laws if self.jurisdiction else ()


def rows(involved: dict[str, int] | None = None, query: str = "", names: dict[str, str] | None = None) -> list[Row]:
    """Every jurisdiction of the table, those in `involved` (code -> people) first, each group by code;
    a code in `involved` the table lacks is listed with the name in `names`. `query` keeps those whose
    code is it, or whose name contains it (any case)."""
    table = jurisdictions.table()
    involved = involved or {}
    found = [Row(j, code, j.name, involved.get(code, 0)) for code, j in table.items()]
    found += [Row(None, code, (names or {}).get(code, code), n) for code, n in involved.items() if code not in table]
    wanted = " ".join(query.split()).lower()
    if wanted:
        found = [r for r in found if r.code.lower() == wanted or wanted in r.name.lower()]
    return sorted(found, key=lambda r: (not r.involved, r.code != "US", r.code))


def lines(found: Iterable[Row]) -> list[str]:
    """The rows as plain text, for the command."""
    out: list[str] = []
    for row in found:
        j = row.jurisdiction
        if j is None:
            out += [f"{row.code}  {row.name}: not in the table: check with counsel", ""]
            continue
        out.append(f"{row.code}  {j.name} ({j.kind}), checked {j.checked_on.isoformat()}")
        if not j.laws:
            out.append("    No law in the table: check with counsel.")
        for law in j.laws:
            out.append(f"    {law.title} ({law.kind}): {law.citation}")
            for notice in law.notices:
                out.append(f"      - {notice.party}: {notice.notice} ({notice.citation})")
                out.append(f"        {threshold(notice, j)}; {timing(notice)}")
            if law.letter is not None:
                kept = " and ".join(PART_WORDS[p] for p in law.letter.omit)
                block = "a block for residents" if law.letter.inserts else ""
                said = "; ".join(x for x in (block, f"leaves out {kept}" if kept else "") if x)
                out.append(f"      Letter ({law.letter.citation}): {said or 'what it must contain'}")
        out.append("")
    return out


def shown_laws(row: Row, labels: dict[str, str]) -> list[dict[str, object]]:
    """The row's laws as the page shows them: the data types in the catalog's words (`labels`, key ->
    label), each notice's threshold and timing in words, and what the letter to residents carries."""
    j = row.jurisdiction
    if j is None:
        return []
    shown = []
    for law in j.laws:
        letter = law.letter
        shown.append(
            {
                "law": law,
                "organisations": ", ".join(o.replace("_", " ") for o in law.organisations),
                "triggers": ", ".join(labels.get(key, key.replace("_", " ")) for key in law.triggers),
                "notices": [(n, threshold(n, j), timing(n)) for n in law.notices],
                "insert": letter.inserts.get("en") if letter else None,
                "spanish": bool(letter and "es" in letter.inserts),
                "omit": [PART_WORDS[p] for p in letter.omit] if letter else [],
            }
        )
    return shown
