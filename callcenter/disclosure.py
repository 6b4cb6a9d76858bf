"""What a verified caller is told: whether they are affected, what of theirs was exposed, and their letter.

The agent reads the card aloud to whoever the letter went to, so each type of information is worded for
them: "your name" to an adult, "your child's name" to a parent, "the deceased person's name" to next of kin.
"""

from dataclasses import dataclass

from callcenter.models import LetterResend
from incidents import wording
from incidents.models import DataType
from notifications.letters.merge import reading_order
from notifications.models import Letter
from people.models import Recipient


@dataclass(frozen=True)
class Disclosure:
    data_types: list[wording.WordedType]
    letter: str
    resend_waiting: bool


def _letter_status(recipient: Recipient) -> str:
    name = reading_order(recipient.name)
    latest = Letter.objects.filter(recipient=recipient).select_related("batch").order_by("-batch__created_at").first()
    if latest is not None and latest.returned_on:
        return (
            f"The letter mailed to {name} on {latest.mailed_on:%m/%d/%Y} came back on "
            f"{latest.returned_on:%m/%d/%Y} ({latest.get_return_reason_display().lower()}): "
            "the address needs correcting."
        )
    if latest is not None and latest.mailed_on:
        return f"A letter was mailed to {name} on {latest.mailed_on:%m/%d/%Y}."
    if not recipient.has_mailing_address:
        return f"No letter can be mailed to {name}: the file has no complete mailing address."
    if latest is not None:
        return f"A letter to {name} is being prepared; it has not been mailed yet."
    return f"No letter to {name} has been mailed yet."


def for_recipient(recipient: Recipient) -> Disclosure:
    types = list(DataType.objects.filter(exposures__individual_id=recipient.individual_id).order_by("sort_order"))
    waiting = LetterResend.objects.filter(recipient=recipient, batched_at__isnull=True).exists()
    return Disclosure(
        data_types=wording.worded(types, recipient.relationship),
        letter=_letter_status(recipient),
        resend_waiting=waiting,
    )
