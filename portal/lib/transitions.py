"""Statuses that move one way: each stateful model declares its transitions table, and every change of
its status goes through `Transitions.move`, which checks the table and changes the status with a
conditional update on the old status. Two people, or a person and a worker, who move the same row at
once cannot both succeed: the second finds the status changed and is refused in the same words as any
other refused move.

Each app's move function (for example `people.actions.imports.move_import`) calls `move` and writes
the audit row in the same transaction, for a worker's moves as for a person's (django-oscar's
`Order.set_status`, with its change record).
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet, TextChoices

from portal.lib.errors import ActionRefused


class StatusRefused(ActionRefused):
    """The row's status does not allow the move (or changed meanwhile); the message says which it has."""


@dataclass(frozen=True)
class Transitions:
    """A model's transitions table: which statuses may follow each one."""

    noun: str  # how a refusal names the row: "import", "letter batch"
    choices: type[TextChoices]
    table: Mapping[str, Collection[str]]
    # The statuses a row may be created in, when not only its field's default (an export is created ready
    # or awaiting approval); creating a row is no move, and portal/tests/test_status_moves.py reads these.
    starts: Collection[str] = ()

    def __post_init__(self) -> None:
        named = {*self.table, *(s for targets in self.table.values() for s in targets), *self.starts}
        unknown = named - set(self.choices.values)
        if unknown or set(self.table) != set(self.choices.values):
            raise ValueError(f"The {self.noun} transitions table must name every status once: {sorted(unknown)}")

    def allows(self, current: str, to: str) -> bool:
        return to in self.table.get(current, ())

    def sources(self, to: str) -> list[str]:
        """The statuses from which `to` may be reached."""
        return [status for status, targets in self.table.items() if to in targets]

    def label(self, status: str) -> str:
        return str(self.choices(status).label).lower() if status in self.choices.values else status

    def refusal(self, current: str, to: str) -> StatusRefused:
        return StatusRefused(f"This {self.noun} is {self.label(current)}: it cannot become {self.label(to)}.")

    def check(self, current: str, to: str) -> None:
        if not self.allows(current, to):
            raise self.refusal(current, to)

    def move(
        self,
        rows: QuerySet[Any],
        to: str,
        *,
        only_from: Collection[str] | None = None,
        also: dict[str, Any] | None = None,
        field: str = "status",
    ) -> int:
        """Move every row of `rows` whose status may become `to` (and is in `only_from`, when given, for a
        move that the table allows from more statuses than this step does); returns how many moved. Rows
        in any other status are left as they are: the caller decides whether that is a refusal."""
        sources = [s for s in self.sources(to) if only_from is None or s in only_from]
        return rows.filter(**{f"{field}__in": sources}).update(**{field: to}, **(also or {}))

    def move_one(
        self,
        row: Model,
        to: str,
        *,
        only_from: Collection[str] | None = None,
        also: dict[str, Any] | None = None,
        field: str = "status",
    ) -> str:
        """Move one row from the status it has now, refusing (naming that status) when the table does not
        allow the move or another move got there first; returns the old status. `row` is updated in memory."""
        manager = type(row)._default_manager
        current = manager.filter(pk=row.pk).values_list(field, flat=True).first() or getattr(row, field)
        if not self.allows(current, to) or (only_from is not None and current not in only_from):
            raise self.refusal(current, to)
        if not manager.filter(pk=row.pk, **{field: current}).update(**{field: to}, **(also or {})):
            now = manager.filter(pk=row.pk).values_list(field, flat=True).first()
            raise self.refusal(now or current, to)
        setattr(row, field, to)
        for name, value in (also or {}).items():
            if not hasattr(value, "resolve_expression"):
                setattr(row, name, value)
        return str(current)
