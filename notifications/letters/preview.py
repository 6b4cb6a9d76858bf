"""Previews: one letter of one variant as PDF, rendered exactly as a batch would render it."""

from django.utils import timezone

from notifications.letters import merge
from notifications.letters.maker import LetterMaker, data_types_of
from notifications.models import Letter, LetterTemplate
from people.models import Recipient

SCAN_LIMIT = 5000  # recipients looked at to find one the variant fits


class PreviewFailed(Exception):
    pass


def first_fitting(template: LetterTemplate) -> Recipient | None:
    """The first recipient (in reference order) this variant is chosen for, among the first few thousand."""
    templates = list(LetterTemplate.objects.filter(incident_id=template.incident_id, is_active=True))
    recipients = list(
        Recipient.objects.filter(incident_id=template.incident_id)
        .select_related("individual")
        .defer(  # sealed, unused here
            "phone",
            "email",
            "guardian_phone",
            "guardian_email",
            "next_of_kin_phone",
            "next_of_kin_email",
            "individual__date_of_birth",
            "individual__external_id",
        )
        .order_by("pk")[:SCAN_LIMIT]
    )
    types = data_types_of(Letter(recipient=r) for r in recipients)
    for recipient in recipients:
        facts = merge.LetterFacts(recipient, recipient.individual, types.get(recipient.individual_id, []))
        chosen = merge.choose_template(templates, facts)
        if chosen is not None and chosen.pk == template.pk:
            return recipient
    return None


def render(maker: LetterMaker, template: LetterTemplate, recipient: Recipient | None) -> bytes:
    """This variant for `recipient` (whichever variant a batch would choose), or for a made-up person."""
    # The preview shows this variant, even for a recipient whom another one fits better, dated as a batch
    # made today would be (today, while the incident has no notice date).
    on = template.incident.notice_on or timezone.localdate()
    if recipient is None:
        facts = merge.sample_facts(template.incident)
        letter = Letter(recipient=facts.recipient, sequence=1)
        outcome = maker.make(letter, list(facts.data_types), on, template)
    else:
        letter = Letter(recipient=recipient, sequence=1)
        outcome = maker.make(letter, data_types_of([letter]).get(recipient.individual_id, []), on, template)
    document = outcome.document
    if document is None:
        raise PreviewFailed(outcome.reason)
    pdf, _counts = maker.renderer.write([document])
    return pdf
