"""The hash chain over audit events: canonical form, hashing and verification."""

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from audit.models import AuditEvent

GENESIS = "0" * 64
PAGE = 5000


def canonical(event: AuditEvent) -> bytes:
    """The bytes that are hashed: every field but the id and the hash itself."""
    fields: dict[str, Any] = {
        "prev_hash": event.prev_hash,
        "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "incident_id": event.incident_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "details": event.details,
        "request_id": event.request_id,
    }
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify(events: Iterable[AuditEvent], expected_prev: str = GENESIS, checked: int = 0) -> ChainReport:
    """Walk events in id order; report the first row whose link or content is wrong.

    `expected_prev` and `checked` resume a walk where an earlier page ended.
    """
    for event in events:
        if event.prev_hash != expected_prev:
            reason = "its previous-hash does not match the row before it (a row was deleted or inserted)"
            return ChainReport(checked, expected_prev, event.pk, reason)
        if compute_hash(event) != event.hash:
            return ChainReport(checked, expected_prev, event.pk, "its content does not match its hash (edited)")
        expected_prev, checked = event.hash, checked + 1
    return ChainReport(checked, expected_prev)


def pages(up_to_id: int | None = None, size: int = PAGE) -> Iterator[list[AuditEvent]]:
    """Events in id order, a whole page at a time, so no read stays open between pages."""
    events = AuditEvent.objects.order_by("id")
    if up_to_id is not None:
        events = events.filter(id__lte=up_to_id)
    last_id = 0
    while page := list(events.filter(id__gt=last_id)[:size]):
        yield page
        last_id = page[-1].pk


def verify_all() -> ChainReport:
    report = ChainReport(0, GENESIS)
    for page in pages():
        report = verify(page, report.head_hash, report.checked)
        if not report.ok:
            break
    return report
