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


def test_the_card_speaks_to_whoever_the_letter_went_to(incident):
    from incidents.readers import Relationship

    parent, adult, kin = (
        recipients(incident, 1, "name", "ssn", relationship=relationship)[0]
        for relationship in (Relationship.PARENT_GUARDIAN, Relationship.SELF, Relationship.NEXT_OF_KIN)
    )
    said = {
        r.relationship: [t.description for t in disclosure.for_recipient(r).data_types] for r in (parent, adult, kin)
    }
    assert said[Relationship.PARENT_GUARDIAN][0] == "Your child's first and last name."
    assert said[Relationship.SELF][0] == "Your first and last name."
    assert said[Relationship.NEXT_OF_KIN][0] == "The deceased person's first and last name."
    assert "in your child's name" in said[Relationship.PARENT_GUARDIAN][1]
    assert not any("child" in text for text in said[Relationship.SELF] + said[Relationship.NEXT_OF_KIN])


def test_the_letter_status_names_the_recipient_in_reading_order(incident):
    recipient = recipients(incident, 1, name="Fitzgerald, Owen")[0]
    assert disclosure.for_recipient(recipient).letter == "No letter to Owen Fitzgerald has been mailed yet."
