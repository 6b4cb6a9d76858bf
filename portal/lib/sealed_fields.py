"""Model fields for identifiers encrypted at rest (see portal.lib.fieldcrypt).

`SealedCharField` and `SealedDateField` store text sealed under the newest
key and give back the plain value when read; reading a value that does not
open raises `SealError`. A sealed value differs at every write, so the
database cannot compare it: a field with a `LookupKeyField` (the keyed hash of
its value, worked out on every save) answers `field=value` through that key;
otherwise only "is empty" and "is null". Any other lookup (a range, a prefix)
is refused rather than silently finding nothing.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup
from django.db.models.expressions import Combinable
from django.db.models.lookups import Exact, IsNull

from portal.lib import fieldcrypt


class _EmptyOnly(Exact):
    """`field=""` (or None) only: the one question a sealed column without a lookup key can answer."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target.name} is sealed and has no lookup key: it cannot be compared")
        return super().get_prep_lookup()


class _Refused(Lookup):
    """Any other lookup: a range or a prefix of sealed text would silently find nothing."""

    def __init__(self, lhs: Any, rhs: Any) -> None:
        name = getattr(getattr(lhs, "target", None), "name", "the field")
        raise FieldError(f"{name} is sealed: it can only be matched exactly or tested for null")


class _ByLookupKey(Lookup):
    """`field=value` on a sealed field with a lookup key: compares the key column with the value's hash."""

    lookup_name = "exact"
    prepare_rhs = False  # the value is hashed here, never sealed

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        field = self.lhs.target
        if hasattr(self.rhs, "resolve_expression"):
            raise FieldError(f"{field.name} is sealed: it can be compared with a value only")
        key = field.model._meta.get_field(field.lookup_key()).get_col(self.lhs.alias)
        sql, params = compiler.compile(key)
        return f"{sql} = %s", [*params, lookup_of(self.rhs, field.kind)]


class SealedField(models.TextField):
    """Plain value in Python, sealed text in the column; `kind` is the associated data and the hash's kind."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _ByLookupKey if self.lookup_key() else _EmptyOnly
        if lookup_name == "isnull":
            return IsNull
        return _Refused

    def get_transform(self, lookup_name: str) -> Any:
        return None  # no lower(), unaccent() or the like: they would read the sealed text

    def lookup_key(self) -> str:
        """The name of the LookupKeyField that hashes this field, or ""."""
        keys = (f.name for f in self.model._meta.fields if isinstance(f, LookupKeyField) and f.source == self.name)
        return next(keys, "")

    def from_text(self, text: str) -> Any:
        return text

    def get_prep_value(self, value: Any) -> Any:
        value = self.to_python(value)
        if value is None or value == "":
            return value
        return fieldcrypt.seal(fieldcrypt.plain_text(value), self.kind)

    def from_db_value(self, value: str | None, expression: object, connection: object) -> Any:
        if value is None or value == "":
            return value
        return self.from_text(fieldcrypt.open_sealed(value, self.kind))

    def value_to_string(self, obj: models.Model) -> str:
        return fieldcrypt.plain_text(self.value_from_object(obj))


class SealedCharField(SealedField):
    def to_python(self, value: Any) -> Any:
        return value if value is None else str(value)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        # A one-line input (a TextField would give a text area), limited to the plain value's length.
        return forms.CharField(
            max_length=self.max_length, required=not self.blank, label=self.verbose_name.capitalize(), **kwargs
        )


class SealedDateField(SealedField):
    # For django-stubs: a date in and out, though the column is text.
    _pyi_private_set_type: date | Combinable | None  # type: ignore[assignment]
    _pyi_private_get_type: date  # type: ignore[assignment]

    def to_python(self, value: Any) -> date | None:
        if value is None or value == "" or isinstance(value, date):
            return value or None
        return date.fromisoformat(str(value))

    def from_text(self, text: str) -> date:
        try:
            return date.fromisoformat(text)
        except ValueError:  # its message would quote the value
            raise fieldcrypt.SealError(f"a stored {self.kind} opened to something that is not a date") from None

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.DateField(required=not self.blank, label=self.verbose_name.capitalize(), **kwargs)


def lookup_of(value: object, kind: str) -> str:
    """The lookup key of a plain value as a sealed field holds it (a date by its ISO form)."""
    return fieldcrypt.lookup(fieldcrypt.plain_text(value), kind)


class LookupKeyField(models.CharField):
    """The keyed hash of the field named `source` ("" when it is empty), refreshed on every save and
    bulk_create. Whatever writes the source another way must write this field too: a queryset's
    update(), bulk_update(), and save(update_fields=...) naming the source."""

    def __init__(self, *args: Any, source: str, **kwargs: Any) -> None:
        self.source = source
        kwargs.setdefault("max_length", 22)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for name_, value in (("max_length", 22), ("blank", True), ("editable", False), ("default", "")):
            if kwargs.get(name_) == value:
                del kwargs[name_]
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        source = model_instance._meta.get_field(self.source)
        assert isinstance(source, SealedField)
        value = lookup_of(getattr(model_instance, source.attname), source.kind)
        setattr(model_instance, self.attname, value)
        return value


def sealed_columns(models_: Iterable[type[models.Model]]) -> dict[str, list[tuple[str, str, str]]]:
    """{table: [(column, kind, "")]} of every sealed field of these models, in the shape each_batch takes."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for model in models_:
        for field in model._meta.concrete_fields:
            if isinstance(field, SealedField):
                found.setdefault(model._meta.db_table, []).append((field.column, field.kind, ""))
    return found
