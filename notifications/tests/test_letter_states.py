"""What the jurisdictions table's letter parts do to a letter: the block a law asks for, in the letter's
language, and the parts a law keeps out, in the merge fields, the letter text and the standard letters."""

from dataclasses import replace
from datetime import date

import pytest

from incidents.models import DataType
from incidents.readers import Language, Relationship
from notifications.letters import lettertext, merge, sandbox, states
from people.models import Individual, Recipient
from portal.testing import IncidentFactory, IndividualFactory
from portal.testing import letter_jurisdictions as stand_ins

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def table(monkeypatch, tmp_path):
    return stand_ins.install(monkeypatch, tmp_path)


def _facts(state: str, language: str = Language.ENGLISH) -> merge.LetterFacts:
    individual = Individual(first_name="Sam", last_name="Quill", language=language)
    recipient = Recipient(
        individual=individual, relationship=Relationship.SELF, name="Sam Quill", address_line1="1 Test Road",
        city="Springfield", state=state, postal_code="65801", reference_code="K7QXM4TP9RWD",
    )  # fmt: skip
    return merge.LetterFacts(recipient, individual, list(DataType.objects.filter(key__in=["name", "ssn"])))


def _incident(types=("name", "ssn"), **fields):
    values = {
        "what_happened": "On September 14, 2026, a laptop holding 1,204 students' files was stolen.",
        "what_happened_es": "El 14 de septiembre de 2026 robaron una computadora portátil.",
        "discovered_on": date(2026, 9, 14),
        **fields,
    }
    incident = IncidentFactory.create(**values)
    incident.data_types.set(DataType.objects.filter(key__in=types))
    for n in range(3):
        IndividualFactory.create(incident=incident, first_name=f"Kid{n}")
    return incident


def _context(incident, state: str, language: str = Language.ENGLISH):
    shared = merge.incident_fields(incident, language)
    return merge.letter_context(_facts(state, language), shared, language, date(2026, 11, 2))


def test_the_block_comes_from_the_table_in_the_letters_language():
    incident = _incident()
    english = _context(incident, "MD")["state_insert"]
    assert english["title"] == "For Maryland residents"
    assert english["lines"] == stand_ins.MD_EN
    spanish = _context(incident, "MD", Language.SPANISH)["state_insert"]
    assert spanish["title"] == "Para residentes de Maryland"
    assert spanish["lines"] == stand_ins.MD_ES
    assert _context(incident, "KS")["state_insert"] is None  # a state whose file asks for no block
    assert _context(incident, "ZZ")["state_insert"] is None  # not in the table


def test_a_law_without_a_spanish_block_gives_its_english_one():
    spanish = _context(_incident(), "MA", Language.SPANISH)["state_insert"]
    assert spanish["title"] == "For Massachusetts residents"
    assert spanish["lines"] == stand_ins.MA_EN


def test_several_laws_blocks_are_all_printed_and_no_line_twice():
    school = _context(_incident(organisation_type="school_district"), "NY")["state_insert"]
    assert school["title"] == "For New York residents"
    assert school["lines"] == (*stand_ins.NY_AG, "For New York students and their families", *stand_ins.NY_ED)
    assert [block["title"] for block in school["blocks"]] == [
        "For New York residents",
        "For New York students and their families",
    ]
    assert school["blocks"][1]["lines"] == stand_ins.NY_ED  # the line both laws give is printed once
    business = _context(_incident(organisation_type="business"), "NY")["state_insert"]
    assert business["lines"] == stand_ins.NY_AG  # the education law reaches only school districts


def test_what_happened_and_the_number_are_left_out_where_the_law_keeps_them_out():
    incident = _incident()
    missouri, massachusetts, illinois = (_context(incident, s) for s in ("MO", "MA", "IL"))
    assert missouri["what_happened"].startswith("On September 14, 2026")
    assert missouri["number_affected"] == "3"
    assert missouri["discovered_on"] == ""  # "What happened" already gives it
    assert not missouri["omits_what_happened"]
    assert not missouri["omits_number_affected"]
    assert massachusetts["what_happened"] == ""
    assert massachusetts["number_affected"] == ""
    assert massachusetts["omits_what_happened"]
    assert massachusetts["omits_number_affected"]
    assert massachusetts["discovered_on"] == "September 14, 2026"  # the date is not the breach's nature
    assert illinois["what_happened"].startswith("On September 14, 2026")
    assert illinois["number_affected"] == ""
    assert illinois["omits_number_affected"]


def test_a_law_whose_triggers_were_not_exposed_shapes_no_letter(monkeypatch, tmp_path):
    """Medical information alone owes nothing under Massachusetts ch. 93H (its triggers, as in the real
    table, are Social Security, driver's licence and account numbers): a Massachusetts reader's letter tells
    what happened and the number and carries no block, as the obligations owe that reader nothing. Social
    Security numbers bring the law in and the letter leaves those parts out."""
    from django.conf import settings

    from regulators import obligations

    everything = '"ssn", "financial_account", "drivers_license", "medical_information", "education_records"'
    files = stand_ins.FILES | {
        "ma": stand_ins.FILES["ma"].replace(everything, '"ssn", "drivers_license", "financial_account"')
    }
    stand_ins.install(monkeypatch, tmp_path, files)
    medical = _incident(types=("name", "medical_information"))

    def owed_in_massachusetts(incident) -> bool:
        facts = replace(obligations.facts_of(incident), residents={"MA": 3})
        return any(o.jurisdiction == "MA" for o in obligations.derive(facts))

    assert not owed_in_massachusetts(medical)
    assert owed_in_massachusetts(_incident())
    context = _context(medical, "MA")
    assert context["what_happened"].startswith("On September 14, 2026")
    assert context["number_affected"] == "3"
    assert context["state_insert"] is None
    text = (settings.BASE_DIR / "templates" / "letters" / "default_en.md").read_text(encoding="utf-8")
    compiled = sandbox.compile_body(lettertext.compile_text(text))
    massachusetts = str(sandbox.render_body(compiled, _context(medical, "MA")))
    assert "What happened" in massachusetts
    assert "stolen" in massachusetts
    assert "For Massachusetts residents" not in massachusetts
    ssn = str(sandbox.render_body(compiled, _context(_incident(), "MA")))
    assert "What happened" not in ssn
    assert "stolen" not in ssn
    assert "For Massachusetts residents" in ssn
    assert stand_ins.MA_EN[2] in ssn


def test_a_custom_letter_text_reads_well_without_the_parts_kept_out():
    text = (
        "## What happened\n"
        "{{ what_happened }}\n\n"
        "::: only when the incident gives the number of people affected\n"
        "We are writing to the {{ number_affected }} people whose information was involved.\n"
        ":::\n\n"
        "::: only when the law where the reader lives keeps out what happened\n"
        "We can tell you that your information was involved.\n"
        ":::\n"
    )
    compiled = sandbox.compile_body(lettertext.compile_text(text))
    incident = _incident()

    def body(state: str) -> str:
        return str(sandbox.render_body(compiled, _context(incident, state)))

    assert "a laptop holding 1,204" in body("MO")
    assert "We are writing to the 3 people" in body("MO")
    assert "laptop" not in body("MA")
    assert "people whose" not in body("MA")
    assert "We can tell you that your information was involved." in body("MA")
    assert "people whose" not in body("IL")
    assert "a laptop" in body("IL")


@pytest.mark.parametrize("language", [Language.ENGLISH, Language.SPANISH])
def test_the_standard_letter_leaves_out_the_section_for_massachusetts(language):
    from django.conf import settings

    name = f"default_{language}.md"
    text = (settings.BASE_DIR / "templates" / "letters" / name).read_text(encoding="utf-8")
    compiled = sandbox.compile_body(lettertext.compile_text(text))
    incident = _incident()
    heading = "What happened" if language == Language.ENGLISH else "Qué sucedió"
    missouri = str(sandbox.render_body(compiled, _context(incident, "MO", language)))
    massachusetts = str(sandbox.render_body(compiled, _context(incident, "MA", language)))
    told = "stolen" if language == Language.ENGLISH else "robaron"
    assert heading in missouri
    assert told in missouri
    assert heading not in massachusetts
    assert "robaron" not in massachusetts
    assert "stolen" not in massachusetts
    assert "For Massachusetts residents" in massachusetts
    assert stand_ins.MA_EN[2] in massachusetts


def test_the_jurisdictions_that_shape_a_letter_are_read_from_the_table():
    assert sorted(states.shaping_jurisdictions()) == ["IL", "MA", "MD", "MO", "NY"]


def test_the_editor_preview_shows_the_letter_to_a_reader_of_the_state_chosen(client, manager, incident):
    import html

    from django.urls import reverse

    text = "## What happened\n\n{{ what_happened }}\n\n[[state notice]]\n"
    type(incident).objects.filter(pk=incident.pk).update(what_happened="A laptop was stolen.")
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn"]))
    client.force_login(manager)
    url = reverse("notifications:template-text-preview", args=[incident.slug])

    def shown(state: str) -> str:
        return html.unescape(
            client.post(url, {"text": text, "preview_for": "self", "preview_state": state}).content.decode()
        )

    assert "A laptop was stolen." in shown("MD")
    assert "For Maryland residents" in shown("MD")
    assert stand_ins.MD_EN[2] in shown("MD")
    assert "A laptop was stolen." not in shown("MA")
    assert stand_ins.MA_EN[0] in shown("MA")
    assert "For Maryland residents" not in shown("KS")
    edit = client.get(reverse("notifications:template-create", args=[incident.slug]))
    assert 'name="preview_state"' in edit.content.decode()


def test_the_batch_page_names_a_number_of_people_the_incidents_text_gives_to_readers_whose_law_keeps_it_out(
    client, manager, incident
):
    from django.urls import reverse

    from notifications.letters import kept_out
    from portal.testing.letters import recipients, rendered_batch

    type(incident).objects.filter(pk=incident.pk).update(
        what_happened="A laptop holding the files of 1,204 students was stolen.",
        what_we_are_doing="We are writing to the 37 families affected and have changed every password.",
    )
    incident.refresh_from_db()
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn"]))
    recipients(incident, 2, "name", "ssn", state="KS")
    recipients(incident, 1, "name", "ssn", state="IL")
    recipients(incident, 1, "name", "ssn", state="MA")
    batch = rendered_batch(incident, manager)

    found = {(item.section, item.states) for item in kept_out.in_batch(batch)}
    # Massachusetts letters leave "What happened" out whole; its number reaches Illinois readers only.
    assert found == {("What happened", ("Illinois",)), ("What we are doing", ("Illinois", "Massachusetts"))}
    client.force_login(manager)
    page = client.get(reverse("notifications:batch-detail", args=[incident.slug, batch.pk])).content.decode()
    assert "The incident's text gives a number of people" in page
    assert "1,204 students" in page
    assert "printed in the letters to residents of Illinois, Massachusetts" in page


def test_no_warning_without_readers_whose_law_keeps_the_number_out(manager, incident):
    from notifications.letters import kept_out
    from portal.testing.letters import recipients, rendered_batch

    type(incident).objects.filter(pk=incident.pk).update(what_happened="The files of 1,204 students were copied.")
    incident.refresh_from_db()
    recipients(incident, 2, "name", "ssn", state="MD")
    assert kept_out.in_batch(rendered_batch(incident, manager)) == []
    assert kept_out.numbers_in_sections(incident)[0][1] == "What happened"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("files of 1,204 students", "1,204"),
        ("We wrote to 37 families affected", "37"),
        ("letters to 12 affected Illinois residents", "12"),
        ("a los 37 estudiantes afectados", "37"),
        ("On September 14, 2026, at 3 p.m.", None),
        ("call (866) 775-4209", None),
    ],
)
def test_a_number_of_people_is_told_from_dates_and_telephone_numbers(text, number):
    from notifications.letters.kept_out import _COUNT

    found = _COUNT.search(text)
    assert (found.group(0) if found else None) == number
