"""What an agent tells a verified caller about their letter, from the letter's own record."""

from datetime import date

from callcenter import disclosure
from notifications.models import Letter, LetterBatch, ReturnReason
from notifications.tests.helpers import recipients


def _letter(incident, recipient, **fields):
    batch = LetterBatch.objects.create(incident=incident, name="Mailing")
    return Letter.objects.create(batch=batch, incident=incident, recipient=recipient, sequence=1, **fields)


def test_the_letter_status_follows_the_letter(incident):
    recipient = recipients(incident, 1, name="Grace Okafor")[0]
    assert disclosure.for_recipient(recipient).letter == "No letter to Grace Okafor has been mailed yet."
    letter = _letter(incident, recipient)
    assert "is being prepared" in disclosure.for_recipient(recipient).letter
    Letter.objects.filter(pk=letter.pk).update(mailed_on=date(2026, 11, 2))
    assert disclosure.for_recipient(recipient).letter == "A letter was mailed to Grace Okafor on 11/02/2026."
    Letter.objects.filter(pk=letter.pk).update(returned_on=date(2026, 11, 9), return_reason=ReturnReason.VACANT)
    assert disclosure.for_recipient(recipient).letter == (
        "The letter mailed to Grace Okafor on 11/02/2026 came back on 11/09/2026 (vacant): "
        "the address needs correcting."
    )
