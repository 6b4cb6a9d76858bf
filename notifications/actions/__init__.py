"""State changes on letters, one module per subject. Each is atomic, takes the acting user and writes its audit
event. Callers use the package (`from notifications import actions; actions.approve_batch(...)`).

A worker's writes on the rows it claimed (a chunk's letters, a batch's progress counters, assembly claim and
proof) live beside the worker code, in notifications/letters/jobs.py and proof.py; their status moves go through
`moves` here, like everyone's.
"""

from notifications.actions.approval import (
    approve_batch,
    approved_request,
    record_command_export,
    record_export,
    record_proof_opened,
    record_proof_written,
)
from notifications.actions.batches import create_batch, rerender_batch
from notifications.actions.letters import record_letter_download
from notifications.actions.mailing import ReturnedPiece, mark_mailed, record_returns
from notifications.actions.moves import locked_batch, move_batch, move_letters
from notifications.actions.purge import purge_letters
from notifications.actions.templates import (
    DEFAULT_TEMPLATES,
    default_text,
    install_default_templates,
    record_preview,
    record_preview_lookup,
    record_refused_preview,
    save_letter_settings,
    save_template,
)

__all__ = [
    "DEFAULT_TEMPLATES",
    "ReturnedPiece",
    "approve_batch",
    "approved_request",
    "create_batch",
    "default_text",
    "install_default_templates",
    "locked_batch",
    "mark_mailed",
    "move_batch",
    "move_letters",
    "purge_letters",
    "record_command_export",
    "record_export",
    "record_letter_download",
    "record_preview",
    "record_preview_lookup",
    "record_proof_opened",
    "record_proof_written",
    "record_refused_preview",
    "record_returns",
    "rerender_batch",
    "save_letter_settings",
    "save_template",
]
