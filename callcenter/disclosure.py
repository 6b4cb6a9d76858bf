"""What a verified caller is told: whether they are affected, what of theirs was exposed, and their letter."""

from dataclasses import dataclass

from callcenter.models import LetterResend
from incidents.models import DataType, Recipient


@dataclass(frozen=True)
class Disclosure:
    data_types: list[DataType]
    letter: str
    resend_waiting: bool


def _letter_status(recipient: Recipient) -> str:
    if not recipient.has_mailing_address:
        return f"No letter can be mailed to {recipient.name}: the file has no complete mailing address."
    return f"No letter to {recipient.name} has been mailed yet."


def for_recipient(recipient: Recipient) -> Disclosure:
    types = list(DataType.objects.filter(exposures__individual_id=recipient.individual_id).order_by("sort_order"))
    waiting = LetterResend.objects.filter(recipient=recipient, batched_at__isnull=True).exists()
    return Disclosure(data_types=types, letter=_letter_status(recipient), resend_waiting=waiting)
