"""The recipient matrix, proved: every kind of recipient in portal/testing/matrix.py gets the standard
letter in English and in Spanish through a real batch, and each letter, read back as text from the print
file, is checked for what a parent or an Attorney General's office would notice."""

import dataclasses
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from incidents import wording
from incidents.models import Incident
from notifications import actions
from notifications.letters import lettertext, merge, preview, states
from notifications.letters.address import mailing_address
from notifications.letters.maker import maker_for
from notifications.letters.parts import letter_pdf
from notifications.letters.render import Renderer
from notifications.letters.selection import Selection
from notifications.models import Letter, LetterTemplate
from notifications.tasks import run_now
from people.models import Recipient
from portal.lib.errors import ActionRefused
from portal.testing import letter_jurisdictions as stand_ins
from portal.testing import matrix, pdfcheck, residents
from portal.testing.letters import rendered_batch

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    """The letter as a reader reads it: pdftotext's reading order, whitespace folded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = pdfcheck.run("pdftotext", f.name, "-")
    return re.sub(r"\s+", " ", text).strip()


def rendered_letters(incident) -> dict[tuple[str, str], bytes]:
    """Every letter of a batch of everyone, cut from the print file: {(kind name, language): PDF}."""
    batch = rendered_batch(incident)
    failed = list(Letter.objects.filter(batch=batch).exclude(reason="").values_list("reason", flat=True))
    assert batch.letters_failed == 0, failed
    texts = {}
    for letter in Letter.objects.filter(batch=batch).select_related("recipient__individual", "template"):
        kind = matrix.kind_of(letter.recipient)
        texts[(kind.name, letter.recipient.individual.language)] = letter_pdf(letter)
    return texts


def outside_the_window(pdf: bytes, address_lines: list[str]) -> list[str]:
    """Words of the address that print outside the recipient window (cut off, or hidden by the envelope)."""
    window: Any = settings.LETTER_LAYOUT["recipient_window"]
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        first_page = pdfcheck.words_by_page(Path(f.name))[0]
    wanted = {word for line in address_lines for word in line.split()}
    inside = {w.text for w in first_page if w.inside(window["left"], window["top"], window["width"], window["height"])}
    return sorted(wanted - inside)


def test_every_kind_of_recipient_gets_a_right_letter_in_english_and_spanish():
    incident = matrix.incident()
    matrix.people(incident)
    pdfs = rendered_letters(incident)
    assert len(pdfs) == 2 * len(matrix.KINDS)
    texts = {key: text_of(pdf) for key, pdf in pdfs.items()}
    found = {}
    for recipient in Recipient.objects.filter(incident=incident).select_related("individual"):
        kind, language = matrix.kind_of(recipient), recipient.individual.language
        listed = matrix.problems(
            texts[(kind.name, language)], kind, language, matrix.NOTICE_ON, texts[(kind.name, "en")]
        )
        window = mailing_address(recipient, merge.addressee(recipient, recipient.individual, language)).window_lines
        listed += [f"outside the address window: {w}" for w in outside_the_window(pdfs[(kind.name, language)], window)]
        found[f"{kind.name} ({language})"] = listed
    assert {name: listed for name, listed in found.items() if listed} == {}


def _texts(incident, *names: str) -> dict[tuple[str, str], str]:
    matrix.people(incident, [matrix.BY_NAME[name] for name in names])
    return {key: text_of(pdf) for key, pdf in rendered_letters(incident).items()}


def test_the_matrix_fails_when_a_defect_of_the_first_run_returns(monkeypatch, tmp_path):
    stand_ins.install(monkeypatch, tmp_path)  # a table in which Missouri asks for its block
    texts = _texts(matrix.incident(), "adult_self", "minor_with_guardian")
    adult, en, es = matrix.BY_NAME["adult_self"], texts[("adult_self", "en")], texts[("adult_self", "es")]
    parent = texts[("minor_with_guardian", "en")]
    assert matrix.problems(en, adult, "en", matrix.NOTICE_ON) == []
    defects = {
        "dated the day it was rendered": en.replace("December 10, 2026", "December 6, 2026"),
        "the hotline in its stored form": en.replace(matrix.HOTLINE_DIALLED, matrix.HOTLINE),
        "an agency's number in another style": en.replace("(888) 298-0045", "1-888-298-0045"),
        "the hours said twice": en.replace(
            "Please call", "Call Monday to Friday, 8:00 a.m. to 5:30 p.m. (Central time)."
        ),
        "a sentence said twice": en + " We take the protection of this information seriously and regret any concern "
        "this may cause.",
        "the discovery date said twice": en.replace(
            "What information was involved",
            "We discovered the incident on September 14, 2026. What information was involved",
        ),
        "the name as the file wrote it": en.replace("Dear Owen Fitzgerald:", "Dear Fitzgerald, Owen:"),
        "an adult told about their child": en + " Place a fraud alert on the credit file of your child.",
        "a type not named": en.replace("education records", "records"),
        "an agency left out": en.replace("TransUnion", ""),
        "no advice to remain vigilant": en.replace("remain vigilant", "stay calm"),
        "the Missouri block left out": en.replace("For Missouri residents", ""),
    }
    assert [name for name, text in defects.items() if not matrix.problems(text, adult, "en", matrix.NOTICE_ON)] == []
    parents = matrix.BY_NAME["minor_with_guardian"]
    assert matrix.problems(parent.replace("your child", "the student"), parents, "en", matrix.NOTICE_ON)
    assert matrix.problems(es, adult, "es", matrix.NOTICE_ON, en) == []
    spanish_defects = {
        "an incident section in English": es + " " + str(matrix.INCIDENT["what_you_can_do"]),
        "a sentence of the English letter": es + " We take the protection of this information seriously and regret "
        "any concern this may cause.",
        "the footer in English": es.replace("Envío", "Piece"),
        "the discovery date said twice": es.replace(
            "Qué información", "Descubrimos el incidente el 14 de septiembre de 2026. Qué información"
        ),
        "an English salutation": es.replace("Apreciable Owen Fitzgerald:", "Dear Owen Fitzgerald:"),
    }
    found = [n for n, text in spanish_defects.items() if not matrix.problems(text, adult, "es", matrix.NOTICE_ON, en)]
    assert found == []


def test_letters_print_the_mail_date_the_batch_chose():
    incident = matrix.incident()
    matrix.people(incident, [matrix.BY_NAME["adult_self"]], languages=["es"])
    actions.install_default_templates(None, incident)
    batch = actions.create_batch(
        None, incident, "Mailed late", Selection(), queue=False, letters_dated_on=date(2026, 12, 14)
    )
    run_now(batch.pk, batch.render_round)
    letter = Letter.objects.get(batch=batch)
    text = text_of(letter_pdf(letter))
    assert "14 de diciembre de 2026" in text
    assert "10 de diciembre de 2026" not in text


def test_a_batch_without_a_date_to_print_is_refused():
    incident = matrix.incident(notice_on=None)
    matrix.people(incident, [matrix.BY_NAME["adult_self"]], languages=["en"])
    actions.install_default_templates(None, incident)
    with pytest.raises(ActionRefused, match="notice date"):
        actions.create_batch(None, incident, "Undated", Selection(), queue=False)


def test_a_spanish_letter_is_refused_while_a_section_has_no_spanish():
    incident = matrix.incident(what_you_can_do_es="")
    matrix.people(incident, [matrix.BY_NAME["adult_self"]])
    actions.install_default_templates(None, incident)
    with pytest.raises(ActionRefused, match="no Spanish for “What you can do”"):
        actions.create_batch(None, incident, "Both languages", Selection(), queue=False)
    english_only = Selection()
    Recipient.objects.filter(incident=incident, individual__language="es").update(address_line1="")  # not mailable
    assert actions.create_batch(None, incident, "English only", english_only, queue=False).letters_total == 1


def test_rendering_refuses_a_spanish_letter_whose_section_lost_its_spanish():
    incident = matrix.incident()
    matrix.people(incident, [matrix.BY_NAME["adult_self"]])
    actions.install_default_templates(None, incident)
    batch = actions.create_batch(None, incident, "Both languages", Selection(), queue=False)
    type(incident).objects.filter(pk=incident.pk).update(hotline_hours_es="")
    run_now(batch.pk, batch.render_round)
    failed = Letter.objects.get(batch=batch, status=Letter.Status.FAILED)
    assert failed.recipient.individual.language == "es"
    assert "no Spanish for “Hotline hours”" in failed.reason
    assert Letter.objects.get(batch=batch, recipient__individual__language="en").status == Letter.Status.RENDERED


def test_the_preview_of_the_spanish_letter_names_the_missing_section():
    incident = matrix.incident(what_happened_es="")
    actions.install_default_templates(None, incident)
    spanish = LetterTemplate.objects.get(incident=incident, language="es")
    with pytest.raises(preview.PreviewFailed, match="no Spanish for “What happened”"):
        preview.render(maker_for(incident), spanish, None)
    english = LetterTemplate.objects.get(incident=incident, language="en")
    assert preview.render(maker_for(incident), english, None).startswith(b"%PDF")


def test_the_demos_letters_are_dated_its_notice_date_and_print_the_hotline_as_dialled(settings):
    from django.core.management import call_command

    from demo import seed as demo

    call_command("seed_demo", "--force", "--size", "40")
    call_command("seed_demo_letters")
    incident = Incident.objects.get(slug=demo.SLUG)
    assert incident.has_spanish_notice
    batch = actions.create_batch(None, incident, "Demo", Selection(), queue=False)
    run_now(batch.pk, batch.render_round)
    batch.refresh_from_db()
    assert batch.letters_failed == 0
    letters = Letter.objects.filter(batch=batch).select_related("recipient__individual")
    assert {letter.recipient.individual.language for letter in letters} == {"en", "es"}
    for letter in letters:
        language = letter.recipient.individual.language
        text = text_of(letter_pdf(letter))
        assert wording.written_date(incident.notice_on, language) in text
        assert "(800) 555-0199" in text
        assert matrix.phones_not_dialled(text) == []
        assert matrix.repeated_sentences(text) == []


def test_the_batch_page_says_in_words_which_date_its_letters_print(client, manager, incident):
    from django.urls import reverse

    from notifications.models import LetterBatch
    from portal.testing.letters import recipients

    recipients(incident, 2)
    actions.install_default_templates(None, incident)
    client.force_login(manager)
    url = reverse("notifications:batch-list", args=[incident.slug])
    assert "Empty: the incident's notice date, October 20, 2026." in client.get(url).content.decode().replace(
        "&#x27;", "'"
    )
    client.post(url, {"name": "Mailed later", "letters_dated_on": "2026-12-14", "relationship": "", "state": ""})
    batch = LetterBatch.objects.get(name="Mailed later")
    assert batch.letters_dated_on == date(2026, 12, 14)
    detail = client.get(reverse("notifications:batch-detail", args=[incident.slug, batch.pk])).content.decode()
    assert "December 14, 2026, the mail date chosen for this batch" in detail
    LetterBatch.objects.filter(pk=batch.pk).update(letters_dated_on=None)
    detail = client.get(reverse("notifications:batch-detail", args=[incident.slug, batch.pk])).content.decode()
    assert "October 20, 2026, the incident's notice date" in detail


def test_the_standard_letters_share_one_body_among_readers_of_the_same_kind(monkeypatch):
    """Names belong in the frame (window, salutation, "Regarding"): a body that named its reader would be
    laid out once per letter, several times slower (bench/letters.py)."""
    incident = matrix.incident()
    guardian, parentless, kin = (
        matrix.BY_NAME[n] for n in ("minor_with_guardian", "minor_without_guardian_name", "deceased_next_of_kin")
    )
    for kind in (guardian, parentless, kin):
        for n in range(2):
            twin = dataclasses.replace(
                kind, first=f"{kind.first}{n}", reader=f"{kind.reader} {n}", state="KS", types=("name",)
            )
            matrix.person(incident, twin, "en")
            matrix.person(incident, twin, "es")
    laid_out = []
    body_pdf = Renderer._body_pdf

    def counted(self, page):
        laid_out.append(page)
        return body_pdf(self, page)

    monkeypatch.setattr(Renderer, "_body_pdf", counted)
    batch = rendered_batch(incident)
    assert batch.letters_rendered == 12
    # One body per language and relationship: parents with and without a guardian's name read the same text.
    assert len(laid_out) == 4


# What each state's block must say, written out here rather than read from the table, so a block that loses
# it fails: the agency and its telephone number as people dial it, or, for a block that names no agency,
# the rights it tells the reader of. Every jurisdiction whose file gives its residents' letters a block is
# listed (test_every_block_in_the_table_has_its_agency_written_out_here).
AGENCIES: dict[str, tuple[str, ...]] = {
    "DC": ("Office of the Attorney General for the District of Columbia", "(202) 727-3400"),
    "IA": ("Office of the Attorney General of Iowa", "(515) 281-5926"),
    "MA": ("right to obtain a police report", "security freeze", "at no cost"),
    "MD": ("Maryland Office of the Attorney General", "(888) 743-0023"),
    "MO": ("Missouri Attorney General's Office", "(800) 392-8222"),
    "NC": ("North Carolina Attorney General's Office", "(877) 566-7226"),
    "NY": ("New York Attorney General", "(800) 771-7755"),
    "RI": ("Rhode Island Office of the Attorney General", "(401) 274-4400"),
}
AGENCIES_ES: dict[str, tuple[str, ...]] = {  # where the Spanish block says it in other words
    "MA": ("derecho a obtener un informe de la policía", "congelamiento de su crédito", "sin costo"),
}
# The stand-in table's (portal/testing/letter_jurisdictions.py), for the run that proves the checks today.
STAND_IN_AGENCIES: dict[str, tuple[str, ...]] = {
    "IL": ("Illinois Attorney General", "(866) 999-5630"),
    "MA": ("Office of the Attorney General of Massachusetts", "(617) 727-8400"),
    "MD": ("Maryland Office of the Attorney General", "(888) 743-0023"),
    "MO": ("Missouri Attorney General's Office", "(800) 392-8222"),
    "NY": ("New York State Education Department", "(518) 474-0937"),
}
CONTROL = matrix.BY_NAME["minor_with_guardian"]  # a Kansas family, beside the residents: the count is given
COUNT_EN = "This letter goes to each of the {{ number_affected }} people whose information was involved."
COUNT_ES = "Esta carta va a cada una de las {{ number_affected }} personas cuya información se vio afectada."


def _residents_letters(incident) -> dict[tuple[str, str], str]:
    """The standard letters, with a sentence giving the number affected, to a resident of each
    jurisdiction the table shapes and to CONTROL, in English and Spanish: {(kind name, language): text}."""
    actions.install_default_templates(None, incident)
    for template in LetterTemplate.objects.filter(incident=incident):
        sentence = COUNT_ES if template.language == "es" else COUNT_EN
        template.text += f"\n::: only when the incident gives the number of people affected\n{sentence}\n:::\n"
        template.body = lettertext.compile_text(template.text)
        template.save()
    matrix.people(incident, [*matrix.resident_kinds(), CONTROL])
    return {key: text_of(pdf) for key, pdf in rendered_letters(incident).items()}


def _resident_problems(
    agencies: dict[str, tuple[str, ...]], spanish: dict[str, tuple[str, ...]] | None = None
) -> tuple[dict[str, list[str]], dict[tuple[str, str], str]]:
    """What is wrong with each resident's letter, by kind and language, and the letters' texts."""
    incident = matrix.incident()
    texts = _residents_letters(incident)
    kinds = {kind.name: kind for kind in (*matrix.resident_kinds(), CONTROL)}
    assert len(texts) == 2 * len(kinds)
    number = f"{incident.individuals.count():,}"
    found: dict[str, list[str]] = {}
    for (name, language), text in texts.items():
        kind = kinds[name]
        listed = matrix.problems(text, kind, language, matrix.NOTICE_ON, texts[(name, "en")])
        said = ((spanish or {}) if language == "es" else {}).get(kind.state) or agencies.get(kind.state, ())
        listed += [f"the block does not say “{wanted}”" for wanted in said if wanted not in text]
        counted = f"{number} people" in text or f"{number} personas" in text
        kept_out = "number_affected" in residents.rules(kind.state, language).omit
        if kept_out and counted:
            listed.append("the number affected is given, which the state's law keeps out")
        if not kept_out and not counted:
            listed.append("the number affected is missing where nothing keeps it out")
        if listed:
            found[f"{name} ({language})"] = listed
    return found, texts


def test_a_resident_of_each_jurisdiction_the_table_shapes_gets_its_block_once_and_nothing_it_keeps_out():
    """Follows the jurisdictions table: a file that adds a block or keeps a part out brings its resident in."""
    assert _resident_problems(AGENCIES, AGENCIES_ES)[0] == {}


def test_every_block_in_the_table_has_its_agency_written_out_here():
    blocks = {code for code in states.shaping_jurisdictions() if residents.rules(code, "en").insert is not None}
    assert sorted(blocks - set(AGENCIES)) == []


def test_the_resident_checks_catch_what_a_state_asks_for_on_a_stand_in_table(monkeypatch, tmp_path):
    stand_ins.install(monkeypatch, tmp_path)
    assert [kind.state for kind in matrix.resident_kinds()] == ["IL", "MA", "MD", "MO", "NY"]
    found, texts = _resident_problems(STAND_IN_AGENCIES)
    assert found == {}
    massachusetts = next(kind for kind in matrix.resident_kinds() if kind.state == "MA")
    text = texts[(massachusetts.name, "en")]
    assert stand_ins.MA_EN[2] in text
    assert "Para residentes" not in texts[(massachusetts.name, "es")]  # no Spanish block: the English one
    assert stand_ins.MA_EN[0] in texts[(massachusetts.name, "es")]
    told = str(matrix.INCIDENT["what_happened"])
    defects = {
        "what happened told": text.replace("What information", f"What happened {told} What information"),
        "the block left out": text.replace("For Massachusetts residents", ""),
        "the block twice": text + " " + stand_ins.MA_EN[0],
        "another state's block": text + " For Maryland residents",
    }
    missed = [n for n, t in defects.items() if not matrix.problems(t, massachusetts, "en", matrix.NOTICE_ON)]
    assert missed == []
