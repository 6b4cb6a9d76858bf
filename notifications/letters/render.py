"""Letters as PDF: context in, PDF bytes out. The caller stores the file.

A letter is drawn in two layers. The body, the author's text, is laid out by
WeasyPrint once per distinct body: letters of one variant to recipients with
the same data types, relationship and state share every word of it, so a
batch lays out a few dozen bodies, not one per letter. The frame (the two
address windows, date, reference code, salutation, and the footer with the
piece's sequence number and "page X of Y") differs on every letter; the
frames of a whole chunk are laid out as one document of fixed-position
sheets. Each page of the chunk's PDF then draws its body page, stored once
per file as a form XObject, under its frame sheet. Flowing text is what costs
in WeasyPrint, so it is done once per body rather than once per letter.

The renderer fetches nothing it was not given: `portal-static:` names the
portal's own letter assets, `portal-logo:` the incident's uploaded logo, and
every other URL (file://, http://, data:) is refused.
"""

import hashlib
import io
import mimetypes
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, IndirectObject, NameObject
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_SCHEME = "portal-static:"
LOGO_URL = "portal-logo:logo"
_LETTER_ASSETS = "letters/"
BODY_CACHE_SIZE = 256  # distinct bodies kept laid out per renderer
_LABELS = {
    "en": {
        "title": "Notice of Data Breach",
        "reference": "Reference code",
        "regarding": "Regarding",
        "page": "Page",
        "of": "of",
    },
    "es": {
        "title": "Aviso de violación de datos",
        "reference": "Código de referencia",
        "regarding": "Referente a",
        "page": "Página",
        "of": "de",
    },
}


class RefusedURL(ValueError):
    pass


class _PortalFetcher(URLFetcher):
    """Serves the letter assets and one logo; refuses everything else."""

    def __init__(self, logo: bytes | None = None) -> None:
        super().__init__(allowed_protocols=())
        self._logo = logo

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url == LOGO_URL and self._logo:
            return URLFetcherResponse(url, body=self._logo, headers={"Content-Type": _image_type(self._logo)})
        if url.startswith(STATIC_SCHEME):
            name = url.removeprefix(STATIC_SCHEME)
            found = finders.find(name) if name.startswith(_LETTER_ASSETS) and ".." not in name else None
            if found:
                mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=Path(str(found)).read_bytes(), headers={"Content-Type": mime})
        raise RefusedURL("letters may only use the portal's own assets and the incident's logo")


def _image_type(data: bytes) -> str:
    return "image/png" if data.startswith(b"\x89PNG") else "image/jpeg"


# Fonts shipped with the portal (static/letters/fonts), embedded in every PDF. Declared here rather than
# in letter.css: the production static storage would try to rewrite their URLs.
FONT_FACES = "\n".join(
    f'@font-face {{ font-family: "{family}"; font-weight: {weight}; font-style: {style}; '
    f'src: url("{STATIC_SCHEME}letters/fonts/{file}"); }}'
    for family, weight, style, file in (
        ("Letter Serif", "normal", "normal", "LiberationSerif-Regular.ttf"),
        ("Letter Serif", "bold", "normal", "LiberationSerif-Bold.ttf"),
        ("Letter Serif", "normal", "italic", "LiberationSerif-Italic.ttf"),
        ("Letter Serif", "bold", "italic", "LiberationSerif-BoldItalic.ttf"),
        ("Letter Sans", "normal", "normal", "LiberationSans-Regular.ttf"),
        ("Letter Sans", "bold", "normal", "LiberationSans-Bold.ttf"),
    )
)


def _box(name: str, box: Mapping[str, float], inset: float = 0) -> str:
    return (
        f".{name} {{ left: {box['left'] + inset:.3f}in; top: {box['top'] + inset:.3f}in; "
        f"width: {box['width'] - 2 * inset:.3f}in; height: {box['height'] - 2 * inset:.3f}in; }}"
    )


def page_css() -> tuple[str, str]:
    """The body's page rules and the frame's positions, from settings.LETTER_LAYOUT (inches from the paper's edge)."""
    layout: Mapping[str, Any] = settings.LETTER_LAYOUT
    margins = layout["margins"]
    body = (
        f"@page {{ size: letter; margin: {margins['top']}in {margins['right']}in {margins['bottom']}in "
        f"{margins['left']}in; }}\n@page :first {{ margin-top: {layout['first_page_body_top']}in; }}"
    )
    clearance = float(layout["clearance"])
    width = 8.5 - margins["left"] - margins["right"]
    logo = layout["logo"]
    frame = "\n".join(
        [
            "@page { size: letter; margin: 0; }",
            _box("return-window", layout["return_window"], clearance),
            _box("recipient-window", layout["recipient_window"], clearance),
            f".logo {{ left: {logo['left']}in; top: {logo['top']}in; max-height: {logo['height']}in; }}",
            f".letter-meta {{ left: {margins['left']}in; top: {layout['date_top']}in; width: {width:.3f}in; }}",
            f".opening {{ left: {margins['left']}in; top: {layout['opening_top']}in; width: {width:.3f}in; }}",
            f".foot {{ bottom: {layout['footer_bottom']}in; width: {width / 2:.3f}in; }}",
            f".foot-left {{ left: {margins['left']}in; }} .foot-right {{ right: {margins['right']}in; }}",
        ]
    )
    return body, frame


# The frames are the portal's own markup, a handful of elements styled entirely by letter.css. WeasyPrint
# matches its whole HTML5 user-agent stylesheet (hundreds of rules) against every element; for the frames
# these few rules do, which cuts the time their layout takes by about a third. `_ua_stylesheets` is
# WeasyPrint's hook for its user-agent stylesheet (the version is pinned); bodies, written by authors, keep
# the full one.
_FRAME_USER_AGENT = "html, body, div, p { display: block; } head, meta, style, title { display: none; }"


class _FrameHTML(HTML):
    _user_agent: CSS | None = None

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        if _FrameHTML._user_agent is None:
            _FrameHTML._user_agent = CSS(string=_FRAME_USER_AGENT)
        return [_FrameHTML._user_agent]


@dataclass(frozen=True)
class LetterPage:
    """One letter: the author's body and what the frame prints around it."""

    body: SafeString
    sequence: int
    reference_code: str
    address_lines: Sequence[str]
    letter_date: str
    language: str
    salutation: str
    regarding: str = ""  # whom the letter is about, when not its reader


@dataclass
class _Body:
    """One distinct body, laid out: its PDF, read back, and its pages' drawing instructions."""

    reader: PdfReader
    contents: list[bytes]

    @property
    def page_count(self) -> int:
        return len(self.contents)


@dataclass(frozen=True)
class LaidOut:
    page: LetterPage
    body: _Body


@dataclass
class Renderer:
    """Reusable across chunks of one incident: stylesheets are parsed once, bodies laid out once."""

    return_lines: Sequence[str]
    logo: bytes | None = None
    _fonts: FontConfiguration = field(default_factory=FontConfiguration, init=False)
    _bodies: "OrderedDict[str, _Body]" = field(default_factory=OrderedDict, init=False)

    def __post_init__(self) -> None:
        self._fetcher = _PortalFetcher(self.logo)
        letter_css = Path(str(finders.find("letters/letter.css"))).read_text()
        body_pages, frame_positions = page_css()
        base = CSS(string=FONT_FACES + "\n" + letter_css, url_fetcher=self._fetcher, font_config=self._fonts)
        self._body_styles = [base, CSS(string=body_pages, font_config=self._fonts)]
        self._frame_styles = [base, CSS(string=frame_positions, font_config=self._fonts)]

    def layout(self, page: LetterPage) -> LaidOut:
        """The letter with its body laid out (or found laid out already); its frame is drawn by `write`."""
        key = hashlib.sha256(f"{page.language}\x00{page.body}".encode()).hexdigest()
        body = self._bodies.get(key)
        if body is None:
            body = self._lay_out_body(page)
            self._bodies[key] = body
            if len(self._bodies) > BODY_CACHE_SIZE:
                self._bodies.popitem(last=False)
        else:
            self._bodies.move_to_end(key)
        return LaidOut(page, body)

    def _lay_out_body(self, page: LetterPage) -> _Body:
        html = render_to_string("letters/body.html", {"body": page.body, "language": page.language})
        pdf = HTML(string=html, url_fetcher=self._fetcher).write_pdf(
            stylesheets=self._body_styles, font_config=self._fonts
        )
        reader = PdfReader(io.BytesIO(pdf))
        return _Body(reader, [p.get_contents().get_data() for p in reader.pages])  # type: ignore[union-attr]

    def frames_html(self, letters: Sequence[LaidOut]) -> str:
        frames = [
            {
                "page": item.page,
                "sequence": f"{item.page.sequence:06d}",
                "labels": _LABELS.get(item.page.language, _LABELS["en"]),
                "numbers": range(1, item.body.page_count + 1),
                "page_count": item.body.page_count,
            }
            for item in letters
        ]
        context = {"frames": frames, "return_lines": self.return_lines, "logo_url": LOGO_URL if self.logo else ""}
        return render_to_string("letters/frames.html", context)

    def write(self, letters: Iterable[LaidOut]) -> tuple[bytes, list[int]]:
        """Several letters as one PDF, and each letter's page count."""
        letters = list(letters)
        if not letters:
            return b"", []
        frames = _FrameHTML(string=self.frames_html(letters), url_fetcher=self._fetcher).write_pdf(
            stylesheets=self._frame_styles, font_config=self._fonts
        )
        return _compose(PdfReader(io.BytesIO(frames)), letters), [item.body.page_count for item in letters]


def _resources(page: Any) -> DictionaryObject:
    found = page["/Resources"].get_object()
    assert isinstance(found, DictionaryObject)
    return found


def _body_xobjects(writer: PdfWriter, body: _Body) -> list[IndirectObject]:
    """The body's pages as form XObjects in `writer`: drawn by every letter that shares the body."""
    made = []
    for page, contents in zip(body.reader.pages, body.contents, strict=True):
        drawing = DecodedStreamObject()
        drawing.set_data(contents)
        form = drawing.flate_encode()
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): page.mediabox,
                NameObject("/Resources"): _resources(page).clone(writer),
            }
        )
        made.append(writer._add_object(form))
    return made


def _compose(frames: PdfReader, letters: list[LaidOut]) -> bytes:
    writer = PdfWriter()
    writer.add_metadata({"/Title": "Letters"})
    forms: dict[int, list[IndirectObject]] = {}
    sheets = iter(frames.pages)
    for item in letters:
        if id(item.body) not in forms:
            forms[id(item.body)] = _body_xobjects(writer, item.body)
        for form in forms[id(item.body)]:
            page = writer.add_page(next(sheets))
            resources = DictionaryObject(_resources(page))  # frame pages share one; each needs its own
            xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
            xobjects[NameObject("/LetterBody")] = form
            resources[NameObject("/XObject")] = xobjects
            page[NameObject("/Resources")] = resources
            drawing = DecodedStreamObject()
            drawing.set_data(b"q /LetterBody Do Q\n" + page.get_contents().get_data())  # type: ignore[union-attr]
            page[NameObject("/Contents")] = writer._add_object(drawing.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
