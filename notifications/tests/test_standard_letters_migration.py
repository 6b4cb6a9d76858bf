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
