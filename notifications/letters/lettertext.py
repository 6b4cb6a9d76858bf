"""Letter text: how district staff write a letter without HTML.

Letter text is Markdown (CommonMark: paragraphs, `## headings`, **bold**, *italic*, lists) with two
additions and nothing else:

- merge fields, written `{{ field }}`, from the short list in `FIELDS`;
- conditional sections, opened by a line `::: only when <condition>` (or `::: except when <condition>`)
  and closed by a line `:::`, with the conditions named in plain words in `CONDITIONS`.

It compiles to the letter template language (`sandbox`), which renders it: every guarantee of the
sandbox holds, and the author cannot reach beyond it, since markup typed in the text is printed as
text (raw HTML is off), images and links are not part of it, and any `{%`, `{#` or field not in the
list is refused with its line.
"""

import re

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
    ("discovered_on", "When it was discovered, written out."),
    ("notice_on", "The notice date, written out."),
    ("hotline_phone", "The assistance line's number."),
    ("hotline_hours", "The assistance line's hours."),
    ("contact_email", "The address to write to."),
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
}
_BY_WORDS = {words.lower(): value for words, value in CONDITIONS.items()}
_FIELD = re.compile(r"\{\{\s*(.*?)\s*\}\}")
_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]|[}%#]\}")
_SECTION = re.compile(r"(only when|except when)\s+(.+?)\.?", re.IGNORECASE)
_HOLE_START, _HOLE_END = "\ue000", "\ue001"  # private-use characters, removed from what the author typed
_HOLE = re.compile(f"{_HOLE_START}(\\d+){_HOLE_END}")
_ALONE = re.compile(f"<p>{_HOLE_START}(\\d+){_HOLE_END}</p>")


def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])


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


def _block(lines: list[str], first_line: int, names: list[str]) -> str:
    """One run of Markdown between section lines, as HTML with the fields put back."""
    html = _markdown().render("\n".join(lines))
    if _TEMPLATE_SYNTAX.search(html):  # formed by Markdown itself, from escapes such as {\%
        raise TemplateProblem("Template syntax is not part of letter text (a “{” next to “%”, “#” or “{”).", first_line)
    html = _ALONE.sub(lambda m: f"{{{{ {names[int(m.group(1))]}|linebreaks }}}}", html)
    return _HOLE.sub(lambda m: f"{{{{ {names[int(m.group(1))]} }}}}", html)


def _section(line: str, number: int) -> str:
    """The opening tag a section line stands for."""
    found = _SECTION.fullmatch(line.strip()[3:].strip())
    if not found:
        raise TemplateProblem(
            "A section starts with “::: only when …” or “::: except when …”, naming one of: "
            + "; ".join(CONDITIONS)
            + ".",
            number,
        )
    words = " ".join(found.group(2).lower().split())
    if words not in _BY_WORDS:
        raise TemplateProblem(
            f"“{found.group(2)}” is not a condition letters know. Use one of: {'; '.join(CONDITIONS)}.", number
        )
    negate = found.group(1).lower().startswith("except")
    return f"{{% if {'not ' if negate else ''}{_BY_WORDS[words]} %}}"


def compile_text(text: str) -> str:
    """Letter text as a letter template, or TemplateProblem naming the first line that is wrong."""
    text = text.replace(_HOLE_START, "").replace(_HOLE_END, "")
    out: list[str] = []
    open_sections: list[int] = []
    names: list[str] = []
    run: list[str] = []
    run_start = 1
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip().startswith(":::"):
            if not run:
                run_start = number
            run.append(_fields(line, number, names))
            continue
        if run:
            out.append(_block(run, run_start, names))
            run = []
        if line.strip() == ":::":
            if not open_sections:
                raise TemplateProblem("“:::” closes a section, but no section is open here.", number)
            open_sections.pop()
            out.append("{% endif %}")
        else:
            out.append(_section(line, number))
            open_sections.append(number)
    if run:
        out.append(_block(run, run_start, names))
    if open_sections:
        raise TemplateProblem(
            f"The section that starts on line {open_sections[-1]} is never closed: end it with a line “:::”.",
            open_sections[-1],
        )
    return "\n".join(out) + "\n"
