"""Upgrading a portal whose incidents already have the standard letters: those still as shipped become
letter text (and so print the corrected letters and open in the letter-text editor); changed ones stay."""

from pathlib import Path

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.letters import lettertext, merge, sandbox
from notifications.models import LetterTemplate
from portal.testing import IncidentFactory

BEFORE = [("notifications", "0005_claimed_work_beats")]
SHIPPED = Path(__file__).parent / "letters_before"


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)


def test_standard_letters_as_shipped_become_letter_text_and_changed_ones_stay(transactional_db):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    incident = IncidentFactory.create(slug="upgrade", title="Upgrade")  # the incidents app is not rolled back
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    english = (SHIPPED / "default_en_main.txt").read_text(encoding="utf-8")
    spanish = (SHIPPED / "default_es_55a9008.txt").read_text(encoding="utf-8")
    templates = old.get_model("notifications", "LetterTemplate").objects
    made = {
        "en": templates.create(incident_id=incident.pk, name="Standard letter (English)", language="en", body=english),
        # Saved once, unchanged, from the editor: CRLF line ends and the last newline trimmed.
        "es": templates.create(
            incident_id=incident.pk,
            name="Standard letter (Spanish)",
            language="es",
            body=spanish.replace("\n", "\r\n").strip(),
        ),
        "changed": templates.create(
            incident_id=incident.pk, name="Ours", language="en", body=english + "<p>Our own paragraph.</p>\n"
        ),
        "text": templates.create(
            incident_id=incident.pk, name="Text", language="en", text="Hello.", body="<p>Hello.</p>"
        ),
    }

    _migrate(latest)
    by_name = {key: LetterTemplate.objects.get(pk=template.pk) for key, template in made.items()}
    for language, opening in (("en", "We take the protection"), ("es", "Nos tomamos muy en serio")):
        converted = by_name[language]
        assert converted.text.startswith("::: only when the letter goes to the person themselves")
        assert converted.body == lettertext.compile_text(converted.text)
        printed = sandbox.render_body(
            sandbox.compile_body(converted.body), merge.sample_context(converted.incident, language)
        )
        assert opening in printed
        assert "{%" not in printed
    assert "Tiene derecho a recibir cada año" in by_name["es"].text
    assert (by_name["changed"].text, by_name["changed"].body) == ("", english + "<p>Our own paragraph.</p>\n")
    assert (by_name["text"].text, by_name["text"].body) == ("Hello.", "<p>Hello.</p>")

    # Backwards the letters stay letter text, which the earlier code prints like any body; forwards again
    # changes nothing more.
    old = _migrate(BEFORE).loader.project_state(BEFORE).apps
    assert old.get_model("notifications", "LetterTemplate").objects.get(pk=made["en"].pk).text == by_name["en"].text
    _migrate(latest)
    assert LetterTemplate.objects.get(pk=made["changed"].pk).text == ""


def test_standard_letter_texts_as_shipped_learn_to_leave_out_what_happened_and_changed_ones_stay(transactional_db):
    from importlib import import_module

    from notifications.actions.templates import default_text

    before = [("notifications", "0007_recipient_in_people")]
    shipped = import_module("notifications.migrations.0006_standard_letters_as_text")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    incident = IncidentFactory.create(slug="upgrade-keep-out", title="Upgrade")
    old = _migrate(before).loader.project_state(before).apps
    templates = old.get_model("notifications", "LetterTemplate").objects
    english, spanish = shipped.TEXT_EN, shipped.TEXT_ES
    made = {
        "en": templates.create(incident_id=incident.pk, name="Standard (English)", language="en", text=english,
                               body=shipped.BODY_EN),
        "es": templates.create(incident_id=incident.pk, name="Standard (Spanish)", language="es",
                               text=spanish.replace("\n", "\r\n").strip(), body=shipped.BODY_ES),
        "changed": templates.create(incident_id=incident.pk, name="Ours", language="en",
                                    text=english + "\nOur own paragraph.\n", body="<p>Ours</p>"),
    }  # fmt: skip

    _migrate(latest)
    by_name = {key: LetterTemplate.objects.get(pk=template.pk) for key, template in made.items()}
    for language in ("en", "es"):
        assert by_name[language].text == default_text(f"default_{language}.md")
        assert by_name[language].body == lettertext.compile_text(by_name[language].text)
        assert "keeps out what happened" in by_name[language].text
    assert (by_name["changed"].text, by_name["changed"].body) == (english + "\nOur own paragraph.\n", "<p>Ours</p>")
