"""Letters as PDF: context in, PDF bytes out. The caller stores the file.

Each letter is laid out as its own document (so "page X of Y" counts its own
pages) against one parsed stylesheet and one font configuration, and a whole
chunk is written as one PDF, so fonts are subset and embedded once per chunk
instead of once per letter.

The renderer fetches nothing it was not given: `portal-static:` names the
portal's own letter assets, `portal-logo:` the incident's uploaded logo, and
every other URL (file://, http://, data:) is refused.
"""

import logging
import mimetypes
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

STATIC_SCHEME = "portal-static:"
LOGO_URL = "portal-logo:logo"
_LETTER_ASSETS = "letters/"


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


def layout_css() -> str:
    """Window and logo positions from settings, as page-area offsets (the page margins moved them)."""
    layout: Mapping[str, Any] = settings.LETTER_LAYOUT
    left_margin, top = 0.85, float(layout["first_page_body_top"])
    clearance = float(layout["clearance"])
    rules = [f"@page :first {{ margin-top: {top}in; }}"]
    for name in ("return_window", "recipient_window"):
        w = layout[name]
        rules.append(
            f".{name.replace('_', '-')} {{ left: {w['left'] + clearance - left_margin:.3f}in; "
            f"top: {w['top'] + clearance - top:.3f}in; width: {w['width'] - 2 * clearance:.3f}in; "
            f"height: {w['height'] - 2 * clearance:.3f}in; }}"
        )
    logo = layout["logo"]
    rules.append(
        f".logo {{ left: {logo['left'] - left_margin:.3f}in; top: {logo['top'] - top:.3f}in; "
        f"max-height: {logo['height']}in; }}"
    )
    return "\n".join(rules)


@dataclass(frozen=True)
class LetterPage:
    """The frame of one letter: what goes around the author's body."""

    body: SafeString
    sequence: int
    reference_code: str
    address_lines: Sequence[str]
    letter_date: str
    language: str


@dataclass
class Renderer:
    """Reusable across chunks of one incident: the stylesheet is parsed once."""

    return_lines: Sequence[str]
    logo: bytes | None = None
    _fonts: FontConfiguration = field(default_factory=FontConfiguration, init=False)
    _styles: list[CSS] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        fetcher = _PortalFetcher(self.logo)
        self._fetcher = fetcher
        css = Path(str(finders.find("letters/letter.css"))).read_text()
        self._styles = [
            CSS(string=css, url_fetcher=fetcher, font_config=self._fonts),
            CSS(string=layout_css(), font_config=self._fonts),
        ]

    def html(self, page: LetterPage) -> str:
        return render_to_string(
            "letters/letter.html",
            {
                "body": page.body,
                "sequence": f"{page.sequence:06d}",
                "reference_code": page.reference_code,
                "address_lines": page.address_lines,
                "letter_date": page.letter_date,
                "language": page.language,
                "return_lines": self.return_lines,
                "logo_url": LOGO_URL if self.logo else "",
            },
        )

    def layout(self, page: LetterPage) -> Any:
        """One letter laid out (a WeasyPrint document), ready to be written with others."""
        return HTML(string=self.html(page), url_fetcher=self._fetcher).render(
            stylesheets=self._styles, font_config=self._fonts
        )

    def write(self, documents: Iterable[Any]) -> tuple[bytes, list[int]]:
        """Several laid-out letters as one PDF, and each letter's page count."""
        documents = list(documents)
        if not documents:
            return b"", []
        pages = [page for document in documents for page in document.pages]
        combined = documents[0].copy(pages)
        combined.metadata.title = "Letters"
        combined.metadata.authors = []
        pdf = combined.write_pdf()
        return pdf, [len(document.pages) for document in documents]
