"""The audit API: every action calls `record` inside its own transaction.

Details must never hold personal data: names of fields that changed, ids,
counts and codes are fine; values typed about a person are not.
"""

from typing import Any, Protocol

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from audit.chain import GENESIS, compute_hash
from audit.db import lock_chain_and_read_head
from audit.models import AuditEvent
from portal.lib.request_id import current_request_id

_SCALARS = (str, int, bool, type(None))

# Every action the trail knows, with the label the audit screen shows.
ACTIONS: dict[str, str] = {
    "auth.login": "Signed in",
    "auth.logout": "Signed out",
    "auth.login_failed": "Sign-in failed",
    "user.created": "User created",
    "user.changed": "User changed",
    "catalog.created": "Catalog entry added",
    "catalog.changed": "Catalog entry changed",
    "incident.created": "Incident created",
    "incident.updated": "Incident edited",
    "incident.status_changed": "Incident status changed",
    "incident.purged": "Personal data purged",
    "incident.target_set": "Target date set",
    "membership.added": "Role granted",
    "membership.removed": "Role removed",
    "demo.seeded": "Demo data loaded",
    "import.uploaded": "Import file uploaded",
    "import.reread": "Import file read from another header row or sheet",
    "import.check_requested": "Import check requested",
    "import.checked": "Import file checked",
    "import.confirmed": "Import confirmed",
    "import.completed": "People imported",
    "import.failed": "Import failed",
    "import.resumed": "Import sent to a worker again",
    "import.discarded": "Import discarded",
    "import.report_downloaded": "Import report downloaded",
    "faq.added": "FAQ entry added",
    "faq.changed": "FAQ entry changed",
    "faq.removed": "FAQ entry removed",
    "notice.published": "Public notice published",
    "notice.unpublished": "Public notice taken down",
    "notice.update_added": "Notice update posted",
    "notice.update_removed": "Notice update removed",
    "notice.checked": "Self-service check on the public notice",
    "obligation.added": "Obligation added",
    "obligation.done": "Obligation marked done",
    "obligation.evidence_downloaded": "Obligation evidence downloaded",
    "obligation.not_notifying": "Decision not to notify recorded",
    "ferpa.exported": "FERPA record of disclosure downloaded",
    "export.requested": "Export of personal data asked for",
    "export.approved": "Export approved by a second person",
    "export.refused": "Export refused",
    "export.downloaded": "Export downloaded",
    "export.failed": "Export could not be made; its link works again",
    "lookup.searched": "Caller search",
    "lookup.rate_limited": "Caller search refused (rate limit)",
    "call.started": "Call started",
    "call.record_viewed": "Caller record viewed",
    "escalation.viewed": "Escalation viewed",
    "address_change.list_viewed": "Address changes viewed",
    "call.verification_checked": "Caller verification checked",
    "call.closed": "Call closed",
    "call.address_change_requested": "Address change requested",
    "call.letter_resend_requested": "Letter re-send requested",
    "call.escalated": "Call escalated",
    "escalation.callback_logged": "Callback logged",
    "escalation.resolved": "Escalation resolved",
    "address_change.approved": "Address change approved",
    "letter_template.defaults_installed": "Standard letter templates added",
    "letter_template.created": "Letter template added",
    "letter_template.changed": "Letter template edited",
    "letter_settings.changed": "Letter return address or logo changed",
    "letter.previewed": "Letter previewed",
    "letter.preview_looked_up": "Person looked up by reference code for a letter preview",
    "letter.preview_rate_limited": "Letter preview by reference code refused (rate limit)",
    "letter.downloaded": "Single letter downloaded",
    "letter_batch.created": "Letter batch created",
    "letter_batch.rerender_requested": "Letter batch sent to render again",
    "letter_batch.letters_moved": "Letters of a batch changed status",
    "letter_batch.rendered": "Letter batch rendered",
    "letter_batch.blocked": "Letter batch blocked by failed letters",
    "letter_batch.proof_made": "Letter batch proof made",
    "letter_batch.proof_opened": "Letter batch proof opened",
    "letter_batch.proof_written": "Letter batch proof written from the command line",
    "letter_batch.approved": "Letter batch approved",
    "letter_batch.exported": "Letter batch exported",
    "letter_batch.mailed": "Letter batch marked mailed",
    "mail.returned": "Returned mail recorded",
    "letter_resend.batched": "Letters asked for on calls put in a batch",
    "address_change.rejected": "Address change rejected",
    "disposition.added": "Disposition added",
    "disposition.changed": "Disposition changed",
    "audit.check_requested": "Trail check requested",
    "audit.checked": "Trail checked",
    "audit.check_started": "Trail check started by a worker",
    "audit.check_stopped": "Trail check stopped with an error",
    "auth.mfa_passed": "Second factor given",
    "auth.mfa_failed": "Second factor refused",
    "auth.reauthenticated": "Identity confirmed again",
    "auth.session_ended": "Session ended",
    "mfa.enrolled": "Authenticator set up",
    "mfa.recovery_codes_renewed": "New recovery codes made",
    "mfa.reset": "Second factor reset by an administrator",
    "user.sessions_ended": "Sessions ended by an administrator",
    "fields.resealed": "Identifiers sealed again under the newest key",
}
# Actions that belong to the installation rather than to one incident.
INSTALLATION_ACTIONS = frozenset(
    {
        "auth.login",
        "auth.logout",
        "auth.login_failed",
        "user.created",
        "user.changed",
        "catalog.created",
        "catalog.changed",
        "audit.check_requested",
        "audit.checked",
        "audit.check_started",
        "audit.check_stopped",
        "auth.mfa_passed",
        "auth.mfa_failed",
        "auth.reauthenticated",
        "auth.session_ended",
        "mfa.enrolled",
        "mfa.recovery_codes_renewed",
        "mfa.reset",
        "user.sessions_ended",
        "fields.resealed",
    }
)


class Actor(Protocol):
    pk: Any

    def get_username(self) -> str: ...


def _check_details(details: dict[str, Any]) -> None:
    for key, value in details.items():
        items = value if isinstance(value, list) else [value]
        if not isinstance(key, str) or not all(isinstance(item, _SCALARS) for item in items):
            raise TypeError(f"audit detail {key!r} must be a string, number, boolean or a list of them")


def _in_transaction() -> bool:
    """Inside an atomic block that code opened. The blocks a test wraps itself in (pytest-django's `db`
    marks them `_from_testcase`, as Django's durable check reads them) do not count: a request, signal or
    task that reaches `record` outside a transaction then fails its tests as it would fail in production."""
    blocks = getattr(connection, "atomic_blocks", [])
    return connection.in_atomic_block and any(not getattr(block, "_from_testcase", False) for block in blocks)


def target_type_of(model: type[Model] | Model) -> str:
    """How the trail names a kind of target: by its table ("incidents.importjob" for incidents_importjob),
    which never moves, so a kind keeps one name across releases even when its model moves to another app."""
    return model._meta.db_table.replace("_", ".", 1)


def record(
    action: str,
    *,
    actor: Actor | None,
    incident_id: int | None = None,
    target: Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    Call it as the action's last step: from here to commit the transaction
    holds the chain's lock, and every other audited action waits for it.
    """
    if not _in_transaction():
        raise RuntimeError("audit.record must run inside the action's transaction")
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; add it to audit.api.ACTIONS")
    details = details or {}
    _check_details(details)
    prev_hash = lock_chain_and_read_head(connection) or GENESIS
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor.get_username() if actor is not None else "",
        action=action,
        incident_id=incident_id,
        target_type=target_type_of(target) if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
        request_id=current_request_id.get(),
        prev_hash=prev_hash,
    )
    event.hash = compute_hash(event)
    event.save(force_insert=True)
    return event
