"""Letters as PDF: context in, PDF bytes out. The caller stores the file.

A letter is drawn in two layers. The body, the author's text, is laid out by
WeasyPrint once per distinct body: letters of one variant to recipients with
the same data types, relationship and state share every word of it, so a
batch lays out a few dozen bodies, not one per letter (a body that names one
recipient is laid out for that letter alone). What every first page shares
(the logo, the return address, the date and the title) is the letterhead,
laid out once per language and date. The frame (the recipient's window,
reference code, salutation, and the footer with the piece's sequence number
and "page X of Y") differs on every letter: it is drawn straight into the PDF
by frame.py at the places the laid-out frame had, so no letter pays for a
layout of its own. Each page of the chunk's PDF then draws its body page and,
on a first page, the letterhead, each stored once per file as a form XObject,
under its frame sheet. `Renderer(draw_frames=False)` lays the frames out with
WeasyPrint instead (frames.html), as the portal did before; the page-image
test compares the two.

The renderer fetches nothing it was not given: `portal-static:` names the
portal's own letter assets, `portal-logo:` the incident's uploaded logo, and
every other URL (file://, http://, data:) is refused.
"""

import hashlib
import io
import mimetypes
import time
from collections import Counter, OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pikepdf
import weasyprint
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import get_template, render_to_string
from django.utils.safestring import SafeString
from pikepdf import Name
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from notifications.letters import frame
from portal.lib import pdf_lock

STATIC_SCHEME = "portal-static:"
LOGO_URL = "portal-logo:logo"
_LETTER_ASSETS = "letters/"
BODY_CACHE_SIZE = 256  # distinct bodies kept laid out per renderer
# A worker waits for a body another has reserved until it is put or the reservation is given up or lapses
# (shared_bodies.RESERVED_SECONDS), looking every BODY_WAIT_POLL_SECONDS; at most BODY_WAIT_SECONDS in all.
BODY_WAIT_SECONDS = 15.0
BODY_WAIT_POLL_SECONDS = 0.01
_LABELS = {
    "en": {
        "title": "Notice of Data Breach",
        "reference": "Reference code",
        "regarding": "Regarding",
        "ref": "Ref.",
        "piece": "Piece",
        "page": "Page",
        "of": "of",
    },
    "es": {
        "title": "Aviso de incidente de seguridad de datos",
        "reference": "Código de referencia",
        "regarding": "En relación con",
        "ref": "Ref.",
        "piece": "Envío",
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


META_LINE = 0.19  # inches: the date's line, above the reference code
TITLE_LINE, TITLE_GAP = 0.24, 0.1  # inches: the title's line, and the space below it


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
    date_top, opening_top = float(layout["date_top"]), float(layout["opening_top"])
    text_block = f"left: {margins['left']}in; width: {width:.3f}in;"
    frame = "\n".join(
        [
            "@page { size: letter; margin: 0; }",
            _box("return-window", layout["return_window"], clearance),
            _box("recipient-window", layout["recipient_window"], clearance),
            f".logo {{ left: {logo['left']}in; top: {logo['top']}in; max-height: {logo['height']}in; }}",
            # The letterhead prints the date and the title; the frame prints the reference code a line below
            # the date and the opening below the title, so their heights are fixed here.
            f".letter-date, .letter-reference {{ {text_block} line-height: {META_LINE}in; }}",
            f".letter-date {{ top: {date_top}in; }} .letter-reference {{ top: {date_top + META_LINE:.3f}in; }}",
            f".title {{ {text_block} top: {opening_top}in; line-height: {TITLE_LINE}in; }}",
            f".opening {{ {text_block} top: {_opening_top():.3f}in; }}",
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
    """Pages laid out once and drawn on many letters (a body, a letterhead): each page as a form XObject."""

    pdf: pikepdf.Pdf | None
    forms: list[Any]

    @classmethod
    def read(cls, data: bytes) -> "_Body":
        pdf = pikepdf.Pdf.open(io.BytesIO(data))
        return cls(pdf, [page.as_form_xobject() for page in pdf.pages])

    @property
    def page_count(self) -> int:
        return len(self.forms)


class BodyStore(Protocol):
    """Bodies laid out by other processes rendering the same letters (a batch's other workers), by key.

    A process says it is laying a body out (`reserve`) before it does, so that the others lay out other
    bodies meanwhile and read this one once it is `put`; `release` gives a reservation up, whether the body
    was put or could not be laid out."""

    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, pdf: bytes) -> None: ...

    def reserve(self, key: str) -> bool:
        """True when no other process has said it is laying the body out: this one does."""
        ...

    def reserved(self, key: str) -> bool:
        """Whether another process is laying the body out (it has reserved it and not released it)."""
        ...

    def release(self, key: str) -> None: ...


@dataclass(frozen=True)
class LaidOut:
    page: LetterPage
    body: _Body
    letterhead: _Body
    window: frame.Window | None = None  # fitted when the frame is drawn


def _keyline(page: LetterPage) -> str:
    return f"{page.sequence:06d} · {page.reference_code}"


@dataclass
class Renderer:
    """Reusable across chunks of one incident: stylesheets are parsed once, bodies laid out once."""

    return_lines: Sequence[str]
    logo: bytes | None = None
    # True: each letter's frame is drawn into the PDF (frame.py). False: the frames of a chunk are laid out by
    # WeasyPrint as one document (frames.html), as before; the page-image test compares the two.
    draw_frames: bool = True
    _fonts: FontConfiguration = field(default_factory=FontConfiguration, init=False)
    _bodies: "OrderedDict[str, _Body]" = field(default_factory=OrderedDict, init=False)
    _letterheads: dict[tuple[str, str], _Body] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self._fetcher = _PortalFetcher(self.logo)
        letter_css = Path(str(finders.find("letters/letter.css"))).read_text()
        body_pages, frame_positions = page_css()
        with pdf_lock.LAYOUT:  # the fonts are registered with fontconfig here
            base = CSS(string=FONT_FACES + "\n" + letter_css, url_fetcher=self._fetcher, font_config=self._fonts)
            self._body_styles = [base, CSS(string=body_pages, font_config=self._fonts)]
            self._frame_styles = [base, CSS(string=frame_positions, font_config=self._fonts)]
        # A body's key names what its layout depends on besides its text: a renderer of another release (other
        # styles, markup or WeasyPrint, during a deploy) or with another logo (a body may show it) takes no body
        # from this one.
        logo = hashlib.sha256(self.logo or b"").hexdigest()
        markup = get_template("letters/body.html").template.source  # type: ignore[attr-defined]
        inputs = (weasyprint.__version__, FONT_FACES, letter_css, body_pages, markup, logo)
        self._styles_key = hashlib.sha256("\x00".join(inputs).encode()).hexdigest()

    def layout(self, page: LetterPage) -> LaidOut:
        """The letter with its body laid out (or found laid out already); its frame is drawn by `write`.
        frame.FrameProblem if its window or opening cannot be printed whole."""
        window = None
        if self.draw_frames:
            window = frame.fit_window(_keyline(page), page.address_lines)
            frame.check_opening(page.regarding, page.salutation)
        with pdf_lock.LAYOUT:  # also guards the caches, which threads of one worker share
            laid_out = self._layout(page)
        return LaidOut(laid_out.page, laid_out.body, laid_out.letterhead, window)

    def body_key(self, page: LetterPage) -> str:
        return hashlib.sha256(f"{self._styles_key}\x00{page.language}\x00{page.body}".encode()).hexdigest()

    def lay_out_bodies(self, pages: Sequence[LetterPage], store: BodyStore, descending: bool = False) -> None:
        """Have ahead the bodies of `pages` this renderer has not laid out, each read from `store` when another
        process put it there or is laying it out (it reserved it). A body two or more of the pages share is
        otherwise reserved, laid out and put there, in the order of their keys (or the reverse). A body only one
        of the pages has may name its reader: it is laid out with its letter (`layout`), and stays here.

        Two workers that start a batch at once each lay out about half of its bodies and read the others. In key
        order alone (one ascending, the other descending) they met halfway, but each also laid out the bodies
        only one of its letters had, those the other was laying out too: in a trial, the two first chunks of a
        batch laid out 21 bodies where it needed 16 (12 and 9); now 19 (10 and 9). The two left are bodies only
        one letter of each chunk has, which neither puts."""
        keys = [self.body_key(page) for page in pages]
        counts = Counter(keys)
        firsts = dict(zip(reversed(keys), reversed(pages), strict=True))
        ordered = sorted(counts, reverse=descending)
        elsewhere = [
            key
            for key in ordered
            if counts[key] > 1
            and not self._from_store(key, store)
            and not self._lay_out_shared(key, firsts[key], store)
        ]
        # Looked for last, when the other processes have had the longest to reach them.
        alone = [key for key in ordered if counts[key] == 1 and not self._from_store(key, store)]
        deadline = time.monotonic() + BODY_WAIT_SECONDS
        for key in [*elsewhere, *alone]:
            self._wait_for(key, firsts[key] if counts[key] > 1 else None, store, deadline)

    def _wait_for(self, key: str, page: LetterPage | None, store: BodyStore, deadline: float) -> None:
        """Read the body once the process that reserved it puts it. If it gives the body up (its layout failed),
        or its reservation lapses (its worker may have died) or outlasts `deadline`, lay it out here and put it,
        for a shared body's `page`; a body of one page (None) is left to its letter."""
        while store.reserved(key) and time.monotonic() <= deadline:
            time.sleep(BODY_WAIT_POLL_SECONDS)
            if self._from_store(key, store):
                return
        # Released (put just before, or given up), lapsed or outlasted.
        if page is not None and not self._from_store(key, store):
            self._lay_out_shared(key, page, store, whatever_reserved=True)

    def _from_store(self, key: str, store: BodyStore) -> bool:
        """Whether this renderer has the body now: laid out before, or read from `store`."""
        with pdf_lock.LAYOUT:  # guards the caches, which threads of one worker share
            if key in self._bodies:
                return True
            stored = store.get(key)
            if stored is None:
                return False
            try:
                self._remember(key, _Body.read(stored))
            except pikepdf.PdfError:  # sealed, yet unreadable: laid out again
                return False
            return True

    def _lay_out_shared(self, key: str, page: LetterPage, store: BodyStore, whatever_reserved: bool = False) -> bool:
        """Lay the body out and put it in `store`, unless another process has reserved it (False)."""
        if not whatever_reserved and not store.reserve(key):
            return False
        try:
            with pdf_lock.LAYOUT:
                if key not in self._bodies:
                    pdf = self._body_pdf(page)
                    store.put(key, pdf)
                    self._remember(key, _Body.read(pdf))
        except Exception:  # noqa: S110 (the letter's own layout meets it again, and reports it)
            pass
        finally:
            store.release(key)
        return True

    def _remember(self, key: str, body: _Body) -> None:
        self._bodies[key] = body
        if len(self._bodies) > BODY_CACHE_SIZE:
            self._bodies.popitem(last=False)

    def _layout(self, page: LetterPage) -> LaidOut:
        key = self.body_key(page)
        body = self._bodies.get(key)
        if body is None:
            body = _Body.read(self._body_pdf(page))
            self._remember(key, body)
        else:
            self._bodies.move_to_end(key)
        head_key = (page.language, page.letter_date)
        letterhead = self._letterheads.get(head_key)
        if letterhead is None:  # a few: a renderer's letters share their date (maker_for makes one a day)
            letterhead = self._letterheads[head_key] = self._lay_out(
                _FrameHTML(string=self.letterhead_html(page), url_fetcher=self._fetcher), self._frame_styles
            )
        return LaidOut(page, body, letterhead)

    def _body_pdf(self, page: LetterPage) -> bytes:
        """The body laid out, as a PDF of its pages. Reached only with pdf_lock.LAYOUT held."""
        html = render_to_string("letters/body.html", {"body": page.body, "language": page.language})
        return self._pdf(HTML(string=html, url_fetcher=self._fetcher), self._body_styles)

    def _lay_out(self, document: HTML, stylesheets: list[CSS]) -> _Body:
        # Reached only through layout(), which holds pdf_lock.LAYOUT.
        return _Body.read(self._pdf(document, stylesheets))

    def _pdf(self, document: HTML, stylesheets: list[CSS]) -> bytes:
        return bytes(document.write_pdf(stylesheets=stylesheets, font_config=self._fonts))

    def letterhead_html(self, page: LetterPage) -> str:
        context = {
            "language": page.language,
            "labels": _LABELS.get(page.language, _LABELS["en"]),
            "letter_date": page.letter_date,
            "return_lines": self.return_lines,
            "logo_url": LOGO_URL if self.logo else "",
        }
        return render_to_string("letters/letterhead.html", context)

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
        return render_to_string("letters/frames.html", {"frames": frames})

    def write(self, letters: Iterable[LaidOut]) -> tuple[bytes, list[int]]:
        """Several letters as one PDF, and each letter's page count."""
        letters = list(letters)
        if not letters:
            return b"", []
        if self.draw_frames:
            return _compose(self.drawn_frames(letters), letters, drawn=True), [item.body.page_count for item in letters]
        with pdf_lock.LAYOUT:
            frames = _FrameHTML(string=self.frames_html(letters), url_fetcher=self._fetcher).write_pdf(
                stylesheets=self._frame_styles, font_config=self._fonts
            )
        return _compose(frames, letters), [item.body.page_count for item in letters]

    def drawn_frames(self, letters: Sequence[LaidOut]) -> bytes:
        canvas = frame.FrameCanvas()
        for item in letters:
            page = item.page
            sheet = frame.Sheet(
                sequence=f"{page.sequence:06d}",
                reference_code=page.reference_code,
                regarding=page.regarding,
                salutation=page.salutation,
                labels=_LABELS.get(page.language, _LABELS["en"]),
                page_count=item.body.page_count,
            )
            window = item.window or frame.fit_window(_keyline(page), page.address_lines)
            frame.draw_letter(canvas, sheet, window, META_LINE, _opening_top())
        return canvas.finish()


def _opening_top() -> float:
    """Inches from the paper's top to the opening (whom the letter is about, the salutation), as page_css puts it."""
    layout: Mapping[str, Any] = settings.LETTER_LAYOUT
    return float(layout["opening_top"]) + TITLE_LINE + TITLE_GAP


def _compose(frames: bytes, letters: list[LaidOut], drawn: bool = False) -> bytes:
    pdf = pikepdf.Pdf.open(io.BytesIO(frames))
    if drawn:
        frame.tag_subsets(pdf)
    pdf.docinfo[Name.Title] = "Letters"
    forms: dict[int, list[pikepdf.Object]] = {}  # laid-out pages copied into this file, each once
    sheets = iter(pdf.pages)
    for item in letters:
        for laid_out in (item.body, item.letterhead):
            if id(laid_out) not in forms:
                forms[id(laid_out)] = [pdf.copy_foreign(form) for form in laid_out.forms]
        for number, form in enumerate(forms[id(item.body)]):
            page = next(sheets)
            # The frame's sheets may share one resource dictionary; each page gets its own, naming only its forms.
            resources = pikepdf.Dictionary(dict(page.obj.Resources.items()))
            xobjects = pikepdf.Dictionary(dict(resources.get(Name.XObject, {}).items()))
            xobjects[Name.LetterBody] = form
            under = b"q /LetterBody Do Q\n"
            if number == 0:
                xobjects[Name.Letterhead] = forms[id(item.letterhead)][0]
                under += b"q /Letterhead Do Q\n"
            resources[Name.XObject] = xobjects
            page.obj.Resources = resources
            page.contents_add(pikepdf.Stream(pdf, under), prepend=True)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()
