"""The letter template language: what an author may write, and what a template can reach."""

import pytest

from notifications.letters.sandbox import TemplateProblem, compile_body, frozen, render_body


def _render(source: str, **context: object) -> str:
    return str(render_body(compile_body(source), frozen(context)))


def test_a_syntax_error_names_its_line():
    with pytest.raises(TemplateProblem) as caught:
        compile_body("<p>Dear reader,</p>\n<p>Hello</p>\n{% if has_medical %}\n<p>Medical</p>")
    assert caught.value.line == 3
    assert str(caught.value).startswith("Line 3:")


@pytest.mark.parametrize(
    "source",
    [
        '{% include "base.html" %}',
        '{% extends "base.html" %}',
        "{% load static %}",
        "{% debug %}",
        "{% autoescape off %}{{ name }}{% endautoescape %}",
        '{% url "accounts:login" %}',
        "{% csrf_token %}",
    ],
)
def test_tags_that_reach_beyond_the_letter_are_refused(source):
    with pytest.raises(TemplateProblem, match="not allowed in a letter"):
        compile_body(source)


def test_marking_data_safe_is_refused():
    with pytest.raises(TemplateProblem, match=r"Invalid filter: 'safe'"):
        compile_body("{{ recipient_name|safe }}")


def test_recipient_data_is_always_escaped():
    html = _render("<p>{{ name }}</p>", name='<img src="file:///etc/passwd">')
    assert html == "<p>&lt;img src=&quot;file:///etc/passwd&quot;&gt;</p>"


def test_an_unknown_merge_field_is_named():
    with pytest.raises(TemplateProblem, match="Unknown merge field: recipent_name"):
        _render("<p>{{ recipent_name }}</p>", recipient_name="Ada")


def test_dotted_names_reach_only_the_given_values():
    # A mapping proxy has no mutating methods, and model instances are never in the context.
    with pytest.raises(TemplateProblem, match=r"Unknown merge field: state_insert\.clear"):
        _render("{{ state_insert.clear }}", state_insert={"title": "For Missouri residents"})
    assert _render("{{ state_insert.title }}", state_insert={"title": "For Missouri residents"}) == (
        "For Missouri residents"
    )


def test_conditions_loops_and_filters_work():
    source = (
        "{% if has_medical %}M{% endif %}{% for t in data_types %}[{{ t.label|lower }}]{% endfor %}{{ n|pluralize }}"
    )
    assert _render(source, has_medical=True, data_types=[{"label": "Name"}, {"label": "SSN"}], n=2) == "M[name][ssn]s"


def test_a_stray_closing_tag_is_named_as_such():
    with pytest.raises(TemplateProblem, match="has no opening tag") as caught:
        compile_body("<p>One</p>\n{% endif %}")
    assert caught.value.line == 2
