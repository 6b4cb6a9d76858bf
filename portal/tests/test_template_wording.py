"""Wording the templates print around dates: Django writes "p.m." and "Sept." with their own full stop, so a
sentence must not end right after such a date ("5:58 p.m.." on the export page)."""

import re
from datetime import UTC
from pathlib import Path

from django.conf import settings
from django.template import Context, Template

# A date or time whose format ends in "a" (a.m./p.m.), "P" (5 p.m., noon) or "N" (Sept.), printed right
# before a full stop.
_DOT_AFTER_DOTTED_DATE = re.compile(r"\|(?:date|time):[\"'][^\"']*[aPN][\"']\s*(?:\|[^}]*)?}}\.")


TEMPLATE_DIRS: list[str] = [str(settings.BASE_DIR / "templates")]  # the project's own templates


def _templates() -> list[Path]:
    return [path for folder in TEMPLATE_DIRS for path in Path(folder).rglob("*.html")]


def test_no_template_puts_a_full_stop_after_a_time_that_ends_in_one():
    found = [
        f"{path.name}: {match.group(0)}"
        for path in _templates()
        for match in _DOT_AFTER_DOTTED_DATE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_check_finds_the_pattern_it_is_for():
    assert _DOT_AFTER_DOTTED_DATE.search('Downloaded {{ e.at|date:"M j, Y, g:i a" }}. For another copy')
    assert not _DOT_AFTER_DOTTED_DATE.search('Made {{ e.at|date:"m/d/Y H:i" }}.')


def test_the_export_page_says_when_it_was_downloaded_with_one_full_stop():
    from datetime import datetime

    html = (Path(TEMPLATE_DIRS[0]) / "incidents" / "export_detail.html").read_text(encoding="utf-8")
    line = next(line for line in html.splitlines() if "Downloaded" in line)
    at = datetime(2026, 12, 6, 23, 58, tzinfo=UTC)
    text = Template("{% load tz %}{% timezone 'America/Chicago' %}" + line + "{% endtimezone %}").render(
        Context({"export": {"downloaded_at": at}})
    )
    assert "Downloaded Dec 6, 2026, 5:58 p.m.; for another copy" in text
    assert ".." not in text
