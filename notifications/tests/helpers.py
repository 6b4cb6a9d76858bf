"""Synthetic mailing lists for letter tests."""

from incidents.models import Incident
from incidents.readers import Relationship
from notifications import actions
from notifications.letters.selection import Selection
from notifications.models import LetterBatch
from notifications.tasks import run_now
from people.models import Recipient
from portal.testing import IndividualFactory, RecipientFactory, expose


def recipients(incident: Incident, count: int, *types: str, **fields: object) -> list[Recipient]:
    """`count` recipients with deliverable addresses, each for its own person with `types` exposed."""
    made = []
    for n in range(count):
        individual = IndividualFactory.create(incident=incident, first_name=f"Kid{n}")
        expose(individual, *(types or ("name",)))
        values = {"postal_code": f"65{n % 1000:03d}", "relationship": Relationship.PARENT_GUARDIAN, **fields}
        made.append(RecipientFactory.create(individual=individual, **values))
    return made


def rendered_batch(incident: Incident, actor=None, name: str = "First mailing", **selection: object) -> LetterBatch:
    """A batch of everyone selectable, rendered in this process."""
    if not incident.letter_templates.exists():
        actions.install_default_templates(actor, incident)
    batch = actions.create_batch(actor, incident, name, Selection(**selection))  # type: ignore[arg-type]
    run_now(batch.pk, batch.render_round)
    batch.refresh_from_db()
    return batch


def approve(approver, batch: LetterBatch) -> None:
    """`approver` looks at the proof (recorded as the proof page records it), then approves."""
    actions.record_proof_opened(approver, batch)
    actions.approve_batch(approver, batch)
