"""The import screen's preview of a job's first rows, and the settings a job's rows are checked with."""

from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from incidents.models import DataType, Incident
from people.importing import files
from people.importing.check import RowChecker
from people.importing.fields import data_type_words, names_a_person
from people.importing.rows import SKIPPED, Issue, Settings
from people.models import ImportJob, ImportRow
from portal.lib.sealed_fields import SealedField

EXAMPLE_ROWS = 200  # rows read for each column's first values: a sparse column shows some too


def checker_settings(
    job: ImportJob,
    mapping: dict[str, int] | None = None,
    file_data_type_ids: list[int] | None = None,
    both_parents: bool | None = None,
) -> Settings:
    """How the job's rows are checked: with its confirmed mapping, or with one being edited (the preview)."""
    catalog = list(DataType.objects.values_list("pk", "key", "label"))
    mapping = job.mapping if mapping is None else mapping
    return Settings(
        header=job.header,
        mapping={key: int(index) for key, index in mapping.items()},
        data_type_words=data_type_words(catalog),
        data_type_ids_by_key={key: pk for pk, key, _ in catalog},
        file_data_type_ids=job.file_data_type_ids if file_data_type_ids is None else file_data_type_ids,
        minor_cutoff=job.minor_cutoff or Incident.objects.get(pk=job.incident_id).minor_cutoff(),
        today=timezone.localdate(),
        letter_to_both_parents=job.letter_to_both_parents if both_parents is None else both_parents,
    )


def file_info(job: ImportJob, encoding: str = "") -> files.FileInfo:
    return files.FileInfo(
        kind=job.kind,
        encoding=encoding or job.encoding,
        encoding_sure=job.encoding_sure,
        delimiter=job.delimiter,
        header=job.header,
        header_row=job.header_row,
        sheet=job.sheet,
    )


def opened(staged: dict[str, object]) -> dict[str, object]:
    """A staged row (by column name) with its sealed values opened, to show to the manager."""
    row = dict(staged)
    for field in ImportRow._meta.concrete_fields:
        if isinstance(field, SealedField):
            value = row[field.name]
            row[field.name] = field.from_db_value(value if isinstance(value, str) else None, None, None)
    return row


@dataclass(frozen=True)
class PreviewRow:
    number: int
    staged: dict[str, Any] | None  # the checked row's fields, opened, or None when rejected
    issues: list[Issue]
    reading: dict[str, Any] | None = None  # a rejected row's names, birth date and addressee, as far as they read


def preview(
    job: ImportJob,
    mapping: dict[str, int],
    file_data_type_ids: list[int],
    encoding: str,
    rows: int,
    both_parents: bool = False,
) -> tuple[list[PreviewRow], list[list[str]]]:
    """The first rows checked as the given mapping would check them (none while no column names the person),
    and the first non-empty values of each column, looked for further down than the rows checked.

    Raises files.Unreadable when the file cannot be read that way (a wrong encoding, say).
    """
    with job.file.open("rb") as f:
        _, sample = files.preview(f, file_info(job, encoding), rows=EXAMPLE_ROWS)
    checked = []
    if names_a_person(mapping):
        checker = RowChecker(checker_settings(job, mapping, file_data_type_ids, both_parents))
        for number, cells in sample[:rows]:
            staged, issues = checker.check(number, cells)
            if staged is not None:
                checked.append(PreviewRow(number, opened(staged._asdict()), issues))
            elif issues and issues[0].outcome != SKIPPED:
                checked.append(PreviewRow(number, None, issues, checker.reading(number, cells)))
            else:
                checked.append(PreviewRow(number, None, issues))
    examples = [
        [cells[i].strip() for _, cells in sample if i < len(cells) and cells[i].strip()][:3]
        for i in range(len(job.header))
    ]
    return checked, examples
