"""What the batch commands share: finding the batch by id, and opening a new file without overwriting one."""

from pathlib import Path
from typing import BinaryIO

from django.core.management.base import CommandError

from notifications.models import LetterBatch


def batch_or_refuse(batch_id: int, status_in: tuple[str, ...], only: str) -> LetterBatch:
    """The batch, or a CommandError when there is none or its status is not one of `status_in`."""
    batch = LetterBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        raise CommandError(f"No letter batch has the id {batch_id}.")
    if batch.status not in status_in:
        raise CommandError(f"Batch {batch.pk} is {batch.get_status_display().lower()}; {only}.")
    return batch


def open_new(path: Path, otherwise: str) -> BinaryIO:
    """`path` opened exclusively for writing; `otherwise` names what to choose instead when it exists."""
    try:
        return path.open("xb")
    except FileExistsError:
        raise CommandError(f"{path} already exists; move it away or choose another {otherwise}.") from None
    except OSError as exc:
        raise CommandError(f"Cannot write {path}: {exc.strerror}.") from None
