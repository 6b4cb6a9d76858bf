"""The template language letter authors write in: Django's, cut down to what a letter needs.

Authors are trusted to word a letter, not to reach the server. So the engine
has no loaders (no include, extends or ssi), no `load` (no tag libraries), no
`autoescape` or `safe` (recipient data is always escaped), no `debug` (it
would print the context), and the context holds only strings, numbers,
tuples and read-only mappings, so a dotted name can reach nothing else.
Django ships no sandboxed mode, so the allow-list below is the portal's own.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from django.template import Context, Engine, Library, Template, TemplateSyntaxError, defaultfilters, defaulttags
from django.utils.safestring import SafeString

TAGS = ("if", "for", "with", "firstof", "cycle", "spaceless", "comment", "now", "templatetag", "widthratio")
FILTERS = [  # not `random`: a letter must read the same each time it is rendered
    "add",
    "capfirst",
    "cut",
    "date",
    "default",
    "default_if_none",
    "first",
    "join",
    "last",
    "length",
    "linebreaks",
    "linebreaksbr",
    "lower",
    "upper",
    "title",
    "pluralize",
    "yesno",
    "truncatechars",
    "truncatewords",
    "wordcount",
    "floatformat",
    "slice",
    "divisibleby",
    "center",
    "ljust",
    "rjust",
    "striptags",
    "time",
    "urlize",
    "force_escape",
    "escape",
    "make_list",
    "dictsort",
]

register = Library()
for _name in TAGS:
    register.tag(_name, getattr(defaulttags, f"do_{_name}", None) or getattr(defaulttags, _name))
for _name in FILTERS:
    register.filter(_name, getattr(defaultfilters, _name) if _name != "slice" else defaultfilters.slice_filter)

MISSING = "\x00missing:%s\x00"


class _LetterEngine(Engine):
    default_builtins: list[str] = []


_engine = _LetterEngine(
    loaders=[], libraries={}, builtins=["notifications.letters.sandbox"], debug=True, string_if_invalid=MISSING
)


@dataclass(frozen=True)
class TemplateProblem(Exception):
    message: str
    line: int | None = None

    def __str__(self) -> str:
        return f"Line {self.line}: {self.message}" if self.line else self.message


def compile_body(source: str) -> Template:
    """The body as a template, or TemplateProblem naming the line of the first error."""
    try:
        return _engine.from_string(source)
    except TemplateSyntaxError as exc:
        debug = getattr(exc, "template_debug", None) or {}
        raise TemplateProblem(_author_message(str(exc)), debug.get("line")) from None


def _author_message(message: str) -> str:
    if "Invalid block tag" in message:
        name = message.split("'")[1] if "'" in message else ""
        if name.startswith("end") or name in ("else", "elif", "empty"):
            return f"“{{% {name} %}}” has no opening tag to close or continue before it."
        return f"“{{% {name} %}}” is not allowed in a letter (or is misspelt); letters may use: {', '.join(TAGS)}."
    if "Invalid filter" in message:
        return f"{message}. Letters may use these filters: {', '.join(sorted(FILTERS))}."
    return message


def frozen(value: Any) -> Any:
    """A read-only copy: mappings become mapping proxies, sequences tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({k: frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(frozen(v) for v in value)
    return value


def render_body(template: Template, context: Mapping[str, Any]) -> SafeString:
    """Render with `context` (already frozen); a merge field the letter does not know is an error."""
    try:
        html = template.render(Context(dict(context), autoescape=True))
    except Exception as exc:  # a filter given the wrong kind of value, say
        raise TemplateProblem(f"The template failed while filling it in ({type(exc).__name__}).") from None
    if "\x00missing:" in html:
        names = sorted({part.split("\x00")[0] for part in html.split("\x00missing:")[1:]})
        raise TemplateProblem(f"Unknown merge field: {', '.join(names)}.")
    # Safe to mark: the markup is the manager's own template, and every value filled in (names,
    # addresses from an import file, the incident's text) was escaped above; the author cannot undo
    # that, since `safe`, `safeseq` and `autoescape` are not in this language.
    return SafeString(html)
