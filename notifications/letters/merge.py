"""The merge fields a letter body can use, and how a recipient's variant is chosen.

The fields are plain values computed here from the rows; the body never sees
a model. MERGE_FIELDS documents them on the template screen.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from incidents import wording
from incidents.models import DataType, Incident
from incidents.readers import Language, Relationship
from incidents.wording import written_date
from notifications.letters.address import mailing_address
from notifications.letters.sandbox import frozen
from notifications.letters.states import letter_rules
from notifications.models import LetterTemplate
from people.models import Individual, Recipient
from portal.lib import phone as phones
from regulators.obligations import catalog_keys

MERGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("recipient_name", "Whom the letter is addressed to, as on the envelope."),
    ("address_lines", "The recipient's address as printed in the window, a list of lines."),
    ("salutation", "“Dear …:” fitting the relationship and language, the name in reading order."),
    ("relationship", "self, parent_guardian or next_of_kin."),
    ("is_self, is_parent_guardian, is_next_of_kin", "True for that relationship: use with {% if %}."),
    ("individual_name", "The full name of the person whose data was exposed."),
    ("individual_first_name", "Their first name."),
    ("data_types", "The exposed data types: each has .key, .label and .description (worded for the reader)."),
    ("data_types_text", "The exposed data types as a plain-language list: “name, address and medical information”."),
    ("data_type_keys", 'Their catalog keys, for {% if "medical_information" in data_type_keys %}.'),
    (
        "has_medical, has_ssn, has_financial, has_government_id, has_education_record",
        "True when such data was exposed.",
    ),
    ("state", "The recipient's two-letter state code."),
    (
        "state_insert",
        "The block the law of the recipient's state asks its residents' letters to carry, from the jurisdictions "
        "table: .blocks, each law's with its .title and .lines (or .title and .lines for all of it as one); "
        "empty for a state that asks for none.",
    ),
    (
        "omits_what_happened, omits_number_affected",
        "True when the law of the recipient's state keeps that part out of the letter (what_happened and "
        "number_affected are then empty).",
    ),
    ("number_affected", "How many people the incident's letters are about, 1,204 (empty where a state keeps it out)."),
    ("language", "en or es."),
    ("reference_code", "The code printed on the letter, which the caller reads to the hotline."),
    ("letter_date", "The date printed on the letter, written out."),
    ("organisation_name, incident_title", "Who is writing, and the incident's title (its Spanish title in Spanish)."),
    (
        "what_happened, what_information, what_we_are_doing, what_you_can_do, for_more_information",
        "The incident's notice sections, as written on the incident (in Spanish for a Spanish letter).",
    ),
    (
        "occurred_on, discovered_on, contained_on, notice_on",
        "The incident's dates, written out (empty when unknown; discovered_on is also empty when the "
        "incident's “What happened” already gives that date, so a letter says it once).",
    ),
    (
        "hotline_phone, hotline_hours, contact_email",
        "Where to get help: the number as people dial it, (800) 555-0199; the hours with their time zone.",
    ),
)

_AND: dict[str, str] = {Language.ENGLISH: "and", Language.SPANISH: "y"}
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv", "v"}
_NO_GUARDIAN_NAMED = "parent or guardian of "


class MissingTranslation(ValueError):
    """The incident has a text in English that a Spanish letter would need in Spanish."""

    def __init__(self, missing: Sequence[str]) -> None:
        self.missing = list(missing)
        names = ", ".join(f"“{label}”" for label in self.missing)
        super().__init__(
            f"The incident has no Spanish for {names}: write it on the incident's form "
            "(a Spanish letter is never filled in with English)."
        )


def plain_list(words: Sequence[str], language: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    conjunction = _AND.get(language, "and")
    last = words[-1].lower()
    if language == Language.SPANISH and last.startswith(("i", "hi")) and not last.startswith(("hia", "hie", "hio")):
        conjunction = "e"  # "nombre e información", as Spanish says it before an i sound
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def reading_order(name: str) -> str:
    """A name as it is read: "Fitzgerald, Owen" -> "Owen Fitzgerald", "Cruz, José Luis de la, Jr." ->
    "José Luis de la Cruz Jr."; a name without a comma stays as it is."""
    parts = [part.strip() for part in name.split(",") if part.strip()]
    suffix = [parts.pop()] if len(parts) > 1 and parts[-1].lower().rstrip(".") in _SUFFIXES else []
    if len(parts) == 2:
        parts = [parts[1], parts[0]]
    return " ".join([*parts, *suffix])


def person_name(individual: Individual) -> str:
    return reading_order(individual.full_name)


def addressee(recipient: Recipient, individual: Individual, language: str) -> str:
    """Whom the letter is addressed to, in reading order and in the letter's language."""
    if recipient.relationship == Relationship.SELF and individual.first_name:
        return person_name(individual)
    if recipient.name.lower().startswith(_NO_GUARDIAN_NAMED):
        about = person_name(individual)
        return f"Padre, madre o tutor de {about}" if language == Language.SPANISH else f"Parent or Guardian of {about}"
    return reading_order(recipient.name)


def salutation(recipient: Recipient, individual: Individual, language: str) -> str:
    """ "Dear Owen Fitzgerald:"; in Spanish "Apreciable", which is the same for a woman and a man."""
    if language == Language.SPANISH and recipient.name.lower().startswith(_NO_GUARDIAN_NAMED):
        return f"Estimada familia de {person_name(individual)}:"
    name = addressee(recipient, individual, language)
    return f"Apreciable {name}:" if language == Language.SPANISH else f"Dear {name}:"


def incident_fields(incident: Incident, language: str, strict: bool = True) -> dict[str, Any]:
    """The fields every letter of the incident shares; computed once per chunk. A Spanish letter of an
    incident with English texts that have no Spanish raises MissingTranslation (unless not `strict`: a
    template is checked before the incident's Spanish is written)."""
    missing = incident.missing_spanish() if strict and language == Language.SPANISH else []
    if missing:
        raise MissingTranslation(missing)
    fields: dict[str, Any] = {
        "organisation_name": incident.organisation_name,
        "incident_title": incident.text("title", language),
        "hotline_phone": phones.for_display(incident.hotline_phone),
        "hotline_hours": wording.hotline_hours(incident, language),
        "contact_email": incident.contact_email,
    }
    for name, _label in incident.NOTICE_SECTIONS:
        fields[name] = incident.text(name, language)
    for name in ("occurred_on", "discovered_on", "contained_on", "notice_on"):
        fields[name] = written_date(getattr(incident, name), language)
    fields["number_affected"] = f"{incident.individuals.count():,}"
    fields["_discovered_on"] = fields["discovered_on"]  # for a reader whose letter leaves out what happened
    fields["_organisation_type"] = incident.organisation_type
    fields["_organisation_state"] = incident.organisation_state
    fields["_exposed"] = catalog_keys(incident.data_types.all())  # which laws reach the readers, as for obligations
    if says_date(fields["what_happened"], fields["discovered_on"]):
        fields["discovered_on"] = ""
    return fields


def says_date(text: str, written: str) -> bool:
    """Whether `text` already gives the date `written` (as written_date writes it in that language), so
    a letter that prints the text does not add a sentence saying the same date again."""
    return bool(written) and " ".join(written.split()).lower() in " ".join(text.split()).lower()


@dataclass(frozen=True)
class LetterFacts:
    """What one letter is about, read in bulk by the caller."""

    recipient: Recipient
    individual: Individual
    data_types: Sequence[DataType]


def letter_context(facts: LetterFacts, shared: Mapping[str, Any], language: str, on: date) -> Mapping[str, Any]:
    recipient, individual = facts.recipient, facts.individual
    types = sorted(facts.data_types, key=lambda t: (t.sort_order, t.label))
    labels = [wording.data_type_label(t, language) for t in types]
    worded = wording.worded(types, recipient.relationship, language)
    name = addressee(recipient, individual, language)
    rules = letter_rules(
        recipient.state,
        language,
        shared.get("_organisation_type", ""),
        shared.get("_organisation_state", ""),
        shared.get("_exposed"),
    )
    context = {
        **{key: value for key, value in shared.items() if not key.startswith("_")},
        "recipient_name": name,
        "address_lines": mailing_address(recipient, name).window_lines,
        "salutation": salutation(recipient, individual, language),
        "relationship": recipient.relationship,
        "is_self": recipient.relationship == Relationship.SELF,
        "is_parent_guardian": recipient.relationship == Relationship.PARENT_GUARDIAN,
        "is_next_of_kin": recipient.relationship == Relationship.NEXT_OF_KIN,
        "individual_name": person_name(individual),
        "individual_first_name": individual.first_name,
        "data_types": [{"key": t.key, "label": t.label, "description": t.description} for t in worded],
        "data_types_text": plain_list(labels, language),
        "data_type_keys": [t.key for t in types],
        "has_medical": any(t.is_medical for t in types),
        "has_ssn": any(t.is_ssn for t in types),
        "has_financial": any(t.is_financial for t in types),
        "has_government_id": any(t.is_government_id for t in types),
        "has_education_record": any(t.is_education_record for t in types),
        "state": recipient.state,
        "state_insert": rules.insert,
        "omits_what_happened": "what_happened" in rules.omit,
        "omits_number_affected": "number_affected" in rules.omit,
        "language": language,
        "reference_code": recipient.reference_code_display,
        "letter_date": written_date(on, language),
    }
    if context["omits_what_happened"]:  # the date it was found stays: it is not the breach's nature
        context |= {"what_happened": "", "discovered_on": shared.get("_discovered_on", context["discovered_on"])}
    if context["omits_number_affected"]:
        context["number_affected"] = ""
    return frozen(context)


def choose_template(templates: Iterable[LetterTemplate], facts: LetterFacts) -> LetterTemplate | None:
    """The most specific active variant whose conditions all hold for this recipient.

    A person whose language has no fitting variant gets the English one.
    """
    type_ids = {t.pk for t in facts.data_types}
    fitting = [
        t
        for t in templates
        if t.is_active
        and t.relationship in ("", facts.recipient.relationship)
        and t.state in ("", facts.recipient.state)
        and (t.data_type_id is None or t.data_type_id in type_ids)
    ]
    for language in dict.fromkeys((facts.individual.language, Language.ENGLISH)):
        in_language = [t for t in fitting if t.language == language]
        if in_language:
            return min(in_language, key=lambda t: (-t.specificity, t.sort_order, t.pk))
    return None


def sample_facts(
    incident: Incident, relationship: str = Relationship.PARENT_GUARDIAN, state: str = "MO"
) -> LetterFacts:
    """A made-up recipient, for checking a template and previewing it before anyone is imported."""
    individual = Individual(incident=incident, first_name="Alex", last_name="Sample", language=Language.ENGLISH)
    recipient = Recipient(
        incident=incident,
        individual=individual,
        relationship=relationship,
        name="Jordan Sample" if relationship != Relationship.SELF else "Alex Sample",
        address_line1="100 Example Street Apt 2",
        city="Springfield",
        state=state,
        postal_code="65801-0001",
        reference_code="SAMP2E3K4M5N",
    )
    types = list(incident.data_types.all()) or list(DataType.objects.filter(key__in=["name", "postal_address"]))
    return LetterFacts(recipient, individual, types)


def sample_context(incident: Incident, language: str) -> Mapping[str, Any]:
    shared = incident_fields(incident, language, strict=False)
    return letter_context(sample_facts(incident), shared, language, incident.notice_on or timezone.localdate())
