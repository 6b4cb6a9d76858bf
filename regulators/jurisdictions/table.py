"""The jurisdictions table: one TOML file per jurisdiction in `data/`, read and checked here.

Each file says what its laws ask of an organisation whose data about the jurisdiction's residents was
exposed: what information triggers each law, who is owed a notice, from how many people on, by when, how
the agency takes it, what the letter must or must not say, and the citation of each, with the date the
text was last checked against its source. docs/jurisdictions.md describes every field. The table is a
checklist that points at the law, not legal advice.

A file that breaks the format stops the portal at start with the file and field named: a rule that
silently fails to load would drop a notice from every incident.
"""

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

KINDS = ("state", "district", "territory", "federal")
LAW_KINDS = ("breach", "education", "health", "financial", "record")
ORGANISATIONS = ("school_district", "health_care", "government", "business", "nonprofit", "financial_institution",
                 "health_app")  # fmt: skip
# The data type catalog's keys (incidents/migrations/0002_seed_data_types.py). A type added to the catalog
# later counts as the key its flags name (see regulators.obligations).
CATALOG = ("name", "postal_address", "date_of_birth", "ssn", "state_student_id", "education_records",
           "medical_information", "health_insurance", "financial_account", "drivers_license", "username_password",
           "email_address", "phone_number", "biometric_data")  # fmt: skip
OWED_TO = ("residents", "individuals", "parents", "regulator", "education_department",
           "consumer_reporting_agencies", "media", "record")  # fmt: skip
COUNTED = ("residents", "all", "each_state")
COUNTED_FROM = ("discovery", "determination", "year_end", "residents_notice")
APPLIES = ("residents", "organisation")  # whom a law binds: organisations serving its residents, or located there
LETTER_PARTS = ("what_happened", "number_affected")  # parts of a letter a law can require left out
LANGUAGES = ("en", "es")
KEY = re.compile(r"^[a-z0-9][a-z0-9.-]{1,58}[a-z0-9]$")


class TableError(ValueError):
    """A jurisdiction file that does not follow the format; the message names the file and the field."""


@dataclass(frozen=True)
class Insert:
    title: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Letter:
    """What a law asks of the letter to its residents."""

    citation: str
    must_contain: tuple[str, ...]
    must_not_contain: tuple[str, ...]
    omit: tuple[str, ...]  # LETTER_PARTS left out of the letter
    inserts: dict[str, Insert]  # language -> the block the letter carries


@dataclass(frozen=True)
class Notice:
    key: str  # stable: a done mark is stored under it
    party: str
    owed_to: str
    notice: str
    citation: str
    min_affected: int  # owed from this many people on (a statute's "more than 1,000" is 1001)
    max_affected: int | None  # owed up to this many people ("fewer than 500" is 499); None: no ceiling
    counted: str  # whose number `min_affected` is compared with: COUNTED
    days: int | None  # the statute's day count; None for "without unreasonable delay"
    business_days: bool
    counted_from: str  # residents_notice: from the day the jurisdiction's residents' letters were first mailed
    due_rule: str  # the timing in the statute's words
    how: str  # how the party takes it: form, e-mail or mail, with the address
    how_url: str


@dataclass(frozen=True)
class Law:
    key: str
    title: str
    kind: str
    citation: str
    url: str
    organisations: tuple[str, ...]  # empty: every organisation
    applies: str  # APPLIES: "organisation" binds organisations located in the jurisdiction, wherever people live
    triggers: tuple[str, ...]  # catalog keys: any one of them exposed (with the person's name) brings the law in
    triggers_citation: str
    notices: tuple[Notice, ...]
    letter: Letter | None
    notes: str


@dataclass(frozen=True)
class Jurisdiction:
    code: str  # two-letter postal code; "US" for federal law
    name: str
    kind: str
    checked_on: date
    checked_against: tuple[str, ...]
    laws: tuple[Law, ...]

    @property
    def covered(self) -> bool:
        return bool(self.laws)


class _Reader:
    """Reads one table of a file, naming the file and path in every complaint."""

    def __init__(self, where: str, raw: dict[str, Any], known: set[str]) -> None:
        unknown = set(raw) - known
        if unknown:
            raise TableError(f"{where}: unknown field {sorted(unknown)[0]!r}")
        self.where, self.raw = where, raw

    def _fail(self, name: str, what: str) -> TableError:
        return TableError(f"{self.where}.{name}: {what}")

    def text(self, name: str, default: str | None = None) -> str:
        value = self.raw.get(name, default)
        if not isinstance(value, str) or (default is None and not value.strip()):
            raise self._fail(name, "a non-empty string is required")
        return value.strip()

    def choice(self, name: str, choices: tuple[str, ...], default: str | None = None) -> str:
        value = self.text(name, default)
        if value not in choices:
            raise self._fail(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def texts(self, name: str, choices: tuple[str, ...] | None = None) -> tuple[str, ...]:
        value = self.raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self._fail(name, "a list of non-empty strings is required")
        for v in value:
            if choices is not None and v not in choices:
                raise self._fail(name, f"{v!r} is not one of {', '.join(choices)}")
        return tuple(v.strip() for v in value)

    def number(self, name: str, default: int | None = None, *, optional: bool = False) -> int | None:
        value = self.raw.get(name, default)
        if value is None and optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self._fail(name, "a whole number of 0 or more is required")
        return value

    def flag(self, name: str) -> bool:
        value = self.raw.get(name, False)
        if not isinstance(value, bool):
            raise self._fail(name, "true or false is required")
        return value

    def day(self, name: str) -> date:
        value = self.raw.get(name)
        if not isinstance(value, date):
            raise self._fail(name, "a date (YYYY-MM-DD, unquoted) is required")
        return value

    def tables(self, name: str) -> list[tuple[str, dict[str, Any]]]:
        value = self.raw.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(name, "a list of tables is required")
        return [(f"{self.where}.{name}[{i}]", v) for i, v in enumerate(value)]


def _insert(where: str, raw: Any) -> Insert:
    if not isinstance(raw, dict):
        raise TableError(f"{where}: a table with title and lines is required")
    r = _Reader(where, raw, {"title", "lines"})
    lines = r.texts("lines")
    if not lines:
        raise TableError(f"{where}.lines: at least one line is required")
    return Insert(r.text("title"), lines)


def _letter(where: str, raw: dict[str, Any]) -> Letter:
    r = _Reader(where, raw, {"citation", "must_contain", "must_not_contain", "omit", "insert"})
    inserts_raw = raw.get("insert", {})
    if not isinstance(inserts_raw, dict) or set(inserts_raw) - set(LANGUAGES):
        raise TableError(f"{where}.insert: a table keyed by language ({', '.join(LANGUAGES)}) is required")
    inserts = {lang: _insert(f"{where}.insert.{lang}", block) for lang, block in inserts_raw.items()}
    if inserts and "en" not in inserts:
        raise TableError(f"{where}.insert: an English block (en) is required")
    return Letter(r.text("citation"), r.texts("must_contain"), r.texts("must_not_contain"),
                  r.texts("omit", LETTER_PARTS), inserts)  # fmt: skip


def _notice(where: str, raw: dict[str, Any]) -> Notice:
    fields = {"key", "party", "owed_to", "notice", "citation", "min_affected", "max_affected", "counted", "days",
              "business_days", "counted_from", "due_rule", "how", "how_url"}  # fmt: skip
    r = _Reader(where, raw, fields)
    key = r.text("key")
    if not KEY.match(key):
        raise TableError(f"{where}.key: {key!r} must be lower-case letters, digits, dots and hyphens, 3 to 60 long")
    min_affected = r.number("min_affected", 1)
    assert min_affected is not None
    max_affected = r.number("max_affected", None, optional=True)
    days = r.number("days", None, optional=True)
    counted_from = r.choice("counted_from", COUNTED_FROM, "discovery")
    if counted_from == "residents_notice" and days is None:
        raise TableError(f"{where}.days: a day count is required when counted_from is 'residents_notice'")
    if max_affected is not None and max_affected < max(min_affected, 1):
        raise TableError(f"{where}.max_affected: {max_affected} is below min_affected ({max(min_affected, 1)})")
    return Notice(
        key=key,
        party=r.text("party"),
        owed_to=r.choice("owed_to", OWED_TO),
        notice=r.text("notice"),
        citation=r.text("citation"),
        min_affected=max(min_affected, 1),
        max_affected=max_affected,
        counted=r.choice("counted", COUNTED, "residents"),
        days=days,
        business_days=r.flag("business_days"),
        counted_from=counted_from,
        due_rule=r.text("due_rule"),
        how=r.text("how", ""),
        how_url=r.text("how_url", ""),
    )


def _law(where: str, raw: dict[str, Any]) -> Law:
    fields = {"key", "title", "kind", "citation", "url", "organisations", "applies", "triggers", "triggers_citation",
              "notice", "letter", "notes"}  # fmt: skip
    r = _Reader(where, raw, fields)
    notices = tuple(_notice(w, n) for w, n in r.tables("notice"))
    letter_raw = raw.get("letter")
    if letter_raw is not None and not isinstance(letter_raw, dict):
        raise TableError(f"{where}.letter: a table is required")
    triggers = r.texts("triggers", CATALOG)
    if not triggers:
        raise TableError(f"{where}.triggers: at least one data type key is required")
    return Law(
        key=r.text("key"),
        title=r.text("title"),
        kind=r.choice("kind", LAW_KINDS),
        citation=r.text("citation"),
        url=r.text("url"),
        organisations=r.texts("organisations", ORGANISATIONS),
        applies=r.choice("applies", APPLIES, "residents"),
        triggers=triggers,
        triggers_citation=r.text("triggers_citation"),
        notices=notices,
        letter=_letter(f"{where}.letter", letter_raw) if letter_raw is not None else None,
        notes=r.text("notes", ""),
    )


def read(path: Path) -> Jurisdiction:
    """One jurisdiction's file, checked; TableError names the file and field of any fault."""
    where = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise TableError(f"{where}: not valid TOML ({error})") from error
    r = _Reader(where, raw, {"code", "name", "kind", "checked_on", "checked_against", "law"})
    code = r.text("code")
    if code.lower() != path.stem:
        raise TableError(f"{where}.code: {code!r} does not match the file's name")
    return Jurisdiction(
        code=code,
        name=r.text("name"),
        kind=r.choice("kind", KINDS),
        checked_on=r.day("checked_on"),
        checked_against=r.texts("checked_against"),
        laws=tuple(_law(w, law) for w, law in r.tables("law")),
    )


def read_all(folder: Path | None = None) -> tuple[Jurisdiction, ...]:
    """Every file of `folder` (the table's own, `DATA`, unless named), checked one against another."""
    found = tuple(read(path) for path in sorted((folder or DATA).glob("*.toml")))
    seen: dict[str, str] = {}
    for jurisdiction in found:
        for law in jurisdiction.laws:
            for notice in law.notices:
                if notice.key in seen:
                    raise TableError(f"{jurisdiction.code.lower()}.toml: notice key {notice.key!r} is also in "
                                     f"{seen[notice.key]}")  # fmt: skip
                seen[notice.key] = f"{jurisdiction.code.lower()}.toml"
    return found


@cache
def table() -> dict[str, Jurisdiction]:
    """Every jurisdiction in the table by its code, read once per process."""
    return {j.code: j for j in read_all()}
