from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from audit import heads
from audit.chain import verify_all
from audit.db import triggers_installed
from audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chain; exit non-zero and name the first broken row. "
        "--anchor ID:HASH also checks a head recorded earlier outside the portal; --anchors-from FILE checks "
        "every head in a file (AUDIT_HEAD_LOG, or the heads e-mailed to auditors pasted into one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="ID:HASH",
            help="An event id and hash printed by an earlier run; repeatable.",
        )
        parser.add_argument(
            "--anchors-from",
            type=Path,
            metavar="FILE",
            help="A file of recorded heads, one ID:HASH per line (the AUDIT_HEAD_LOG file); all are checked.",
        )

    def handle(self, *args: Any, anchor: list[str], anchors_from: Path | None, **options: Any) -> None:
        recorded = anchor + (self._read_anchors(anchors_from) if anchors_from else [])
        report = verify_all()
        if not report.ok:
            raise CommandError(
                f"Audit trail broken at event #{report.broken_id}: {report.reason}. "
                f"{report.checked} events before it are intact."
            )
        for earlier in recorded:
            self._check_anchor(earlier)
        if not triggers_installed(connection):
            raise CommandError("The audit table's append-only triggers are missing; run `manage.py migrate`.")
        self.stdout.write(f"Audit trail intact: {report.checked} events checked.")
        if recorded:
            self.stdout.write(f"Recorded heads matched: {len(recorded)}.")
        # Recording the head elsewhere lets a later run (--anchor) notice events
        # removed from the end, or a trail rewritten and re-hashed wholesale.
        head = heads.current_head()
        if head:
            self.stdout.write(f"Head: {head.anchor}")

    def _check_anchor(self, recorded: str) -> None:
        event_id, _, expected = recorded.partition(":")
        if not event_id.isdigit() or len(expected) != 64:
            raise CommandError(f"--anchor {recorded!r} is not ID:HASH as printed by verify_audit.")
        stored = AuditEvent.objects.filter(pk=int(event_id)).values_list("hash", flat=True).first()
        if stored is None:
            raise CommandError(f"Anchor event #{event_id} is missing: the trail was cut back or rebuilt.")
        if stored != expected:
            raise CommandError(f"Anchor event #{event_id} has a different hash: the trail was rewritten.")

    def _read_anchors(self, path: Path) -> list[str]:
        try:
            found = heads.anchors_in(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"--anchors-from {path}: cannot read it ({exc}).") from None
        if not found:
            raise CommandError(f"--anchors-from {path}: no ID:HASH line in it; is it the AUDIT_HEAD_LOG file?")
        return found
