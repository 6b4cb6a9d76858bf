"""The letter text editor's preview: the body as a made-up reader gets it, as HTML beside the editor."""

from collections.abc import Sequence

from django.utils import timezone
from django.utils.safestring import SafeString

from incidents.models import DataType, Incident
from notifications.letters import lettertext, merge, sandbox


def sample_types(types: Sequence[DataType], medical: bool) -> list[DataType]:
    """The sample reader's data types, with or without the medical ones (a medical type is added when asked for)."""
    kept = [t for t in types if not t.is_medical]
    if medical:
        kept += list(DataType.objects.filter(is_medical=True).order_by("sort_order", "pk")[:1])
    return kept


def render(
    incident: Incident, text: str, language: str, relationship: str, medical: bool, state: str = "MO"
) -> tuple[str, SafeString]:
    """The salutation and the body, for a made-up recipient living in `state` (the block its law asks for,
    the parts it keeps out); TemplateProblem names the line that is wrong."""
    facts = merge.sample_facts(incident, relationship, state)
    facts = merge.LetterFacts(facts.recipient, facts.individual, sample_types(facts.data_types, medical))
    context = merge.letter_context(facts, merge.incident_fields(incident, language), language, timezone.localdate())
    body = sandbox.render_body(sandbox.compile_body(lettertext.compile_text(text)), context)
    return str(context["salutation"]), body
