"""One row of a file in, the row as it will be stored (or nothing) and its issues out."""

import json
import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from people.importing import files, names, rules
from people.importing.cells import Cells
from people.importing.fields import header_key
from people.importing.rows import (
    REJECTED,
    SKIPPED,
    WARNING,
    Address,
    CheckedRow,
    Issue,
    Rejected,
)
from portal.lib import refcode, text
from portal.lib.fieldcrypt import lookup, plain_text, seal

_LIST_SEPARATORS = re.compile(r"[;|,\n]")


_T = TypeVar("_T")


def _read_as(doubt: str, first: str, middle: str, last: str, suffix: str) -> str:
    """The warning for a full name split with doubt: how it was read, for the manager to check."""
    read = f"read as last “{last}”, first “{first or '—'}”"
    if middle:
        read += f", middle “{middle}”"
    if suffix:
        read += f", suffix “{suffix}”"
    return f"{doubt}; {read}: check it"


def _part(read: Callable[[], _T], default: _T) -> _T:
    """One part of a rejected row, or the default when that part is what rejects it."""
    try:
        return read()
    except Rejected:
        return default


class RowChecker(Cells):
    """One row of a file in, the row as it will be stored (or nothing) and its issues out."""

    def check(self, number: int, cells: list[str]) -> tuple[CheckedRow | None, list[Issue]]:
        """The row as staged, or None when rejected or blank, with the row's issues."""
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
        address = _part(lambda: self._address(cells, scratch, number, deceased), Address())
        external_id = _part(lambda: text.clean(self._value(cells, "external_id")), "")
        person = {"row_number": number, "external_id": external_id, "first_name": first, "middle_name": middle}
        person |= {"last_name": last, "suffix": suffix, "date_of_birth": born, "is_deceased": deceased}
        return person | {"relationship": relationship, "recipient_name": recipient} | address._asdict()

    def _check(self, number: int, cells: list[str], issues: list[Issue]) -> CheckedRow | None:
        joined = "".join(cells)
        if not joined or joined.isspace():
            return None
        if len(cells) - cells.count("") <= 2 and files.is_footer(cells):
            value = " ".join(cell.strip() for cell in cells if cell.strip())
            reason = "a line of the report under the data, not a person: left out"
            issues.append(Issue(number, "", value, reason, SKIPPED))
            return None
        if "\x00" in joined:
            reason = (
                "the row holds a NUL character (a zero byte), which no text holds: the file is damaged here, "
                "so the row was not imported; export it again"
            )
            raise Rejected("", "", reason)
        if len(cells) > self.width and any(cell.strip() for cell in cells[self.width :]):
            extra = ", ".join(cells[self.width :])
            reason = (
                f"the row has {len(cells)} cells but the header names {self.width} columns "
                "(a delimiter or quote inside a value?)"
            )
            raise Rejected("", extra, reason)
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
        family = f"{last} {suffix}" if suffix else last
        relationship, recipient = self._recipient(cells, first, family, born, deceased, issues, number)
        last_key, first_key = text.search_key(last), text.search_key(first)
        # Identifiers are staged sealed, with their lookup keys; the match key holds no identifier in clear.
        born_text = plain_text(born)
        external_key, born_key = lookup(external_id, "external_id"), lookup(born_text, "date_of_birth")
        match_key = f"id:{external_key}" if external_id else f"nd:{last_key}|{first_key}|{born_key}"
        recipient_key = text.search_key(recipient)
        return CheckedRow(
            row_number=number,
            match_key=match_key,
            external_id=seal(external_id, "external_id"),
            external_id_key=external_key,
            first_name=first,
            middle_name=middle,
            last_name=last,
            suffix=suffix,
            last_name_key=last_key,
            first_name_key=first_key,
            date_of_birth=seal(born_text, "date_of_birth") or None,
            date_of_birth_key=born_key,
            is_deceased=deceased,
            language=language,
            relationship=relationship,
            recipient_name=recipient,
            recipient_name_key=recipient_key,
            recipient_last_name_key=text.last_word(recipient_key),
            address_line1=address.address_line1,
            address_line2=address.address_line2,
            city=address.city,
            state=address.state,
            postal_code=address.postal_code,
            phone=seal(phone, "phone"),
            phone_key=lookup(phone, "phone"),
            email=seal(email, "email"),
            email_key=lookup(email, "email"),
            guardian_phone=contacts.guardian_phone,
            guardian_phone_key=contacts.guardian_phone_key,
            guardian_email=contacts.guardian_email,
            guardian_email_key=contacts.guardian_email_key,
            next_of_kin_phone=contacts.next_of_kin_phone,
            next_of_kin_phone_key=contacts.next_of_kin_phone_key,
            next_of_kin_email=contacts.next_of_kin_email,
            next_of_kin_email_key=contacts.next_of_kin_email_key,
            reference_code=self._code(),
            data_type_ids=self._json(types),
        )

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
                    issues.append(
                        Issue(
                            number,
                            self.column_name(key),
                            whole,
                            _read_as(parts.doubt, first, middle, last, suffix),
                            WARNING,
                        )
                    )
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
            column = self.column_name("data_types") if "data_types" in self.columns else ""
            raise Rejected(column, "", "no data types: the row does not say what of this person's was exposed")
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
                reason = f"unknown data type {rules.quoted(item.strip())}; use the names in the portal's catalog"
                raise Rejected(self.column_name("data_types"), value, reason)
            found.add(found_type[0])
        if len(self._type_lists) < 10_000:
            self._type_lists[value] = frozenset(found)
        return frozenset(found)
