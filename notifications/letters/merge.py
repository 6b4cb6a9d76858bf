"""The merge fields a letter body can use, and how a recipient's variant is chosen.

The fields are plain values computed here from the rows; the body never sees
a model. MERGE_FIELDS documents them on the template screen.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from incidents.models import DataType, Incident, Individual, Language, Recipient, Relationship
from notifications.letters.address import mailing_address
from notifications.letters.sandbox import frozen
from notifications.letters.states import state_insert
from notifications.models import LetterTemplate

MERGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("recipient_name", "Whom the letter is addressed to, as on the envelope."),
    ("address_lines", "The recipient's address as printed in the window, a list of lines."),
    ("salutation", "“Dear …:” fitting the relationship and language."),
    ("relationship", "self, parent_guardian or next_of_kin."),
    ("is_self, is_parent_guardian, is_next_of_kin", "True for that relationship: use with {% if %}."),
    ("individual_name", "The full name of the person whose data was exposed."),
    ("individual_first_name", "Their first name."),
    ("data_types", "The exposed data types: each has .key, .label and .description."),
    ("data_types_text", "The exposed data types as a plain-language list: “name, address and medical information”."),
    ("data_type_keys", 'Their catalog keys, for {% if "medical_information" in data_type_keys %}.'),
    (
        "has_medical, has_ssn, has_financial, has_government_id, has_education_record",
        "True when such data was exposed.",
    ),
    ("state", "The recipient's two-letter state code."),
    ("state_insert", "The state regulator's contact block (.title, .lines) where that state asks for one."),
    ("language", "en or es."),
    ("reference_code", "The code printed on the letter, which the caller reads to the hotline."),
    ("letter_date", "The date printed on the letter, written out."),
    ("organisation_name, incident_title", "Who is writing, and the incident's title."),
    (
        "what_happened, what_information, what_we_are_doing, what_you_can_do, for_more_information",
        "The incident's notice sections, as written on the incident.",
    ),
    ("occurred_on, discovered_on, contained_on, notice_on", "The incident's dates, written out (empty when unknown)."),
    ("hotline_phone, hotline_hours, contact_email", "Where to get help."),
)

_MONTHS: dict[str, str] = {
    Language.ENGLISH: "January February March April May June July August September October November December",
    Language.SPANISH: "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
}
# The catalog speaks English; the Spanish letter names the common types in Spanish.
_SPANISH_LABELS = {
    "name": "nombre",
    "postal_address": "dirección postal",
    "date_of_birth": "fecha de nacimiento",
    "ssn": "número de Seguro Social",
    "state_student_id": "número de identificación estatal del estudiante",
    "education_records": "expedientes educativos",
    "medical_information": "información médica",
    "health_insurance": "información del seguro médico",
    "financial_account": "cuenta financiera",
    "drivers_license": "licencia de conducir o identificación estatal",
    "username_password": "nombre de usuario y contraseña",
    "email_address": "correo electrónico",
    "phone_number": "número de teléfono",
    "biometric_data": "datos biométricos",
}
# Catalog labels read as written in a sentence; the rest are lower-cased.
_ENGLISH_WORDING = {"ssn": "Social Security number", "state_student_id": "state student ID number"}
_AND: dict[str, str] = {Language.ENGLISH: "and", Language.SPANISH: "y"}


def written_date(value: date | None, language: str) -> str:
    if value is None:
        return ""
    month = _MONTHS.get(language, _MONTHS[Language.ENGLISH]).split()[value.month - 1]
    if language == Language.SPANISH:
        return f"{value.day} de {month} de {value.year}"
    return f"{month} {value.day}, {value.year}"


def plain_list(words: Sequence[str], language: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {_AND.get(language, 'and')} {words[-1]}"


def salutation(recipient: Recipient, individual: Individual, language: str) -> str:
    spanish = language == Language.SPANISH
    if recipient.relationship == Relationship.PARENT_GUARDIAN and recipient.name.lower().startswith("parent or"):
        return f"Estimado padre, madre o tutor de {individual.full_name}:" if spanish else f"Dear {recipient.name}:"
    return f"Estimado(a) {recipient.name}:" if spanish else f"Dear {recipient.name}:"


def incident_fields(incident: Incident, language: str) -> dict[str, Any]:
    """The fields every letter of the incident shares; computed once per chunk."""
    fields: dict[str, Any] = {
        "organisation_name": incident.organisation_name,
        "incident_title": incident.title,
        "hotline_phone": incident.hotline_phone,
        "hotline_hours": incident.hotline_hours,
        "contact_email": incident.contact_email,
    }
    for name, _label in incident.NOTICE_SECTIONS:
        fields[name] = getattr(incident, name)
    for name in ("occurred_on", "discovered_on", "contained_on", "notice_on"):
        fields[name] = written_date(getattr(incident, name), language)
    return fields


@dataclass(frozen=True)
class LetterFacts:
    """What one letter is about, read in bulk by the caller."""

    recipient: Recipient
    individual: Individual
    data_types: Sequence[DataType]


def letter_context(facts: LetterFacts, shared: Mapping[str, Any], language: str, on: date) -> Mapping[str, Any]:
    recipient, individual = facts.recipient, facts.individual
    types = sorted(facts.data_types, key=lambda t: (t.sort_order, t.label))
    spanish = language == Language.SPANISH
    wording = _SPANISH_LABELS if spanish else _ENGLISH_WORDING
    labels = [wording.get(t.key, t.label.lower()) for t in types]
    context = {
        **shared,
        "recipient_name": recipient.name,
        "address_lines": mailing_address(recipient).window_lines,
        "salutation": salutation(recipient, individual, language),
        "relationship": recipient.relationship,
        "is_self": recipient.relationship == Relationship.SELF,
        "is_parent_guardian": recipient.relationship == Relationship.PARENT_GUARDIAN,
        "is_next_of_kin": recipient.relationship == Relationship.NEXT_OF_KIN,
        "individual_name": individual.full_name,
        "individual_first_name": individual.first_name,
        "data_types": [{"key": t.key, "label": t.label, "description": t.description} for t in types],
        "data_types_text": plain_list(labels, language),
        "data_type_keys": [t.key for t in types],
        "has_medical": any(t.is_medical for t in types),
        "has_ssn": any(t.is_ssn for t in types),
        "has_financial": any(t.is_financial for t in types),
        "has_government_id": any(t.is_government_id for t in types),
        "has_education_record": any(t.is_education_record for t in types),
        "state": recipient.state,
        "state_insert": state_insert(recipient.state),
        "language": language,
        "reference_code": recipient.reference_code_display,
        "letter_date": written_date(on, language),
    }
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
    return letter_context(sample_facts(incident), incident_fields(incident, language), language, timezone.localdate())
