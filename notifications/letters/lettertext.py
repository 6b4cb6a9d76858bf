"""Letter text: how district staff write a letter without HTML.

Letter text is Markdown (CommonMark: paragraphs, `## headings`, **bold**, *italic*, lists) with three
additions and nothing else:

- merge fields, written `{{ field }}`, from the short list in `FIELDS`;
- conditional sections, opened by a line `::: only when <condition>` (or `::: except when <condition>`),
  optionally continued by lines `::: otherwise when <condition>` and a last `::: otherwise`, and closed
  by a line `:::`, with the conditions named in plain words in `CONDITIONS` and `INCIDENT_GIVES`;
- blocks the portal provides, placed by a line of their own such as `[[credit bureaus]]` (`BLOCKS`):
  fixed, reviewed fragments of the template language that an author can place but not change.

A section with a blank line (or the start of the text) before its first line and after its last holds
paragraphs of its own; otherwise it stays inside the paragraph around it, which is how a few words of
a sentence vary by reader. It compiles to the letter template language (`sandbox`), which renders it:
every guarantee of the sandbox holds, and the author cannot reach beyond it, since markup typed in the
text is printed as text (raw HTML is off), images and links are not part of it, and any `{%`, `{#` or
field not in the list is refused with its line.
"""

import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from notifications.letters.sandbox import TemplateProblem

FIELDS: tuple[tuple[str, str], ...] = (
    ("individual_name", "The full name of the person whose data was exposed."),
    ("individual_first_name", "Their first name."),
    ("recipient_name", "Whom the letter is addressed to, as on the envelope."),
    ("data_types_text", "The information exposed, as a plain list: “name, address and medical information”."),
    ("reference_code", "The code printed on the letter, which callers read to the hotline."),
    ("letter_date", "The date printed on the letter, written out."),
    ("organisation_name", "Who is writing."),
    ("incident_title", "The incident's title."),
    ("what_happened", "The incident's notice section of that name (a paragraph of its own)."),
    ("what_information", "The notice section “What information was involved”."),
    ("what_we_are_doing", "The notice section “What we are doing”."),
    ("what_you_can_do", "The notice section “What you can do”."),
    ("for_more_information", "The notice section “For more information”."),
    ("occurred_on", "When it happened, written out."),
    ("discovered_on", "When it was discovered, written out (empty when “What happened” already says it)."),
    ("notice_on", "The notice date, written out."),
    ("hotline_phone", "The assistance line's number."),
    ("hotline_hours", "The assistance line's hours."),
    ("contact_email", "The address to write to."),
    (
        "number_affected",
        "How many people the letters are about, written 1,204 (empty where the reader's state keeps it out).",
    ),
)
FIELD_NAMES = frozenset(name for name, _ in FIELDS)
# What a section may depend on, in the words an author uses, and the letter's value that decides it.
CONDITIONS: dict[str, str] = {
    "medical information was exposed": "has_medical",
    "a Social Security number was exposed": "has_ssn",
    "financial information was exposed": "has_financial",
    "a government ID was exposed": "has_government_id",
    "education records were exposed": "has_education_record",
    "the letter goes to a parent or guardian": "is_parent_guardian",
    "the letter goes to the person themselves": "is_self",
    "the letter goes to next of kin": "is_next_of_kin",
    "the information exposed is known": "data_types_text",
    # From the jurisdictions table: parts of a letter the law where the reader lives keeps out.
    "the law where the reader lives keeps out what happened": "omits_what_happened",
    "the law where the reader lives keeps out the number affected": "omits_number_affected",
}
# "the incident gives <words>": true when the incident's form fills in that text or date, so a letter can
# print it, or its own wording where the incident leaves it empty. The discovery date counts as not given
# when the incident's "What happened" already says it, so the letter does not say it a second time.
INCIDENT_GIVES: dict[str, str] = {
    "what happened": "what_happened",
    "what information was involved": "what_information",
    "what we are doing": "what_we_are_doing",
    "what you can do": "what_you_can_do",
    "for more information": "for_more_information",
    "the date it happened": "occurred_on",
    "the discovery date": "discovered_on",
    "the assistance line's number": "hotline_phone",
    "the assistance line's hours": "hotline_hours",
    "an address to write to": "contact_email",
    "the number of people affected": "number_affected",
}
_GIVES = "the incident gives "
# The blocks the portal provides: what each prints, and the reviewed fragment it compiles to. Each is the
# only way its markup (a table, a loop) reaches a letter written as text.
BLOCKS: dict[str, tuple[str, str]] = {
    "credit bureaus": (
        "The three nationwide consumer reporting agencies (Equifax, Experian, TransUnion) with their "
        "addresses, telephone numbers and websites, side by side.",
        '<table class="bureaus">\n'
        "<tr><td><strong>Equifax</strong><br>P.O. Box 105788<br>Atlanta, GA 30348-5788<br>(888) 298-0045<br>"
        "www.equifax.com</td>\n"
        "<td><strong>Experian</strong><br>P.O. Box 9554<br>Allen, TX 75013<br>(888) 397-3742<br>"
        "www.experian.com</td>\n"
        "<td><strong>TransUnion</strong><br>P.O. Box 2000<br>Chester, PA 19016<br>(800) 680-7289<br>"
        "www.transunion.com</td></tr>\n"
        "</table>\n",
    ),
    "state notice": (
        "The block the law of the reader's state asks its residents' letters to carry (the regulator's "
        "contacts, required statements), from the jurisdictions table, in the letter's language where the "
        "table has it; nothing for other states.",
        "{% if state_insert %}{% for block in state_insert.blocks %}\n<h3>{{ block.title }}</h3>\n"
        "<p>{% for line in block.lines %}{{ line }}{% if not forloop.last %}<br>{% endif %}{% endfor %}</p>\n"
        "{% endfor %}{% endif %}\n",
    ),
}
_BY_WORDS = {words.lower(): value for words, value in CONDITIONS.items()} | {
    _GIVES + words.lower(): value for words, value in INCIDENT_GIVES.items()
}
_FIELD = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|[}%#]\}")
_SECTION = re.compile(r"(only when|except when|otherwise when)\s+(.+?)\.?", re.IGNORECASE)
_BLOCK_LINE = re.compile(r"\[\[(.*)\]\]")
# Private-use characters, removed from what the author typed: holes for fields, marks for sections and blocks.
_HOLE_START, _HOLE_END, _MARK_START, _MARK_END = "\ue000", "\ue001", "\ue002", "\ue003"
_HOLE = re.compile(f"{_HOLE_START}(\\d+){_HOLE_END}")
_ALONE = re.compile(f"<p>{_HOLE_START}(\\d+){_HOLE_END}</p>")
_MARK = re.compile(f"{_MARK_START}(\\d+){_MARK_END}")
_MARK_ALONE = re.compile(f"<p>({_MARK_START}\\d+{_MARK_END})</p>")
_HTML_TAG = re.compile(f"<(/?)([a-z0-9]+)[^>]*>|{_MARK_START}(\\d+){_MARK_END}")
_VOID = frozenset({"br", "hr", "img"})
_SECTION_HELP = (
    "A section starts with “::: only when …” or “::: except when …”, may go on with “::: otherwise when …” "
    "and a last “::: otherwise”, and ends with a line “:::”. The conditions are: "
)


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])


def _conditions() -> str:
    return "; ".join([*CONDITIONS, *(_GIVES + words for words in INCIDENT_GIVES)])


@dataclass(eq=False)
class _Section:
    """One section of the text: the lines that open, continue and close it (0-based), and its marks."""

    opened: int
    parent: "_Section | None"
    lines: list[int] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)
    has_otherwise: bool = False
    closed: int = -1
    own_paragraphs: bool = True


def _fields(line: str, number: int, names: list[str]) -> str:
    """The line with each merge field replaced by a hole (its index in `names`); a field not in the list,
    or template syntax, is refused with the line."""

    def hole(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in FIELD_NAMES:
            raise TemplateProblem(
                f"“{match.group(0)}” is not a merge field. Letter text may use: {', '.join(sorted(FIELD_NAMES))}.",
                number,
            )
        names.append(name)
        return f"{_HOLE_START}{len(names) - 1}{_HOLE_END}"

    replaced = _FIELD.sub(hole, line)
    stray = _TEMPLATE_SYNTAX.search(replaced)
    if stray:
        raise TemplateProblem(
            f"“{stray.group(0)}” is not part of letter text: write a merge field as {{{{ field }}}}, "
            "and a conditional section as a line “::: only when …” closed by a line “:::”.",
            number,
        )
    return replaced


def _condition(words: str, number: int) -> str:
    found = _BY_WORDS.get(" ".join(words.lower().split()))
    if found is None:
        raise TemplateProblem(f"“{words}” is not a condition letters know. Use one of: {_conditions()}.", number)
    return found


def _section_tag(line: str, number: int, section: "_Section | None") -> str:
    """The template tag a section line stands for; `section` is the one open at the line (None: none is)."""
    words = " ".join(line.strip()[3:].split())
    if not words:
        if section is None:
            raise TemplateProblem("“:::” closes a section, but no section is open here.", number)
        return "{% endif %}"
    if words.lower().rstrip(".") == "otherwise" or words.lower().startswith("otherwise when"):
        if section is None:
            raise TemplateProblem(f"“{line.strip()}” continues a section, but no section is open here.", number)
        if section.has_otherwise:
            raise TemplateProblem(
                f"The section that starts on line {section.opened + 1} already has its last branch, “::: otherwise”: "
                "close it with a line “:::” first.",
                number,
            )
    if words.lower().rstrip(".") == "otherwise":
        return "{% else %}"
    found = _SECTION.fullmatch(words)
    if not found:
        raise TemplateProblem(_SECTION_HELP + _conditions() + ".", number)
    value = _condition(found.group(2), number)
    kind = found.group(1).lower()
    if kind.startswith("otherwise"):
        return f"{{% elif {value} %}}"
    return f"{{% if {'not ' if kind.startswith('except') else ''}{value} %}}"


def _block_fragment(line: str, number: int) -> str:
    found = _BLOCK_LINE.fullmatch(line.strip())
    assert found is not None
    name = " ".join(found.group(1).lower().split())
    if name not in BLOCKS:
        known = ", ".join(f"[[{block}]]" for block in BLOCKS)
        raise TemplateProblem(f"“{line.strip()}” is not a block the portal provides. Use one of: {known}.", number)
    return BLOCKS[name][1]


def _kind(line: str) -> str:
    stripped = line.strip()
    if not stripped:
        return "blank"
    if stripped.startswith(":::"):
        return "section"
    if _BLOCK_LINE.fullmatch(stripped):
        return "block"
    return "text"


def _parse_sections(lines: list[str], kinds: list[str]) -> tuple[dict[int, _Section], list[str]]:
    """The section each section line belongs to, and the tag each section line stands for."""
    owner: dict[int, _Section] = {}
    tags: dict[int, str] = {}
    stack: list[_Section] = []
    for index, line in enumerate(lines):
        if kinds[index] != "section":
            continue
        current = stack[-1] if stack else None
        tag = _section_tag(line, index + 1, current)
        tags[index] = tag
        if tag.startswith("{% if"):
            current = _Section(index, current)
            stack.append(current)
        assert current is not None
        current.lines.append(index)
        owner[index] = current
        if tag == "{% else %}":
            current.has_otherwise = True
        elif tag == "{% endif %}":
            current.closed = index
            stack.pop()
    if stack:
        raise TemplateProblem(
            f"The section that starts on line {stack[-1].opened + 1} is never closed: end it with a line “:::”.",
            stack[-1].opened + 1,
        )
    _place(owner, kinds)
    return owner, [tags.get(index, "") for index in range(len(lines))]


def _place(owner: dict[int, _Section], kinds: list[str]) -> None:
    """Decide, outer sections first, which hold paragraphs of their own: those with a blank line (or the
    start or end of the text, a block, or a line of an enclosing section holding paragraphs) before their
    first line and after their last."""

    def apart(index: int, section: _Section) -> bool:
        if index < 0 or index >= len(kinds) or kinds[index] in ("blank", "block"):
            return True
        parent = section.parent
        return kinds[index] == "section" and parent is not None and owner[index] is parent and parent.own_paragraphs

    for section in sorted(set(owner.values()), key=lambda s: s.opened):
        inside = section.parent is not None and not section.parent.own_paragraphs
        section.own_paragraphs = (
            not inside and apart(section.opened - 1, section) and apart(section.closed + 1, section)
        )


def _syntax_line(lines: list[str]) -> int:
    """The first line whose Markdown forms template syntax (from escapes such as {\\%)."""
    md = _markdown()
    for number, line in enumerate(lines, start=1):
        if _TEMPLATE_SYNTAX.search(md.renderInline(line)):
            return number
    return 1


def _check_balanced(html: str, owner: dict[int, _Section]) -> None:
    """Refuse a section that starts inside a paragraph (or list) and ends outside it, or the other way
    round: leaving it out would leave the letter's markup half open."""
    stack: list[str] = []
    at: dict[int, tuple[str, ...]] = {}
    for match in _HTML_TAG.finditer(html):
        if match.group(3) is not None:
            at[int(match.group(3))] = tuple(stack)
        elif match.group(2) not in _VOID:
            if match.group(1):
                if stack and stack[-1] == match.group(2):
                    stack.pop()
            else:
                stack.append(match.group(2))
    for section in sorted(set(owner.values()), key=lambda s: s.opened):
        places = {at.get(mark) for mark in section.marks}
        if len(places) > 1:
            raise TemplateProblem(
                f"The section that starts on line {section.opened + 1} starts inside a paragraph and ends outside "
                "it, or the other way round: leave a blank line before its first line and after its last to give "
                "it paragraphs of its own, or none to keep it inside one paragraph.",
                section.opened + 1,
            )


def compile_text(text: str) -> str:
    """Letter text as a letter template, or TemplateProblem naming the first line that is wrong."""
    for private in (_HOLE_START, _HOLE_END, _MARK_START, _MARK_END):
        text = text.replace(private, "")
    lines = text.splitlines()
    kinds = [_kind(line) for line in lines]
    owner, section_tags = _parse_sections(lines, kinds)
    names: list[str] = []
    marks: list[str] = []
    source: list[str] = []
    for index, line in enumerate(lines):
        kind = kinds[index]
        if kind in ("text", "blank"):
            source.append(_fields(line, index + 1, names) if kind == "text" else "")
            continue
        marks.append(_block_fragment(line, index + 1) if kind == "block" else section_tags[index])
        mark = f"{_MARK_START}{len(marks) - 1}{_MARK_END}"
        if kind == "section":
            owner[index].marks.append(len(marks) - 1)
        source.extend(["", mark, ""] if kind == "block" or owner[index].own_paragraphs else [mark])
    html = _markdown().render("\n".join(source))
    if _TEMPLATE_SYNTAX.search(html):  # formed by Markdown itself, from escapes such as {\%
        raise TemplateProblem(
            "Template syntax is not part of letter text (a “{” next to “%”, “#” or “{”).", _syntax_line(lines)
        )
    html = _MARK_ALONE.sub(lambda m: m.group(1), html)
    _check_balanced(html, owner)
    html = _ALONE.sub(lambda m: f"{{{{ {names[int(m.group(1))]}|linebreaks }}}}", html)
    html = _HOLE.sub(lambda m: f"{{{{ {names[int(m.group(1))]} }}}}", html)
    return _MARK.sub(lambda m: marks[int(m.group(1))], html)
