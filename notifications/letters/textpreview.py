"""The letter text editor's preview: the body as a made-up reader gets it, as HTML beside the editor."""

from django.utils import timezone
from django.utils.safestring import SafeString

from incidents.models import DataType, Incident
from notifications.letters import lettertext, merge, sandbox


def sample_types(incident: Incident, medical: bool) -> list[DataType]:
    """The incident's data types, with or without the medical ones (a medical type is added when asked for)."""
    types = list(incident.data_types.all()) or list(DataType.objects.filter(key__in=["name", "postal_address"]))
    types = [t for t in types if not t.is_medical]
    if medical:
        types += list(DataType.objects.filter(is_medical=True).order_by("sort_order", "pk")[:1])
    return types


def render(incident: Incident, text: str, language: str, relationship: str, medical: bool) -> tuple[str, SafeString]:
    """The salutation and the body, for a made-up recipient; TemplateProblem names the line that is wrong."""
    facts = merge.sample_facts(incident, relationship)
    facts = merge.LetterFacts(facts.recipient, facts.individual, sample_types(incident, medical))
    context = merge.letter_context(facts, merge.incident_fields(incident, language), language, timezone.localdate())
    body = sandbox.render_body(sandbox.compile_body(lettertext.compile_text(text)), context)
    return str(context["salutation"]), body
