"""The dry run's report: one line per issue in a CSV the manager downloads, a tally of the outcomes, and the
first issues shown on the import's page."""

from typing import Any

from people.importing import load
from people.importing.rows import MERGED, SKIPPED, WARNING, Issue
from portal.lib.csvcell import neutralised

FIRST_ISSUES = 20
REPORT_HEADER = ("Row", "Column", "Value as in the file", "Outcome", "Reason")
REPORT_VALUE_LIMIT = 1000


def report_cell(value: str) -> str:
    if len(value) > REPORT_VALUE_LIMIT:
        value = value[:REPORT_VALUE_LIMIT] + f"… (first {REPORT_VALUE_LIMIT:,} of {len(value):,} characters)"
    # A spreadsheet must not run a formula from the file when the report is opened.
    return neutralised(value)


def write_issue(writer: Any, issue: Issue) -> None:
    writer.writerow(
        (issue.row, report_cell(issue.column), report_cell(issue.value), issue.outcome, report_cell(issue.reason))
    )


def merged_issue(dup: load.Duplicate) -> Issue:
    basis = "same ID" if dup.by_id else "same name and date of birth"
    reason = f"the same person as row {dup.first_row} ({basis}): merged into one, data types combined"
    if dup.names_differ:
        reason += "; the last names differ, so check which is right"
    return Issue(dup.row, "", "", reason, MERGED)


def shown(issue: Issue) -> dict[str, Any]:
    value = issue.value if len(issue.value) <= 80 else issue.value[:79] + "…"
    return {"row": issue.row, "column": issue.column, "value": value, "reason": issue.reason, "outcome": issue.outcome}


class Tally:
    def __init__(self) -> None:
        self.read = self.valid = self.rejected = self.warnings = self.merged = self.footers = 0
        self.first: list[dict[str, Any]] = []
        self.changes: dict[str, Any] = {}

    def add(self, issue: Issue, writer: Any) -> None:
        write_issue(writer, issue)
        if issue.outcome == WARNING:
            self.warnings += 1
        elif issue.outcome == MERGED:
            self.merged += 1
        elif issue.outcome == SKIPPED:
            self.footers += 1
        if len(self.first) < FIRST_ISSUES:
            self.first.append(shown(issue))
