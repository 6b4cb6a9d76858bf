"""Letter text: Markdown with merge fields and named sections, compiled to the letter template language;
what it may not hold is refused with its line; the editor's preview and saving a variant written in it."""

import html

import pytest
from django.urls import reverse

from incidents.readers import Relationship
from notifications import actions
from notifications.letters import lettertext, sandbox, textpreview
from notifications.models import LetterTemplate

TEXT = """## What happened

{{ what_happened }}

This letter is about {{ individual_name }}: their {{ data_types_text }} was involved. <b>Not markup</b>.

::: only when medical information was exposed
MEDICAL: review the statements your health insurer sends you.
:::

::: except when the letter goes to the person themselves
About your child.
:::
"""


def _rendered(incident, text: str, relationship: str = Relationship.PARENT_GUARDIAN, medical: bool = True) -> str:
    return str(textpreview.render(incident, text, "en", relationship, medical)[1])


def test_text_compiles_to_a_template_of_escaped_markup_fields_and_sections():
    compiled = lettertext.compile_text(TEXT)
    assert "<h2>What happened</h2>" in compiled
    assert "{{ what_happened|linebreaks }}" in compiled  # alone on its line: its own paragraphs kept
    assert "{{ individual_name }}" in compiled
    assert "&lt;b&gt;Not markup&lt;/b&gt;" in compiled
    assert "{% if has_medical %}" in compiled
    assert "{% if not is_self %}" in compiled
    sandbox.compile_body(compiled)


def test_sections_are_printed_only_for_the_readers_they_name(incident):
    with_medical = _rendered(incident, TEXT, medical=True)
    assert "MEDICAL: review the statements" in with_medical
    assert "About your child." in with_medical
    without = _rendered(incident, TEXT, medical=False)
    assert "MEDICAL" not in without
    assert "About your child." not in _rendered(incident, TEXT, relationship=Relationship.SELF)


def test_names_from_the_data_are_printed_as_text(incident):
    incident.what_happened = "<script>alert(1)</script> happened."
    incident.save()
    body = _rendered(incident, TEXT)
    assert "<script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; happened." in body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Dear {{ frist_name }}", "Line 1: “{{ frist_name }}” is not a merge field. Letter text may use:"),
        ("One\n{{ individual_name|upper }}", "Line 2: “{{ individual_name|upper }}” is not a merge field."),
        ("One\n\n{% include 'x' %}", "Line 3: “{%” is not part of letter text"),
        ("{# a comment #}", "Line 1: “{#” is not part of letter text"),
        ("Fine\n{\\% load x %\\}", "Line 2: Template syntax is not part of letter text"),
        ("A\n::: only when fish were exposed\nB\n:::", "Line 2: “fish were exposed” is not a condition letters know."),
        ("::: sometimes\nB\n:::", "Line 1: A section starts with “::: only when …” or “::: except when …”"),
        ("A\n:::", "Line 2: “:::” closes a section, but no section is open here."),
        ("A\n\n::: only when medical information was exposed\nB", "Line 3: The section that starts on line 3 is never"),
    ],
)
def test_what_letter_text_may_not_hold_is_refused_with_its_line(text, message):
    with pytest.raises(sandbox.TemplateProblem) as refused:
        lettertext.compile_text(text)
    assert str(refused.value).startswith(message)


def test_conditions_are_matched_in_any_case_with_or_without_a_full_stop():
    compiled = lettertext.compile_text("::: Only when a Social Security Number was exposed.\nSSN\n:::")
    assert "{% if has_ssn %}" in compiled


def test_the_editor_preview_follows_the_text_and_the_reader(client, manager, incident):
    client.force_login(manager)
    url = reverse("notifications:template-text-preview", args=[incident.slug])
    shown = html.unescape(client.post(url, {"text": TEXT, "preview_for": "parent_medical"}).content.decode())
    assert "Dear Jordan Sample:" in shown
    assert "MEDICAL: review the statements" in shown
    shown = html.unescape(client.post(url, {"text": TEXT, "preview_for": "parent"}).content.decode())
    assert "MEDICAL" not in shown
    shown = html.unescape(client.post(url, {"text": "{{ nope }}", "preview_for": "parent"}).content.decode())
    assert "Line 1: “{{ nope }}” is not a merge field." in shown
    assert client.get(url).status_code == 405


def test_a_new_variant_is_written_as_letter_text_and_saved_compiled(client, manager, incident):
    client.force_login(manager)
    page = client.get(reverse("notifications:template-create", args=[incident.slug])).content.decode()
    assert 'name="writes_text" value="True"' in page
    assert 'name="body"' not in page
    fields = {"name": "Medical", "language": "en", "sort_order": "100", "is_active": "on", "writes_text": "True"}
    refused = client.post(reverse("notifications:template-create", args=[incident.slug]), {**fields, "text": "{{ x }}"})
    assert refused.status_code == 400
    assert "Line 1: “{{ x }}” is not a merge field." in html.unescape(refused.content.decode())
    client.post(reverse("notifications:template-create", args=[incident.slug]), {**fields, "text": TEXT})
    saved = LetterTemplate.objects.get(incident=incident, name="Medical")
    assert saved.text.replace("\r\n", "\n") == TEXT.strip()
    assert saved.body == lettertext.compile_text(saved.text)
    page = client.get(reverse("notifications:template-edit", args=[incident.slug, saved.pk])).content.decode()
    assert 'name="writes_text" value="True"' in page


def test_a_variant_written_in_the_template_language_keeps_its_editor(client, manager, incident):
    legacy = LetterTemplate.objects.create(incident=incident, name="Old", body="<p>{{ salutation }}</p>")
    client.force_login(manager)
    page = client.get(reverse("notifications:template-edit", args=[incident.slug, legacy.pk])).content.decode()
    assert 'name="body"' in page
    assert 'id="id_text"' not in page


BRANCHES = """Opening.

::: only when the letter goes to the person themselves
SELF-PARAGRAPH.
::: otherwise when the letter goes to a parent or guardian
PARENT-PARAGRAPH.
::: otherwise
KIN-PARAGRAPH.
:::

The information involved
::: only when the letter goes to the person themselves
your
::: otherwise
your child's
:::
{{ data_types_text }}.
::: only when the incident gives what you can do
{{ what_you_can_do }}
::: otherwise
OWN-ADVICE.
:::

[[credit bureaus]]

[[ State Notice ]]
"""


def test_otherwise_branches_print_one_of_their_paragraphs_for_each_reader(incident):
    incident.what_you_can_do = ""
    incident.save()
    for relationship, shown in (
        (Relationship.SELF, "SELF-PARAGRAPH."),
        (Relationship.PARENT_GUARDIAN, "PARENT-PARAGRAPH."),
        (Relationship.NEXT_OF_KIN, "KIN-PARAGRAPH."),
    ):
        body = _rendered(incident, BRANCHES, relationship=relationship)
        assert [p for p in ("SELF-PARAGRAPH.", "PARENT-PARAGRAPH.", "KIN-PARAGRAPH.") if p in body] == [shown]
        assert f"<p>{shown}</p>" in body  # a blank line before and after: paragraphs of its own
    assert "OWN-ADVICE." in _rendered(incident, BRANCHES)
    incident.what_you_can_do = "Watch your accounts."
    incident.save()
    body = " ".join(_rendered(incident, BRANCHES, relationship=Relationship.SELF).split())
    # No blank line around: the words stay in the sentence's one paragraph.
    assert "<p>The information involved your " in body
    assert " Watch your accounts. </p>" in body
    assert "OWN-ADVICE" not in body


def test_a_section_inside_a_paragraph_keeps_the_paragraph_whole():
    compiled = lettertext.compile_text(
        "Call us\n::: only when the incident gives the assistance line's number\nat {{ hotline_phone }}\n:::\ntoday."
    )
    assert compiled.startswith("<p>Call us\n{% if hotline_phone %}\nat {{ hotline_phone }}\n{% endif %}\ntoday.</p>")


def test_blocks_compile_to_the_portal_fragments_and_print_for_the_readers_state(incident):
    compiled = lettertext.compile_text(BRANCHES)
    assert '<table class="bureaus">' in compiled
    assert "{% for line in block.lines %}" in compiled
    body = _rendered(incident, BRANCHES)
    assert "TransUnion" in body
    assert "<p>[[" not in body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A\n\n::: otherwise\nB", "Line 3: “::: otherwise” continues a section, but no section is open here."),
        (
            "::: only when medical information was exposed\nA\n::: otherwise\nB\n::: otherwise\nC\n:::",
            "Line 5: The section that starts on line 1 already has its last branch",
        ),
        (
            "::: only when the incident gives the weather\nA\n:::",
            "Line 1: “the incident gives the weather” is not a condition letters know.",
        ),
        ("A\n\n[[lottery numbers]]", "Line 3: “[[lottery numbers]]” is not a block the portal provides."),
        (
            "Text\n::: only when medical information was exposed\nA\n\n- item\n:::",
            "Line 2: The section that starts on line 2 starts inside a paragraph and ends outside it",
        ),
    ],
)
def test_what_the_new_lines_may_not_hold_is_refused_with_its_line(text, message):
    with pytest.raises(sandbox.TemplateProblem) as refused:
        lettertext.compile_text(text)
    assert str(refused.value).startswith(message)


def test_a_block_is_a_line_of_its_own_and_markup_beside_it_is_printed_as_text():
    compiled = lettertext.compile_text(
        "[[credit bureaus]] <script>x</script>\n[[state notice]]\n::: only when a government ID was exposed\nA\n:::"
    )
    assert "<p>[[credit bureaus]] &lt;script&gt;x&lt;/script&gt;</p>" in compiled
    assert "{% if state_insert %}" in compiled
    assert "{% if has_government_id %}\n<p>A</p>\n{% endif %}" in compiled  # after a block: paragraphs of its own


def test_the_standard_letters_open_in_the_letter_text_editor(client, manager, incident):
    english, spanish = actions.install_default_templates(manager, incident)
    assert english.text.startswith("::: only when the letter goes to the person themselves")
    assert "[[credit bureaus]]" in spanish.text
    assert (english.body, spanish.body) == (
        lettertext.compile_text(english.text),
        lettertext.compile_text(spanish.text),
    )
    client.force_login(manager)
    page = client.get(reverse("notifications:template-edit", args=[incident.slug, english.pk])).content.decode()
    assert 'name="writes_text" value="True"' in page
    assert 'name="body"' not in page
    assert "[[credit bureaus]]" in page  # in the text, and in the list of blocks beside it
