"""One row of a file in, the row as it will be stored (or nothing) and its issues out."""

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple, TypeVar

from incidents.readers import Relationship
from people.importing import files, names, rules
from people.importing.fields import DATA_TYPE_FIELD_PREFIX, FIELD_BY_KEY, header_key
from people.models import ImportRow
from portal.lib import refcode, text
from portal.lib.fieldcrypt import lookup, plain_text, seal
from portal.lib.sealed_fields import SealedField

KIN_ADDRESS = ("next_of_kin_address", "next_of_kin_city", "next_of_kin_state", "next_of_kin_postal_code")
REJECTED, WARNING, MERGED, SKIPPED = "rejected", "warning", "merged", "skipped"
_LIST_SEPARATORS = re.compile(r"[;|,\n]")
# A tag ("<b>", "</script", "<!--") or a character reference ("&amp;", "&#60;").
_FORMULA_FIRST = frozenset(prefix[0] for prefix in rules.FORMULA_PREFIXES)
_MARKUP = re.compile(r"<\s*/?\s*[a-z!?]|&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)

# The order of ImportRow's columns as the dry run stages them.
STAGED_COLUMNS = (
    "row_number", "match_key", "external_id", "external_id_key", "first_name", "middle_name", "last_name",
    "suffix", "last_name_key", "first_name_key", "date_of_birth", "date_of_birth_key", "is_deceased", "language",
    "relationship", "recipient_name", "recipient_name_key", "recipient_last_name_key", "address_line1",
    "address_line2", "city", "state", "postal_code", "phone", "phone_key", "email", "email_key",
    "guardian_phone", "guardian_phone_key", "guardian_email", "guardian_email_key", "next_of_kin_phone",
    "next_of_kin_phone_key", "next_of_kin_email", "next_of_kin_email_key", "reference_code", "data_type_ids",
)  # fmt: skip


def opened(staged: dict[str, object]) -> dict[str, object]:
    """A staged row (by column name) with its sealed values opened, to show to the manager."""
    row = dict(staged)
    for field in ImportRow._meta.concrete_fields:
        if isinstance(field, SealedField):
            value = row[field.name]
            row[field.name] = field.from_db_value(value if isinstance(value, str) else None, None, None)
    return row


class Issue(NamedTuple):
    row: int
    column: str
    value: str
    reason: str
    outcome: str  # rejected, warning, merged or skipped (a report's footer line)


class Rejected(Exception):
    def __init__(self, column: str, value: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.value, self.reason = column, value, reason


_T = TypeVar("_T")


def _part(read: Callable[[], _T], default: _T) -> _T:
    """One part of a rejected row, or the default when that part is what rejects it."""
    try:
        return read()
    except Rejected:
        return default


@dataclass
class Settings:
    """What stays the same for every row of one file."""

    header: Sequence[str]
    mapping: dict[str, int]  # field key (or "dt:<key>") -> column index
    data_type_words: dict[str, tuple[int, str]]  # header_key(word) -> (DataType id, key)
    data_type_ids_by_key: dict[str, int]
    file_data_type_ids: Sequence[int]
    minor_cutoff: date
    today: date
    letter_to_both_parents: bool = False


class RowChecker:
    def __init__(self, s: Settings) -> None:
        self.s = s
        self.width = len(s.header)
        self.columns = {key: index for key, index in s.mapping.items() if not key.startswith(DATA_TYPE_FIELD_PREFIX)}
        self.flags = [
            (s.data_type_ids_by_key[key.removeprefix(DATA_TYPE_FIELD_PREFIX)], index)
            for key, index in s.mapping.items()
            if key.startswith(DATA_TYPE_FIELD_PREFIX)
        ]
        self.file_types = frozenset(s.file_data_type_ids)
        contacts = [
            ("guardian_phone", rules.phone, "phone"), ("guardian_email", rules.email, "email"),
            ("next_of_kin_phone", rules.phone, "phone"), ("next_of_kin_email", rules.email, "email"),
        ]  # fmt: skip
        # None of them in the file: every row stages the same empty values.
        self.contact_rules = contacts if any(key in self.columns for key, _, _ in contacts) else []
        self.no_contacts = [""] * (2 * len(contacts))
        self.kin_address = any(key in self.columns for key in KIN_ADDRESS)
        self.full_names = [key for key in (names.LAST_FIRST, names.FIRST_LAST) if key in self.columns]
        self.limits = {field.key: field.max_length or 10**9 for field in FIELD_BY_KEY.values()}
        self._type_lists: dict[str, frozenset[int]] = {}
        self._type_json: dict[frozenset[int], str] = {}
        self._codes: list[str] = []

    def column_name(self, key: str) -> str:
        index = self.s.mapping.get(key)
        return self.s.header[index] if index is not None and index < self.width else FIELD_BY_KEY[key].label

    def check(self, number: int, cells: list[str]) -> tuple[tuple[object, ...] | None, list[Issue]]:
        """The staged row (in STAGED_COLUMNS order) or None when rejected or blank, with the row's issues."""
        issues: list[Issue] = []
        try:
            return self._check(number, cells, issues), issues
        except Rejected as r:
            issues.append(Issue(number, r.column, r.value, r.reason, REJECTED))
            return None, issues

    def reading(self, number: int, cells: list[str]) -> dict[str, object]:
        """How a rejected row reads, part by part, for the mapping screen's preview: the manager checks how
        names were split and whom the letter goes to even while the row cannot be imported. A part that
        cannot be read is left empty; its reason is among the row's issues."""
        scratch: list[Issue] = []  # the row's issues come from check(); these would repeat them

        first, middle, last, suffix = _part(lambda: self._names(cells, scratch, number), ("", "", "", ""))
        if not last:
            first = _part(lambda: self._text(cells, "first_name", scratch, number), "")
        born = _part(lambda: self._birth_date(cells), None)
        deceased = _part(lambda: self._deceased(cells), False)
        family = f"{last} {suffix}" if suffix else last
        relationship, recipient = ("", "")
        if last:
            relationship, recipient = _part(
                lambda: self._recipient(cells, first, family, born, deceased, scratch, number), ("", "")
            )
        address = _part(lambda: self._address(cells, scratch, number, deceased), ("", "", "", "", ""))
        line1, line2, city, state, postal_code = address
        return {
            "row_number": number, "external_id": _part(lambda: text.clean(self._value(cells, "external_id")), ""),
            "first_name": first, "middle_name": middle, "last_name": last, "suffix": suffix, "date_of_birth": born,
            "is_deceased": deceased, "relationship": relationship, "recipient_name": recipient,
            "address_line1": line1, "address_line2": line2, "city": city, "state": state, "postal_code": postal_code,
        }  # fmt: skip

    # The row, field by field ------------------------------------------------

    def _value(self, cells: list[str], key: str) -> str:
        index = self.columns.get(key)
        if index is None:
            return ""
        try:
            value = cells[index].strip()
        except IndexError:
            return ""
        limit = self.limits[key]
        if len(value) > limit:
            raise Rejected(
                self.column_name(key), value,
                f"{len(value):,} characters is too long for {FIELD_BY_KEY[key].label.lower()} (at most {limit:,})",
            )  # fmt: skip
        return value

    def _text(self, cells: list[str], key: str, issues: list[Issue], number: int) -> str:
        """A name or address line, cleaned; one that looks like a formula, markup or holds control characters
        is kept as text and warned about, so it is caught before letters are printed."""
        value = text.clean(self._value(cells, key))
        if value and (value[0] in _FORMULA_FIRST or "<" in value or "&" in value or not value.isprintable()):
            self._suspect(value, key, issues, number)  # rare: the common name costs three quick tests
        return value

    def _suspect(self, value: str, key: str, issues: list[Issue], number: int) -> None:
        if value.startswith(rules.FORMULA_PREFIXES):
            issues.append(
                Issue(number, self.column_name(key), value, "starts like a spreadsheet formula; kept as text", WARNING)
            )
        if _MARKUP.search(value):
            reason = "looks like HTML markup; kept as text, as it will print: check it before letters go out"
            issues.append(Issue(number, self.column_name(key), value, reason, WARNING))
        if not value.isprintable():
            reason = ("holds control or invisible characters (shown as \\x..); kept as text: check it before "
                      "letters go out")  # fmt: skip
            shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in value)
            issues.append(Issue(number, self.column_name(key), shown, reason, WARNING))

    def _check(self, number: int, cells: list[str], issues: list[Issue]) -> tuple[object, ...] | None:
        joined = "".join(cells)
        if not joined or joined.isspace():
            return None
        if len(cells) - cells.count("") <= 2 and files.is_footer(cells):
            value = " ".join(cell.strip() for cell in cells if cell.strip())
            issues.append(Issue(number, "", value, "a line of the report under the data, not a person: left out",
                                SKIPPED))  # fmt: skip
            return None
        if "\x00" in joined:
            raise Rejected(
                "", "", "the row holds a NUL character (a zero byte), which no text holds: the file is damaged "
                "here, so the row was not imported; export it again",
            )  # fmt: skip
        if len(cells) > self.width and any(cell.strip() for cell in cells[self.width :]):
            extra = ", ".join(cells[self.width :])
            raise Rejected(
                "", extra,
                f"the row has {len(cells)} cells but the header names {self.width} columns "
                "(a delimiter or quote inside a value?)",
            )  # fmt: skip
        first, middle, last, suffix = self._names(cells, issues, number)
        born = self._birth_date(cells)
        deceased = self._deceased(cells)
        types = self._data_types(cells)
        language = self._language(cells, issues, number)
        address = self._address(cells, issues, number, deceased)
        phone = self._optional(cells, "phone", rules.phone, issues, number)
        email = self._optional(cells, "email", rules.email, issues, number)
        contacts = self._contacts(cells, issues, number)
        external_id = text.clean(self._value(cells, "external_id"))
        relationship, recipient = self._recipient(cells, first, f"{last} {suffix}" if suffix else last, born, deceased,
                                                  issues, number)  # fmt: skip
        last_key, first_key = text.search_key(last), text.search_key(first)
        # Identifiers are staged sealed, with their lookup keys; the match key holds no identifier in clear.
        born_text = plain_text(born)
        external_key, born_key = lookup(external_id, "external_id"), lookup(born_text, "date_of_birth")
        match_key = f"id:{external_key}" if external_id else f"nd:{last_key}|{first_key}|{born_key}"
        recipient_key = text.search_key(recipient)
        return (
            number, match_key, seal(external_id, "external_id"), external_key, first, middle, last, suffix,
            last_key, first_key, seal(born_text, "date_of_birth") or None, born_key, deceased, language,
            relationship, recipient, recipient_key, text.last_word(recipient_key), *address,
            seal(phone, "phone"), lookup(phone, "phone"), seal(email, "email"), lookup(email, "email"), *contacts,
            self._code(), self._json(types),
        )  # fmt: skip

    def _names(self, cells: list[str], issues: list[Issue], number: int) -> tuple[str, str, str, str]:
        """First, middle, last and suffix: each from its own column, else from a full name's."""
        last = self._text(cells, "last_name", issues, number)
        first = self._text(cells, "first_name", issues, number)
        middle = self._text(cells, "middle_name", issues, number)
        suffix = self._text(cells, "suffix", issues, number)
        for key in self.full_names:
            whole = self._text(cells, key, issues, number)
            if whole and not last:
                parts = names.split(whole, key)
                last, first = parts.last[:100], first or parts.first[:100]
                middle, suffix = middle or parts.middle[:100], suffix or parts.suffix[:20]
                if parts.doubt:
                    reason = (f"{parts.doubt}; read as last “{last}”, first “{first or '—'}”"
                              f"{f', middle “{middle}”' if middle else ''}{f', suffix “{suffix}”' if suffix else ''}"
                              ": check it")  # fmt: skip
                    issues.append(Issue(number, self.column_name(key), whole, reason, WARNING))
        if not last:
            key = next((k for k in ("last_name", *self.full_names) if k in self.columns), "last_name")
            raise Rejected(self.column_name(key), "", "no last name")
        return first, middle, last, suffix

    def _code(self) -> str:
        if not self._codes:
            self._codes = refcode.generate_many(10_000)
        return self._codes.pop()

    def _json(self, types: frozenset[int]) -> str:
        found = self._type_json.get(types)
        if found is None:
            found = self._type_json[types] = json.dumps(sorted(types))
        return found

    def _birth_date(self, cells: list[str]) -> date | None:
        value = self._value(cells, "date_of_birth")
        if not value:
            return None
        try:
            return rules.birth_date(value, self.s.today)
        except rules.Invalid as exc:
            raise Rejected(self.column_name("date_of_birth"), value, f"date of birth {exc}") from None

    def _deceased(self, cells: list[str]) -> bool:
        value = self._value(cells, "is_deceased")
        try:
            return rules.deceased(value)
        except rules.Invalid as exc:
            raise Rejected(self.column_name("is_deceased"), value, str(exc)) from None

    def _language(self, cells: list[str], issues: list[Issue], number: int) -> str:
        value = self._value(cells, "language")
        if not value:
            return "en"
        try:
            return rules.language(value)
        except rules.Invalid as exc:
            issues.append(Issue(number, self.column_name("language"), value, f"{exc}; English used", WARNING))
            return "en"

    def _data_types(self, cells: list[str]) -> frozenset[int]:
        found = set(self.file_types)
        if "data_types" in self.columns:
            found |= self._type_list(self._value(cells, "data_types"))
        for type_id, index in self.flags:
            value = cells[index] if index < len(cells) else ""
            try:
                if rules.yes_no(value):
                    found.add(type_id)
            except rules.Invalid as exc:
                raise Rejected(self.s.header[index], value, str(exc)) from None
        if not found:
            raise Rejected(
                self.column_name("data_types") if "data_types" in self.columns else "", "",
                "no data types: the row does not say what of this person's was exposed",
            )  # fmt: skip
        return frozenset(found)

    def _type_list(self, value: str) -> frozenset[int]:
        if value in self._type_lists:
            return self._type_lists[value]
        found = set()
        for item in _LIST_SEPARATORS.split(value):
            if not item.strip():
                continue
            found_type = self.s.data_type_words.get(header_key(item))
            if found_type is None:
                raise Rejected(
                    self.column_name("data_types"), value,
                    f"unknown data type {rules.quoted(item.strip())}; use the names in the portal's catalog",
                )  # fmt: skip
            found.add(found_type[0])
        if len(self._type_lists) < 10_000:
            self._type_lists[value] = frozenset(found)
        return frozenset(found)

    def _optional(self, cells: list[str], key: str, rule: object, issues: list[Issue], number: int) -> str:
        value = self._value(cells, key)
        if not value:
            return ""
        try:
            return rule(value)  # type: ignore[operator]
        except rules.Invalid as exc:
            issues.append(Issue(number, self.column_name(key), value, f"{exc}; left blank", WARNING))
            return ""

    def _contacts(self, cells: list[str], issues: list[Issue], number: int) -> list[str]:
        """The guardian's and the next of kin's phone and e-mail, each sealed with its lookup key."""
        if not self.contact_rules:
            return self.no_contacts
        found: list[str] = []
        for key, rule, kind in self.contact_rules:
            value = self._optional(cells, key, rule, issues, number) if key in self.columns else ""
            found += (seal(value, kind), lookup(value, kind)) if value else ("", "")
        return found

    def _address(
        self, cells: list[str], issues: list[Issue], number: int, deceased: bool
    ) -> tuple[str, str, str, str, str]:
        """The mailing address: the next of kin's for a deceased person when the file has one, else the row's."""
        if deceased and self.kin_address:
            found = self._kin_address(cells, issues, number)
            if found is not None:
                return found
        line1 = self._text(cells, "address_line1", issues, number)
        line2 = self._text(cells, "address_line2", issues, number)
        city = self._text(cells, "city", issues, number)
        state_value, zip_value = self._value(cells, "state"), self._value(cells, "postal_code")
        columns = (self.column_name("state"), self.column_name("postal_code"))
        return self._mailing(line1, line2, city, state_value, zip_value, columns, issues, number)

    def _kin_address(self, cells: list[str], issues: list[Issue], number: int) -> tuple[str, str, str, str, str] | None:
        line1 = self._text(cells, "next_of_kin_address", issues, number)
        city = self._text(cells, "next_of_kin_city", issues, number)
        state_value, zip_value = self._value(cells, "next_of_kin_state"), self._value(cells, "next_of_kin_postal_code")
        if not (line1 or city or state_value or zip_value):
            return None  # no address for the next of kin: the person's own is used
        line2 = ""
        columns = (self.column_name("next_of_kin_state"), self.column_name("next_of_kin_postal_code"))
        if line1 and not (city or state_value or zip_value):
            try:
                line1, line2, city, state_value, zip_value = rules.one_line_address(line1)
            except rules.Invalid as exc:
                column = self.column_name("next_of_kin_address")
                issues.append(Issue(number, column, line1, f"{exc}; the person's own address is used", WARNING))
                return None
            columns = (self.column_name("next_of_kin_address"),) * 2
        return self._mailing(line1[:200], line2[:200], city[:100], state_value, zip_value, columns, issues, number)

    def _mailing(
        self, line1: str, line2: str, city: str, state_value: str, zip_value: str, columns: tuple[str, str],
        issues: list[Issue], number: int,
    ) -> tuple[str, str, str, str, str]:  # fmt: skip
        state = postal = ""
        problems = []
        if state_value:
            try:
                state = rules.state_code(state_value)
            except rules.Invalid as exc:
                problems.append((columns[0], state_value, str(exc)))
        if zip_value:
            try:
                postal, repaired = rules.zip_code(zip_value, state)
                if repaired:
                    reason = f"ZIP code {rules.quoted(zip_value)} lost its leading zeros; read as {postal} ({state})"
                    issues.append(Issue(number, columns[1], zip_value, reason, WARNING))
            except rules.Invalid as exc:
                problems.append((columns[1], zip_value, str(exc)))
        missing = [name for name, value in (("street", line1), ("city", city)) if not value]
        missing += [name for name, value, seen in (("state", state, state_value), ("ZIP code", postal, zip_value))
                    if not value and not seen]  # fmt: skip
        for column, value, reason in problems:
            issues.append(Issue(number, column, value, f"{reason}: no mailing address, flagged for substitute notice",
                                WARNING))  # fmt: skip
        if missing and not problems:
            reason = f"no mailing address (missing {', '.join(missing)}): flagged for substitute notice"
            issues.append(Issue(number, "", "", reason, WARNING))
        return line1, line2, city, state, postal

    def _recipient(
        self, cells: list[str], first: str, last: str, born: date | None, deceased: bool,
        issues: list[Issue], number: int,
    ) -> tuple[str, str]:  # fmt: skip
        name = f"{first} {last}" if first else last
        if deceased:
            kin = self._text(cells, "next_of_kin_name", issues, number)
            if not kin:
                issues.append(Issue(number, self.column_name("next_of_kin_name"), "",
                                    "deceased without a next of kin: the letter goes to “Family of” the person",
                                    WARNING))  # fmt: skip
            return Relationship.NEXT_OF_KIN, kin or f"Family of {name}"[:200]
        guardian = self._guardian(cells, issues, number)
        if (born is not None and born > self.s.minor_cutoff) or (born is None and guardian):
            return Relationship.PARENT_GUARDIAN, guardian or f"Parent or Guardian of {name}"[:200]
        return Relationship.SELF, name[:200]

    def _guardian(self, cells: list[str], issues: list[Issue], number: int) -> str:
        """The first named parent, or both names when the manager chose so: never neither when one is named."""
        first = self._text(cells, "guardian_name", issues, number)
        second = self._text(cells, "second_guardian_name", issues, number)
        if first and second and self.s.letter_to_both_parents and first != second:
            both = f"{first} and {second}"
            return both if len(both) <= 200 else first
        return first or second
