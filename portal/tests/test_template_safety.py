"""Nothing the portal shows is marked safe by hand: autoescaping stays on in every template, and Python
code marks HTML safe only where it was built by the sandboxed letter renderer (which escapes itself)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_MARKS = re.compile(r"\|\s*safe\b|\|\s*safeseq\b|{%\s*autoescape\s+off\s*%}")
PYTHON_MARKS = re.compile(r"\bmark_safe\(|\bSafeString\(|\bformat_html\(\s*[fF]\"|\bhtml_safe\b")
# Each allowed place, and why.
ALLOWED_PYTHON = {
    # The letter body: rendered by a template language without |safe or autoescape, from a context of
    # plain values, so every value in it was escaped; the result is HTML for WeasyPrint.
    "notifications/letters/sandbox.py",
}
SKIP = (".venv", "node_modules", "/tests/", "/migrations/", "e2e/vendor")


def _files(pattern: str) -> list[Path]:
    return [p for p in ROOT.rglob(pattern) if not any(part in str(p) for part in SKIP)]


def test_no_template_marks_data_safe():
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _files("*.html") + _files("*.txt")
        for match in TEMPLATE_MARKS.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not found, "marked safe by hand: " + "; ".join(found)


def test_python_marks_html_safe_only_where_allowed():
    found = [
        str(path.relative_to(ROOT))
        for path in _files("*.py")
        if PYTHON_MARKS.search(path.read_text(encoding="utf-8")) and str(path.relative_to(ROOT)) not in ALLOWED_PYTHON
    ]
    assert not found, "marks HTML safe outside the allowed places: " + ", ".join(found)


def test_the_check_itself_finds_a_safe_filter(tmp_path):
    assert TEMPLATE_MARKS.search("<p>{{ person.name|safe }}</p>")
    assert TEMPLATE_MARKS.search("{% autoescape off %}{{ x }}{% endautoescape %}")
    assert PYTHON_MARKS.search("return mark_safe(value)")
