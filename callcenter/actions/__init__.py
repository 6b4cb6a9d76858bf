"""State changes of the call center, one module per subject: searches, calls, dispositions, escalations,
address changes, re-sends and the purge. Each is atomic and audited; audit details hold ids, names of
points and fields, and keyed hashes, never what a caller said.

The public names are re-exported here so callers keep `from callcenter import actions` and
`actions.record_call(...)`; new code may import from the subject's module directly (zulip's habit).
"""

from callcenter.actions.address_changes import (
    move_address_change,
    record_address_changes_view,
    request_address_change,
    review_address_change,
)
from callcenter.actions.calls import LOCKED, check_verification, close_call, record_view, start_call
from callcenter.actions.dispositions import add_disposition, ensure_dispositions, set_disposition_active
from callcenter.actions.escalations import (
    escalate,
    log_callback,
    move_escalation,
    record_escalation_view,
    resolve_escalation,
)
from callcenter.actions.purge import purge_calls
from callcenter.actions.resends import batch_letter_resends, request_letter_resend
from callcenter.actions.searches import criteria_hash, record_refused_search, record_search
from portal.lib.errors import ActionRefused

__all__ = [
    "LOCKED",
    "ActionRefused",
    "add_disposition",
    "batch_letter_resends",
    "check_verification",
    "close_call",
    "criteria_hash",
    "ensure_dispositions",
    "escalate",
    "log_callback",
    "move_address_change",
    "move_escalation",
    "purge_calls",
    "record_address_changes_view",
    "record_escalation_view",
    "record_refused_search",
    "record_search",
    "record_view",
    "request_address_change",
    "request_letter_resend",
    "resolve_escalation",
    "review_address_change",
    "set_disposition_active",
    "start_call",
]
