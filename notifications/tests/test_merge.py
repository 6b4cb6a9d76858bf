"""Merge fields and the choice of variant, one rule at a time."""

from datetime import date

import pytest

from incidents.models import DataType
from incidents.readers import Language, Relationship
from notifications.letters import merge
from notifications.models import LetterTemplate
from people.models import Individual, Recipient
from portal.testing import IncidentFactory

pytestmark = pytest.mark.django_db


def _facts(relationship=Relationship.PARENT_GUARDIAN, state="MO", language=Language.ENGLISH, types=("name",), **rec):
    individual = Individual(first_name="Sam", last_name="Quill", language=language)
    values = {
        "name": "Parent or Guardian of Sam Quill" if relationship == Relationship.PARENT_GUARDIAN else "Sam Quill",
        "address_line1": "12 Synthetic Lane Apt 3",
        "city": "Springfield",
        "state": state,
        "postal_code": "65801-1234",
        "reference_code": "K7QXM4TP9RWD",
        **rec,
    }
    recipient = Recipient(individual=individual, relationship=relationship, **values)
    return merge.LetterFacts(recipient, individual, list(DataType.objects.filter(key__in=types)))


def _context(facts, language=Language.ENGLISH):
    incident = IncidentFactory.create(
        hotline_phone="1-800-555-0100", what_happened="A synthetic event.", what_happened_es="Un hecho ficticio."
    )
    return merge.letter_context(facts, merge.incident_fields(incident, language), language, date(2026, 11, 2))


def test_every_documented_merge_field_is_in_the_context():
    context = _context(_facts())
    for names, _meaning in merge.MERGE_FIELDS:
        for name in names.split(", "):
            assert name in context, name


def test_address_fields_and_codes():
    context = _context(_facts())
    assert context["recipient_name"] == "Parent or Guardian of Sam Quill"
    assert context["address_lines"] == (
        "Parent or Guardian of Sam Quill",
        "12 Synthetic Lane",
        "Apt 3",
        "Springfield MO 65801-1234",
    )
    assert context["reference_code"] == "K7QX-M4TP-9RWD"
    assert context["letter_date"] == "November 2, 2026"
    assert context["individual_name"] == "Sam Quill"
    assert context["hotline_phone"] == "(800) 555-0100"  # as dialled, never the stored form
    assert context["what_happened"] == "A synthetic event."


@pytest.mark.parametrize(
    ("relationship", "language", "expected"),
    [
        (Relationship.PARENT_GUARDIAN, Language.ENGLISH, "Dear Parent or Guardian of Sam Quill:"),
        (Relationship.SELF, Language.ENGLISH, "Dear Sam Quill:"),
        (Relationship.NEXT_OF_KIN, Language.ENGLISH, "Dear Sam Quill:"),
        (Relationship.PARENT_GUARDIAN, Language.SPANISH, "Estimada familia de Sam Quill:"),
        (Relationship.SELF, Language.SPANISH, "Apreciable Sam Quill:"),
    ],
)
def test_salutation_fits_relationship_and_language(relationship, language, expected):
    context = _context(_facts(relationship, language=language), language)
    assert context["salutation"] == expected
    assert context["is_parent_guardian"] is (relationship == Relationship.PARENT_GUARDIAN)
    assert context["is_self"] is (relationship == Relationship.SELF)
    assert context["is_next_of_kin"] is (relationship == Relationship.NEXT_OF_KIN)


def test_data_types_read_as_a_plain_list_with_flags():
    context = _context(_facts(types=("name", "medical_information", "ssn")))
    assert context["data_types_text"] == "name, Social Security number and medical information"
    assert context["has_medical"]
    assert context["has_ssn"]
    assert not context["has_financial"]
    assert set(context["data_type_keys"]) == {"name", "medical_information", "ssn"}
    spanish = _context(_facts(types=("name", "medical_information")), Language.SPANISH)
    assert spanish["data_types_text"] == "nombre completo e información de salud"
    assert spanish["letter_date"] == "2 de noviembre de 2026"


def _name(template: LetterTemplate | None) -> str:
    assert template is not None
    return template.name


def _variants(incident, *specs):
    return [LetterTemplate.objects.create(incident=incident, name=name, body="x", **fields) for name, fields in specs]


def test_the_most_specific_fitting_variant_wins():
    incident = IncidentFactory.create()
    medical = DataType.objects.get(key="medical_information")
    _variants(
        incident,
        ("Standard", {}),
        ("Medical", {"data_type": medical}),
        (
            "Medical parents in Kansas",
            {"data_type": medical, "relationship": Relationship.PARENT_GUARDIAN, "state": "KS"},
        ),
        ("Spanish", {"language": Language.SPANISH}),
        ("Next of kin", {"relationship": Relationship.NEXT_OF_KIN}),
    )
    templates = list(LetterTemplate.objects.filter(incident=incident))

    def chosen(**kwargs):
        template = merge.choose_template(templates, _facts(**kwargs))
        assert template is not None
        return template.name

    assert chosen() == "Standard"
    assert chosen(types=("name", "medical_information")) == "Medical"
    assert chosen(types=("medical_information",), state="KS") == "Medical parents in Kansas"
    assert chosen(types=("medical_information",), state="KS", relationship=Relationship.SELF) == "Medical"
    assert chosen(relationship=Relationship.NEXT_OF_KIN) == "Next of kin"
    assert chosen(language=Language.SPANISH) == "Spanish"


def test_ties_go_to_the_lower_position_and_inactive_variants_never_fit():
    incident = IncidentFactory.create()
    _variants(
        incident,
        ("Later", {"sort_order": 20}),
        ("Sooner", {"sort_order": 10}),
        ("Off", {"sort_order": 1, "is_active": False}),
    )
    templates = list(LetterTemplate.objects.filter(incident=incident))
    assert _name(merge.choose_template(templates, _facts())) == "Sooner"


def test_a_language_without_a_variant_falls_back_to_english_and_nothing_fits_nothing():
    incident = IncidentFactory.create()
    _variants(incident, ("English for Kansas", {"state": "KS"}))
    templates = list(LetterTemplate.objects.filter(incident=incident))
    assert (
        _name(merge.choose_template(templates, _facts(language=Language.SPANISH, state="KS"))) == "English for Kansas"
    )
    assert merge.choose_template(templates, _facts(state="MO")) is None


@pytest.mark.parametrize(
    ("language", "what_happened", "said_by_letter"),
    [
        (Language.ENGLISH, "On September 14, 2026, the District learned of it.", ""),
        (Language.SPANISH, "El 14 de septiembre de 2026, el Distrito se enteró.", ""),
        (Language.ENGLISH, "The District learned of it in the autumn.", "September 14, 2026"),
        (Language.SPANISH, "El Distrito se enteró en otoño.", "14 de septiembre de 2026"),
    ],
)
def test_the_discovery_date_is_left_to_what_happened_when_it_already_says_it(language, what_happened, said_by_letter):
    """The standard letter adds "We discovered the incident on …" only when the incident's own section does
    not already give the date, so a reader never reads the same date twice."""
    incident = IncidentFactory.create(
        discovered_on=date(2026, 9, 14), what_happened=what_happened, what_happened_es=what_happened
    )
    assert merge.incident_fields(incident, language, strict=False)["discovered_on"] == said_by_letter
