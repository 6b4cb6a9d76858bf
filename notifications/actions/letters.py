"""Single letters: one mail piece downloaded on its own."""

from django.db import transaction

from accounts.models import User
from audit import api as audit
from notifications.models import Letter


@transaction.atomic
def record_letter_download(actor: User, letter: Letter) -> None:
    audit.record(
        "letter.downloaded",
        actor=actor,
        incident_id=letter.incident_id,
        target=letter,
        details={"batch": letter.batch_id, "sequence": letter.sequence},
    )
