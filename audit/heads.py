"""The trail's head, copied out of the portal's reach on a schedule.

The processes that append to the chain hold everything needed to forge a well-linked event, so the
chain cannot prove by itself that nothing was rewritten. Beat records the head (the newest event's id
and hash) every AUDIT_HEAD_MINUTES: it appends a line to AUDIT_HEAD_LOG, a file meant for write-once
storage, and e-mails it to every auditor and to AUDIT_HEAD_RECIPIENTS. `verify_audit --anchors-from`
checks a trail against every head so recorded. Events added after the last head sent out cannot be
told from real ones this way; everything before it can.
"""

import logging
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection

from audit.models import AuditEvent

logger = logging.getLogger(__name__)
_LAST_SENT = "audit:head-sent"
ANCHOR = re.compile(r"\b(\d+):([0-9a-f]{64})\b")


@dataclass(frozen=True)
class Head:
    event_id: int
    hash: str
    recorded_at: datetime

    @property
    def anchor(self) -> str:
        return f"{self.event_id}:{self.hash}"

    def line(self) -> str:
        return f"{self.recorded_at.astimezone(UTC).isoformat(timespec='seconds')} {self.anchor}\n"


def current_head() -> Head | None:
    newest = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    return Head(newest[0], newest[1], datetime.now(UTC)) if newest else None


# Who reads the trail is a role incidents grant: incidents name their auditors' addresses here (in
# IncidentsConfig.ready), so that the trail imports nothing above it.
_AUDITORS: list[Callable[[], Iterable[str]]] = []


def auditors_from(addresses: Callable[[], Iterable[str]]) -> None:
    _AUDITORS[:] = [addresses]


def recipients() -> list[str]:
    """Every active auditor's address, and the installation's own list; each gets a message of their own."""
    auditors = {address for addresses in _AUDITORS for address in addresses()}
    return sorted(auditors | set(settings.AUDIT_HEAD_RECIPIENTS))


def append(head: Head, path: Path) -> None:
    """One line at the end of the file, on disk before this returns (O_APPEND: never over what is there)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(descriptor, head.line().encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _message(head: Head, address: str) -> EmailMessage:
    body = (
        f"The Breach Notice Portal's audit trail, at {head.recorded_at:%Y-%m-%d %H:%M} UTC, ends with event "
        f"#{head.event_id}, whose hash is:\n\n  {head.anchor}\n\n"
        "Keep this message. Whoever checks the trail later runs `python manage.py verify_audit --anchor "
        f"{head.anchor}` (or --anchors-from a file of such lines): if the trail up to this event was edited, "
        "cut or rewritten since, the check fails.\n\n"
        "You receive this because you audit an incident in the portal, or your address is in "
        "AUDIT_HEAD_RECIPIENTS.\n"
    )
    return EmailMessage(f"Audit trail head #{head.event_id}", body, to=[address])


def _send(head: Head) -> int:
    addresses = recipients()
    if not addresses:
        return 0
    with get_connection() as connection:
        return connection.send_messages([_message(head, address) for address in addresses]) or 0


def publish() -> Head | None:
    """Record the head where the portal cannot take it back; None when there is nothing new since the
    last one sent. The file comes first: it is the record; the e-mails are copies in other hands."""
    head = current_head()
    if head is None or cache.get(_LAST_SENT) == head.anchor:
        return None
    if settings.AUDIT_HEAD_LOG:
        append(head, Path(settings.AUDIT_HEAD_LOG))
    sent = _send(head)
    cache.set(_LAST_SENT, head.anchor, None)
    logger.info("Audit trail head #%d recorded; %d e-mails sent", head.event_id, sent)
    return head


def anchors_in(text: str) -> list[str]:
    """Every ID:HASH in a file of heads (lines of the log, or pasted from the e-mails)."""
    return [f"{event_id}:{digest}" for event_id, digest in ANCHOR.findall(text)]
