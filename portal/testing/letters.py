"""Synthetic mailing lists for letter tests."""

from incidents.models import Incident
from incidents.readers import Relationship
from notifications import actions
from notifications.letters.selection import Selection
from notifications.models import LetterBatch, LetterTemplate
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


def bodies_laid_out_per_letter(incident: Incident) -> None:
    """Make every active template's body name the letter's reference code, so that each letter's body is
    laid out on its own (tens of milliseconds a letter, where shared bodies take a few): a chunk then lasts
    long enough for a test to stop its worker inside it, whatever the broker's polling leaves between chunks."""
    for template in incident.letter_templates.filter(is_active=True):
        template.body += "<p>{{ reference_code }}</p>"
        template.save(update_fields=["body", "updated_at"])


def missouri_and_broken_kansas(incident: Incident, actor, missouri: int, kansas: int) -> LetterTemplate:
    """Recipients in Missouri and in Kansas, the default templates, and a Kansas template whose merge field does
    not exist: the Kansas letters fail, and a batch of them all blocks. The Kansas template, to mend."""
    recipients(incident, missouri, state="MO")
    recipients(incident, kansas, state="KS", postal_code="66044")
    actions.install_default_templates(actor, incident)
    return LetterTemplate.objects.create(incident=incident, name="Kansas", state="KS", body="<p>{{ kansas_only }}</p>")


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
