"""Forms of the import screens: the upload, and the column mapping."""

from datetime import date
from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from incidents.models import DataType
from people.importing import files, rules
from people.importing.fields import DATA_TYPE_FIELD_PREFIX, FIELD_BY_KEY, FIELDS, names_a_person
from people.models import ImportJob
from portal.forms import StyledForm, style

EXTENSIONS = {".csv", ".txt", ".tsv", ".xlsx"}
IGNORE = ""


class UploadForm(StyledForm):
    file = forms.FileField(
        label="File of people (CSV or Excel .xlsx)",
        help_text="A row must name the columns; the portal finds it below any title lines. You match the columns "
        "to the portal's fields on the next page.",
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.info: files.FileInfo | None = None
        self.fields["file"].widget.attrs["accept"] = ".csv,.txt,.tsv,.xlsx"

    def full_clean(self) -> None:
        super().full_clean()
        if self.too_large:
            self.errors.pop("file", None)  # "required": the upload was stopped at the limit
            self.add_error("file", self.size_message())

    @staticmethod
    def size_message() -> str:
        return (
            f"The file is larger than {settings.IMPORT_MAX_UPLOAD_BYTES // 1_000_000:,} MB, the limit for one upload."
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in EXTENSIONS:
            raise forms.ValidationError(f"“{upload.name}” is not a CSV or .xlsx file.")
        if upload.size > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(self.size_message())
        try:
            self.info = files.inspect(upload, upload.name)
        except files.Unreadable as exc:
            raise forms.ValidationError(str(exc)) from None
        return upload


class HeaderForm(StyledForm):
    """Where the file's header is: its row (found again when left blank) and, for a workbook, its sheet."""

    header_row = forms.IntegerField(
        label="The column names are on row", min_value=1, max_value=files.HEADER_SCAN * 1000, required=False,
        help_text="Leave it blank for the portal to find the header again.",
    )  # fmt: skip

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any) -> None:
        super().__init__(*args, initial={"header_row": job.header_row, "sheet": job.sheet}, **kwargs)
        self.job = job
        if len(job.sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                choices=[(name, name) for name in job.sheets], label="Sheet of the workbook", required=False
            )
            style(self)

    def read(self) -> files.FileInfo:
        """The file as read from the chosen row and sheet; raises files.Unreadable (a blank row, say)."""
        sheet = self.cleaned_data.get("sheet") or self.job.sheet
        header_row = self.cleaned_data.get("header_row")
        if sheet != self.job.sheet and header_row == self.job.header_row:
            header_row = None  # another sheet: its own header is found
        with self.job.file.open("rb") as f:
            info = files.inspect(f, self.job.original_name, header_row=header_row, sheet=sheet)
        info.encoding, info.delimiter = self.job.encoding or info.encoding, self.job.delimiter or info.delimiter
        return info


def _targets(catalog: list[DataType]) -> list[tuple[str, Any]]:
    return [
        (IGNORE, "Not imported"),
        ("Fields", [(field.key, field.label) for field in FIELDS]),
        (
            "A yes/no column for one data type",
            [(DATA_TYPE_FIELD_PREFIX + dt.key, f"{dt.label}: yes/no") for dt in catalog],
        ),
    ]


def _default_types(job: ImportJob) -> list[int]:
    """The data types ticked for everyone before the manager chooses: those chosen before, else, when no
    column of the file says what was exposed, the incident's own (the common case of one breach that
    exposed the same fields of everyone; the manager unticks any that reached only some)."""
    if job.file_data_type_ids or _says_what_was_exposed(job.mapping):
        return list(job.file_data_type_ids)
    return sorted(job.incident.data_types.values_list("pk", flat=True))


def _says_what_was_exposed(mapping: dict[str, int]) -> bool:
    return "data_types" in mapping or any(key.startswith(DATA_TYPE_FIELD_PREFIX) for key in mapping)


class MappingForm(StyledForm):
    """One choice per column of the file (what it holds), data types for the whole file, and the encoding."""

    file_data_types = forms.ModelMultipleChoiceField(
        queryset=DataType.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Data types exposed for everyone in this file",
        help_text="Added to every row, besides any column that lists data types.",
    )

    letter_to_both_parents = forms.TypedChoiceField(
        choices=[("", "The first parent named in the row"), ("both", "Both parents, by name")],
        coerce=lambda value: value == "both", empty_value=False, required=False,  # type: ignore[arg-type]
        widget=forms.RadioSelect,
        label="When a row names two parents, a minor's letter goes to",
    )  # fmt: skip

    def __init__(self, *args: Any, job: ImportJob, **kwargs: Any) -> None:
        catalog = list(DataType.objects.all())
        initial: dict[str, Any] = {f"column_{index}": key for key, index in job.mapping.items()}
        initial["letter_to_both_parents"] = "both" if job.letter_to_both_parents else ""
        self.default_types = _default_types(job)
        initial["file_data_types"] = self.default_types
        initial["encoding"] = job.encoding
        super().__init__(*args, initial=initial, **kwargs)
        self.job = job
        self.catalog = catalog
        twice = {column for columns in files.duplicate_headers(job.header).values() for column in columns}
        for index, header in enumerate(job.header):
            label = header or f"Column {index + 1} (no header)"
            if index + 1 in twice:
                label = f"{header} (column {index + 1})"
            self.fields[f"column_{index}"] = forms.ChoiceField(choices=_targets(catalog), required=False, label=label)
        if job.kind == "csv":
            self.fields["encoding"] = forms.ChoiceField(
                choices=list(files.ENCODINGS.items()),
                label="Characters in the file are",
                help_text="Detected from the file. If accented names look wrong in the preview, choose another.",
            )
        if self.default_types and not job.file_data_type_ids:
            self.fields["file_data_types"].help_text = (
                "Ticked from the incident's data types, as the file has no column saying what was exposed: "
                "untick any that did not reach everyone in this file."
            )
        style(self)  # the columns came after the base form styled its fields
        self.fields["letter_to_both_parents"].widget.attrs["class"] = "usa-radio__input"

    def column_fields(self) -> list[forms.BoundField]:
        return [self[f"column_{index}"] for index in range(len(self.job.header))]

    def draft(self) -> tuple[dict[str, int], list[int], str, bool]:
        """The mapping, whole-file data types, encoding and letter to both parents chosen so far, valid or not
        (for the preview)."""
        if not self.is_bound:
            job = self.job
            return dict(job.mapping), list(self.default_types), job.encoding, job.letter_to_both_parents
        types = [int(pk) for pk in self["file_data_types"].value() or [] if str(pk).isdigit()]
        encoding = self.data.get("encoding", "")
        both = self.data.get("letter_to_both_parents") == "both"
        return self.mapping(), types, encoding if encoding in files.ENCODINGS else "", both

    def mapping(self) -> dict[str, int]:
        """field key -> column index, from the (cleaned or raw) choices, or the job's before any choice."""
        if not self.is_bound:
            return dict(self.job.mapping)
        source = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        chosen: dict[str, int] = {}
        for index in range(len(self.job.header)):
            key = source.get(f"column_{index}") if source else self.data.get(f"column_{index}", "")
            if key and key not in chosen:
                chosen[key] = index
        return chosen

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: dict[str, int] = {}
        for index, header in enumerate(self.job.header):
            key = data.get(f"column_{index}")
            if not key:
                continue
            if key in seen:
                label = FIELD_BY_KEY[key].label if key in FIELD_BY_KEY else key
                self.add_error(
                    f"column_{index}",
                    f"“{header}” and “{self.job.header[seen[key]]}” are both set to {label}; choose one.",
                )
            seen[key] = index
        if not names_a_person(seen):
            raise forms.ValidationError(
                "Choose the column that holds the last name (or the full name): a row without one cannot be imported."
            )
        if not _says_what_was_exposed(seen) and not data.get("file_data_types"):
            raise forms.ValidationError(
                "Say what was exposed: choose a column listing data types, a yes/no column per data type, "
                "or data types for everyone in the file."
            )
        return data


DATE_HINT = "MM/DD/YYYY"


class BirthDateField(forms.CharField):
    """A date as typed: ISO or US (M/D/YYYY). `strict` (for the public) also refuses a bare number, which
    would be read as a spreadsheet's serial date, and a date in the future or before 1900, and never
    repeats what was typed in its messages: a page a member of the public leaves open, or photographs to
    ask for help, should not carry a date of birth."""

    def __init__(self, *args: Any, strict: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.strict = strict

    def clean(self, value: Any) -> date | None:
        typed: str = super().clean(value)
        if not typed:
            return None
        shown = "This" if self.strict else f"“{typed}”"
        not_a_date = forms.ValidationError(f"{shown} is not a date; type it as {DATE_HINT}.")
        if self.strict and typed.isdigit():
            raise not_a_date
        try:
            born = rules.parse_date(typed)
        except rules.Invalid:
            raise not_a_date from None
        if self.strict and born > timezone.localdate():
            raise forms.ValidationError("This date is in the future; type the date of birth on the letter.")
        if self.strict and born < rules.EARLIEST_BIRTH:
            raise forms.ValidationError("This date is before 1900; type the date of birth on the letter.")
        return born
