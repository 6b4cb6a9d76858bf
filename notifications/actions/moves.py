"""The one move function of a letter batch and of its letters: every change of their status goes through these,
which check the model's transitions table (portal/lib/transitions.py), change the status with a conditional update
on the old one and write the audit row in the same transaction, for a worker (actor None) as for a person."""

from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import User
from audit import api as audit
from notifications.models import Letter, LetterBatch


def locked_batch(batch: LetterBatch) -> LetterBatch:
    """The batch's row, locked until the caller's transaction ends: a person's move checks it, then moves it."""
    return LetterBatch.objects.select_for_update().get(pk=batch.pk)


@transaction.atomic
def move_batch(
    actor: User | None,
    batch: LetterBatch,
    to: str,
    action: str,
    *,
    details: dict[str, object] | None = None,
    only_from: Collection[str] | None = None,
    also: dict[str, Any] | None = None,
    in_round: int | None = None,
) -> bool:
    """Move the batch to `to` and record `action` (the step's own name: "letter_batch.approved").

    A person's move refuses, naming the batch's status, when the table does not allow it. A worker's move
    names the render round it works on (`in_round`): a batch that has left that round or that status since (a
    re-render, another run that got there first) is left as it is, and False says nothing moved."""
    if in_round is None:
        LetterBatch.TRANSITIONS.move_one(batch, to, only_from=only_from, also=also)
    else:
        rows = LetterBatch.objects.filter(pk=batch.pk, render_round=in_round)
        if not LetterBatch.TRANSITIONS.move(rows, to, only_from=only_from, also=also):
            return False
    audit.record(action, actor=actor, incident_id=batch.incident_id, target=batch, details=details)
    return True


@transaction.atomic
def move_letters(
    actor: User | None,
    batch: LetterBatch,
    letters: QuerySet[Letter],
    to: str,
    *,
    also: dict[str, Any] | None = None,
    audited: bool = True,
) -> int:
    """Move, in one statement, every letter of `letters` (all of `batch`) whose status may become `to`; how many
    moved. Letters move by the set, never one by one: a batch holds up to millions of them. One audit row records
    the set, not each letter.

    `audited=False` is for a render chunk settling the letters it claimed: the batch's finishing step records
    the round's letters rendered and failed in its own row ("letter_batch.rendered" or "letter_batch.blocked"),
    since a row per chunk would take the audit trail's lock thousands of times per batch while it renders."""
    moved = Letter.TRANSITIONS.move(letters, to, also=also)
    if moved and audited:
        details = {"to": to, "letters": moved}
        audit.record("letter_batch.letters_moved", actor=actor, incident_id=batch.incident_id, target=batch,
                     details=details)  # fmt: skip
    return moved
