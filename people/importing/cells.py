"""Reading one row's cells: a mapped column's value within its length, text that looks like a formula or
markup flagged, an optional value checked by its rule; and the parts of a row that say whom the letter
goes to and where (RowChecker, in check.py, builds on these)."""

import re
from datetime import date

from incidents.readers import Relationship
from people.importing import names, rules
from people.importing.fields import DATA_TYPE_FIELD_PREFIX, FIELD_BY_KEY
from people.importing.rows import NO_CONTACTS, WARNING, Address, Contacts, Issue, Rejected, Settings
from portal.lib import text
from portal.lib.fieldcrypt import lookup, seal

KIN_ADDRESS = ("next_of_kin_address", "next_of_kin_city", "next_of_kin_state", "next_of_kin_postal_code")
# A tag ("<b>", "</script", "<!--") or a character reference ("&amp;", "&#60;").
_FORMULA_FIRST = frozenset(prefix[0] for prefix in rules.FORMULA_PREFIXES)
_MARKUP = re.compile(r"<\s*/?\s*[a-z!?]|&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)


class Cells:
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
            ("guardian_phone", rules.phone, "phone"),
            ("guardian_email", rules.email, "email"),
            ("next_of_kin_phone", rules.phone, "phone"),
            ("next_of_kin_email", rules.email, "email"),
        ]
        # None of them in the file: every row stages the same empty values.
        self.contact_rules = contacts if any(key in self.columns for key, _, _ in contacts) else []
        self.kin_address = any(key in self.columns for key in KIN_ADDRESS)
        self.full_names = [key for key in (names.LAST_FIRST, names.FIRST_LAST) if key in self.columns]
        self.limits = {field.key: field.max_length or 10**9 for field in FIELD_BY_KEY.values()}
        self._type_lists: dict[str, frozenset[int]] = {}
        self._type_json: dict[frozenset[int], str] = {}
        self._codes: list[str] = []

    def column_name(self, key: str) -> str:
        index = self.s.mapping.get(key)
        return self.s.header[index] if index is not None and index < self.width else FIELD_BY_KEY[key].label

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
            label = FIELD_BY_KEY[key].label.lower()
            reason = f"{len(value):,} characters is too long for {label} (at most {limit:,})"
            raise Rejected(self.column_name(key), value, reason)
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
            reason = (
                "holds control or invisible characters (shown as \\x..); kept as text: check it before letters go out"
            )
            shown = "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in value)
            issues.append(Issue(number, self.column_name(key), shown, reason, WARNING))

    def _optional(self, cells: list[str], key: str, rule: object, issues: list[Issue], number: int) -> str:
        value = self._value(cells, key)
        if not value:
            return ""
        try:
            return rule(value)  # type: ignore[operator]
        except rules.Invalid as exc:
            issues.append(Issue(number, self.column_name(key), value, f"{exc}; left blank", WARNING))
            return ""

    def _contacts(self, cells: list[str], issues: list[Issue], number: int) -> Contacts:
        """The guardian's and the next of kin's phone and e-mail, each sealed with its lookup key."""
        if not self.contact_rules:
            return NO_CONTACTS
        found: list[str] = []
        for key, rule, kind in self.contact_rules:
            value = self._optional(cells, key, rule, issues, number) if key in self.columns else ""
            found += (seal(value, kind), lookup(value, kind)) if value else ("", "")
        return Contacts(*found)

    def _address(self, cells: list[str], issues: list[Issue], number: int, deceased: bool) -> Address:
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

    def _kin_address(self, cells: list[str], issues: list[Issue], number: int) -> Address | None:
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
        self,
        line1: str,
        line2: str,
        city: str,
        state_value: str,
        zip_value: str,
        columns: tuple[str, str],
        issues: list[Issue],
        number: int,
    ) -> Address:
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
        coded = (("state", state, state_value), ("ZIP code", postal, zip_value))
        missing += [name for name, value, seen in coded if not value and not seen]
        for column, value, reason in problems:
            reason = f"{reason}: no mailing address, flagged for substitute notice"
            issues.append(Issue(number, column, value, reason, WARNING))
        if missing and not problems:
            reason = f"no mailing address (missing {', '.join(missing)}): flagged for substitute notice"
            issues.append(Issue(number, "", "", reason, WARNING))
        return Address(line1, line2, city, state, postal)

    def _recipient(
        self,
        cells: list[str],
        first: str,
        last: str,
        born: date | None,
        deceased: bool,
        issues: list[Issue],
        number: int,
    ) -> tuple[str, str]:
        name = f"{first} {last}" if first else last
        if deceased:
            kin = self._text(cells, "next_of_kin_name", issues, number)
            if not kin:
                reason = "deceased without a next of kin: the letter goes to “Family of” the person"
                issues.append(Issue(number, self.column_name("next_of_kin_name"), "", reason, WARNING))
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
