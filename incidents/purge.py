"""Purging a closed incident's personal data. Each room that holds some registers how to delete its
part (in its AppConfig.ready), with the order it must run in: what points at recipients (letters,
call links) goes before the recipients. The incident keeps its figures, timeline and audit trail."""

from collections.abc import Callable
from dataclasses import dataclass

from incidents.models import Incident


@dataclass(frozen=True)
class Part:
    order: int  # lower runs first
    delete: Callable[[Incident], dict[str, int]]  # counts of what was deleted, by name


PARTS: list[Part] = []


def register(order: int, delete: Callable[[Incident], dict[str, int]]) -> None:
    PARTS.append(Part(order, delete))


def delete_personal_data(incident: Incident) -> dict[str, int]:
    """Run every room's part, in order, in the caller's transaction; the counts of all of them."""
    deleted: dict[str, int] = {}
    for part in sorted(PARTS, key=lambda p: p.order):
        deleted |= part.delete(incident)
    return deleted
