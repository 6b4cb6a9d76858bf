"""Import people from a CSV or XLSX file, with the checks and outcome of the browser's import."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import pluralize

from incidents.models import DataType, Incident
from people import actions as people_actions
from people.importing import files, jobs
from people.importing.fields import DATA_TYPE_FIELD_PREFIX, FIELD_BY_KEY, names_a_person
from people.models import ImportJob


class Command(BaseCommand):
    help = "Check a file of impacted people and (without --dry-run) import it into an incident."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("incident_slug")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--map", action="append", default=[], metavar="FIELD=HEADER",
            help="Read FIELD from the column headed HEADER (overrides the automatic mapping). "
            f"Fields: {', '.join(FIELD_BY_KEY)}, or {DATA_TYPE_FIELD_PREFIX}<data type key> for a yes/no column.",
        )  # fmt: skip
        parser.add_argument(
            "--data-type", action="append", default=[], metavar="KEY", help="A data type exposed for every row."
        )
        parser.add_argument("--encoding", choices=sorted(files.ENCODINGS), help="The CSV's encoding, if not detected.")
        parser.add_argument(
            "--header-row", type=int, metavar="N",
            help="The row that names the columns (found below any title lines when not given).",
        )  # fmt: skip
        parser.add_argument("--sheet", default="", metavar="NAME", help="The workbook's sheet (the first with data).")
        parser.add_argument(
            "--both-parents", action="store_true",
            help="When a row names two parents (Mother and Father), a minor's letter goes to both names "
            "(else to the first named).",
        )  # fmt: skip
        parser.add_argument("--dry-run", action="store_true", help="Check the file and write the report only.")

    def handle(self, *args: Any, **options: Any) -> None:
        incident = Incident.objects.filter(slug=options["incident_slug"]).first()
        if incident is None:
            raise CommandError(f"No incident has the short name {options['incident_slug']!r}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        with path.open("rb") as f:
            if options["header_row"] is not None and options["header_row"] < 1:
                raise CommandError("--header-row: rows are numbered from 1, as a spreadsheet shows them.")
            try:
                info = files.inspect(f, path.name, header_row=options["header_row"], sheet=options["sheet"])
            except files.Unreadable as exc:
                raise CommandError(str(exc)) from None
            self._where(info)
            # The options are checked before the file is kept, so a mistake in them leaves no trace.
            mapping = self._mapping(info, options["map"])
            data_types = self._data_types(options["data_type"])
            job = people_actions.upload_import(None, incident, f, path.name, info)
        job = self._settled(
            jobs.check_now(job, mapping, data_types, options["encoding"] or "", options["both_parents"])
        )
        self._report(job)
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.reason)
        if options["dry_run"] or not job.rows_valid:
            return
        job = self._settled(jobs.import_now(job))
        if job.status != ImportJob.Status.IMPORTED:
            raise CommandError(job.reason)
        self.stdout.write(
            f"Imported {job.people:,} {pluralize(job.people, 'person,people')} ({job.rows_valid:,} valid "
            f"row{pluralize(job.rows_valid)}; {job.duplicates_merged:,} duplicate{pluralize(job.duplicates_merged)} "
            f"merged): {job.individuals_added:,} {pluralize(job.individuals_added, 'person,people')} added, "
            f"{job.individuals_updated:,} updated, {job.individuals_unchanged:,} unchanged; "
            f"{job.recipients_added:,} recipient{pluralize(job.recipients_added)} added, "
            f"{job.recipients_updated:,} updated; "
            f"{job.exposures_added:,} exposure{pluralize(job.exposures_added)} added."
        )

    def _where(self, info: files.FileInfo) -> None:
        sheet = f"sheet “{info.sheet}” of {len(info.sheets)}, " if info.sheet else ""
        above = f" ({info.header_row - 1} line{pluralize(info.header_row - 1)} of title above left out)"
        self.stdout.write(f"Reading {sheet}column names on row {info.header_row}{above if info.header_found else ''}.")
        for name, columns in files.duplicate_headers(info.header).items():
            self.stdout.write(f"“{name}” heads columns {', '.join(map(str, columns))}: the first is read; "
                              f"--map FIELD=\"{name}#2\" reads the second.")  # fmt: skip

    def _settled(self, job: ImportJob) -> ImportJob:
        if job.status in ImportJob.ACTIVE:  # this run went silent so long that the sweep took it for dead
            raise CommandError(f"Import #{job.pk} was handed to a background worker, which goes on with it: "
                               "follow it on the incident's import page.")  # fmt: skip
        return job

    def _mapping(self, info: files.FileInfo, overrides: list[str]) -> dict[str, int]:
        header = info.header
        mapping = people_actions.automatic_mapping(header, info.sample)
        for item in overrides:
            field, sep, column = item.partition("=")
            valid_type = (
                field.startswith(DATA_TYPE_FIELD_PREFIX)
                and DataType.objects.filter(key=field.removeprefix(DATA_TYPE_FIELD_PREFIX)).exists()
            )
            if not sep or (field not in FIELD_BY_KEY and not valid_type):
                raise CommandError(
                    f"--map {item!r}: expected FIELD=HEADER with FIELD one of {', '.join(FIELD_BY_KEY)}."
                )
            index = self._column(header, column, item)
            mapping = {key: found for key, found in mapping.items() if found != index}
            mapping[field] = index
        if not names_a_person(mapping):
            raise CommandError(
                "No column holds the last name; name it with --map last_name=HEADER "
                "(or --map full_name_last_first=HEADER for a column of whole names)."
            )
        return mapping

    def _column(self, header: list[str], column: str, item: str) -> int:
        """The column's index: by its header, or "HEADER#N" for the Nth of the columns so headed."""
        name, hash_, nth = column.rpartition("#")
        if hash_ and nth.isdigit() and column not in header:
            same = [index for index, found in enumerate(header) if found == name]
            if 1 <= int(nth) <= len(same):
                return same[int(nth) - 1]
            raise CommandError(
                f"--map {item!r}: the file has {len(same)} column{pluralize(len(same))} headed {name!r}."
            )
        if column not in header:
            raise CommandError(f"--map {item!r}: the file has no column headed {column!r}.")
        return header.index(column)

    def _data_types(self, keys: list[str]) -> list[int]:
        found = dict(DataType.objects.filter(key__in=keys).values_list("key", "pk"))
        unknown = [key for key in keys if key not in found]
        if unknown:
            raise CommandError(f"Unknown data type {unknown[0]!r}; the catalog's keys are "
                               f"{', '.join(DataType.objects.values_list('key', flat=True))}.")  # fmt: skip
        return list(found.values())

    def _report(self, job: ImportJob) -> None:
        if job.status != ImportJob.Status.VALIDATED:
            return
        self.stdout.write(
            f"Checked {job.original_name}: {job.rows_read:,} row{pluralize(job.rows_read)} read, "
            f"{job.rows_valid:,} valid ({job.people:,} {pluralize(job.people, 'person,people')}), "
            f"{job.rows_rejected:,} rejected, "
            f"{job.duplicates_merged:,} duplicate{pluralize(job.duplicates_merged)} merged, "
            f"{job.warnings:,} warning{pluralize(job.warnings)}, {job.without_address:,} without a mailing address."
        )
        if job.footer_rows:
            self.stdout.write(f"{job.footer_rows:,} line{pluralize(job.footer_rows)} under the data read as the "
                              "report's footer, not as people, and left out (listed in the report).")  # fmt: skip
        self.stdout.write(f"Report: {job.error_report.path}")
