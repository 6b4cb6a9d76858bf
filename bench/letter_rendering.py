"""The letters benchmark's people and its two ways to render: the portal's (as a worker's render_chunk does) and
the naive one (each whole letter one WeasyPrint call)."""

import io
import re
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import import_benchmark  # bench/, the scripts' folder

if TYPE_CHECKING:
    from incidents.models import Incident
    from notifications.letters.maker import LetterMaker
    from notifications.models import Letter

SPANISH_EVERY = 5  # every fifth synthetic person prefers Spanish
NO_ADDRESS_EVERY = 97  # the import generator leaves one row in 97 without a street


# Database and people -------------------------------------------------------


def _rows_for(letters: int) -> int:
    """Rows to generate so that exactly `letters` of them have a mailing address."""
    rows = letters
    while rows - -(-rows // NO_ADDRESS_EVERY) < letters:
        rows += 1
    return rows


def incident_with_letters(letters: int) -> "Incident":
    """A fresh incident with the default templates and `letters` deliverable synthetic recipients."""
    from django.conf import settings

    from incidents.models import Incident
    from incidents.readers import Language
    from notifications import actions
    from people.models import Individual

    incident = Incident.objects.create(
        slug=f"bench-letters-{time.time_ns()}",
        title="Letters benchmark (synthetic data)",
        organisation_name="Bench Unified School District",
        discovered_on=date(2026, 1, 5),
        occurred_on=date(2025, 12, 28),
        notice_on=date(2026, 1, 20),
        hotline_phone="+14175550100",
        hotline_hours="Monday to Friday, 8 a.m. to 5 p.m.",
        hotline_hours_es="de lunes a viernes, de 8 a. m. a 5 p. m.",
        contact_email="privacy@example.org",
        return_address="100 Example Avenue\nSpringfield MO 65801",
    )
    actions.install_default_templates(None, incident)
    bench_import = import_benchmark()
    folder = Path(tempfile.mkdtemp(dir=settings.VAR_DIR))
    path = folder / "district-export.csv"
    started = time.perf_counter()
    try:
        bench_import.generate(path, _rows_for(letters))
        bench_import.pipeline(path, incident)
    finally:
        path.unlink(missing_ok=True)
        folder.rmdir()
    people = Individual.objects.filter(incident=incident).order_by("pk")
    spanish = people.values_list("pk", flat=True)[::SPANISH_EVERY]
    Individual.objects.filter(pk__in=list(spanish)).update(language=Language.SPANISH)
    print(f"Loaded {people.count():,} synthetic people into {incident.slug} in {time.perf_counter() - started:.1f} s")
    return incident


def letters_for(incident: "Incident", count: int) -> list["Letter"]:
    """Unsaved letters for the first `count` selectable recipients, in a batch's (ZIP) order."""
    from notifications.letters.selection import Selection, recipients_for
    from notifications.models import Letter

    chosen = recipients_for(incident, Selection()).select_related("individual")[:count]
    letters = [
        Letter(incident=incident, recipient=recipient, sequence=n) for n, recipient in enumerate(chosen, start=1)
    ]
    if len(letters) != count:
        sys.exit(f"Only {len(letters):,} recipients can be sent a letter; {count:,} were asked for.")
    return letters


def _chunks(letters: list["Letter"]) -> Iterator[list["Letter"]]:
    from django.conf import settings

    size = settings.LETTER_CHUNK_SIZE
    for first in range(0, len(letters), size):
        yield letters[first : first + size]


# The two ways to render ------------------------------------------------------


@dataclass
class Tally:
    letters: int = 0
    pages: int = 0
    pdf_bytes: int = 0
    seconds: float = 0.0
    cpu: float = 0.0  # this process's CPU time over the same spans: below `seconds` when others took the core
    parts: dict[str, float] = field(default_factory=dict)

    def add(self, part: str, seconds: float) -> None:
        self.parts[part] = self.parts.get(part, 0.0) + seconds
        self.seconds += seconds

    @property
    def rate(self) -> float:
        return self.letters / self.seconds


def _fail_on_reasons(outcomes: list[Any]) -> None:
    failed = [o for o in outcomes if o.document is None]
    if failed:
        sys.exit(f"{len(failed)} letters did not render: {failed[0].reason}")


def portal_chunk(incident: "Incident", letters: list["Letter"], types: dict[int, Any], tally: Tally) -> list[int]:
    """One chunk as render_chunk renders it: the worker's LetterMaker for the incident (kept from chunk to chunk,
    bodies already laid out stay so), each letter laid out, one PDF written."""
    from notifications.letters.maker import maker_for

    cpu, started = time.process_time(), time.perf_counter()
    maker = maker_for(incident)
    laid = time.perf_counter()
    outcomes = [
        maker.make(letter, types.get(letter.recipient.individual_id, []), incident.notice_on) for letter in letters
    ]
    written = time.perf_counter()
    pdf, page_counts = maker.renderer.write(o.document for o in outcomes if o.document is not None)
    done = time.perf_counter()
    tally.cpu += time.process_time() - cpu
    _fail_on_reasons(outcomes)
    tally.add("setup", laid - started)
    tally.add("lay out", written - laid)
    tally.add("write", done - written)
    tally.letters += len(letters)
    tally.pages += sum(page_counts)
    tally.pdf_bytes += len(pdf)
    return page_counts


def naive_maker(incident: "Incident") -> "LetterMaker":
    """A LetterMaker whose renderer writes each letter on its own, as plain WeasyPrint would.

    The merge fields, the chosen variant and the body are the portal's; the whole
    letter (the frame's first-page pieces at the same places on the paper, the
    body, and the footer as page-margin boxes) is one HTML document laid out by
    one HTML(string=...).write_pdf() call, with the stylesheets inlined and the
    fonts linked as files, so CSS and fonts are parsed afresh for every letter."""
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.utils.html import escape
    from weasyprint import HTML

    from notifications.letters import render
    from notifications.letters.maker import LetterMaker

    layout = settings.LETTER_LAYOUT
    margins, top = layout["margins"], layout["first_page_body_top"]
    letter_css = Path(str(finders.find("letters/letter.css"))).read_text()
    fonts = re.sub(
        r'url\("portal-static:([^"]+)"\)',
        lambda m: f'url("{Path(str(finders.find(m[1]))).as_uri()}")',
        render.FONT_FACES,
    )
    body_pages, frame_positions = render.page_css()
    frame_positions = frame_positions.replace("@page { size: letter; margin: 0; }", "")
    style = f"""{fonts}\n{letter_css}\n{body_pages}\n{frame_positions}
.paper {{ position: absolute; left: -{margins["left"]}in; top: -{top}in; width: 8.5in; height: {top}in; }}
.paper > * {{ position: absolute; margin: 0; }}
.piece {{ string-set: piece content(text); position: absolute; visibility: hidden; }}
@page {{ @bottom-left {{ content: string(piece); font: 7.5pt "Letter Sans"; color: #333; }}
        @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 7.5pt "Letter Sans";
                         color: #333; }} }}
"""

    class NaiveRenderer(render.Renderer):
        def __post_init__(self) -> None:  # parses nothing ahead
            assert not self.logo, "the naive renderer inlines no logo"

        def layout(self, page: render.LetterPage) -> bytes:  # type: ignore[override]
            # The letterhead and the frame's first sheet, less its footer (the page-margin boxes print that on
            # every page).
            item = render.LaidOut(page, render._Body(None, [None]), render._Body(None, [None]))
            head = self.letterhead_html(page).split('<div class="sheet">', 1)[1].rsplit("</div></body>", 1)[0]
            sheet = self.frames_html([item]).split('<div class="sheet"', 1)[1].split(">", 1)[1]
            first_page = head + sheet.split('<div class="foot foot-left">')[0]
            piece = escape(f"Ref. {page.reference_code} · Piece {page.sequence:06d}")
            html = (
                f'<!doctype html><html lang="{page.language}"><head><meta charset="utf-8"><style>{style}</style>'
                f'</head><body><div class="piece">{piece}</div><div class="paper">{first_page}</div>'
                f"{page.body}</body></html>"
            )
            return HTML(string=html).write_pdf()

    maker = LetterMaker(incident)
    maker.renderer = NaiveRenderer(return_lines=maker.renderer.return_lines)
    return maker


def naive_chunk(maker: "LetterMaker", letters: list["Letter"], types: dict[int, Any], tally: Tally) -> list[bytes]:
    cpu, started = time.process_time(), time.perf_counter()
    outcomes = [
        maker.make(letter, types.get(letter.recipient.individual_id, []), maker.incident.notice_on)
        for letter in letters
    ]
    tally.add("write", time.perf_counter() - started)
    tally.cpu += time.process_time() - cpu
    _fail_on_reasons(outcomes)
    pdfs = [o.document for o in outcomes]
    tally.letters += len(letters)
    tally.pdf_bytes += sum(len(pdf) for pdf in pdfs)
    return pdfs


def _page_counts(pdfs: list[bytes]) -> list[int]:
    import pikepdf

    counts = []
    for pdf in pdfs:
        with pikepdf.Pdf.open(io.BytesIO(pdf)) as document:
            counts.append(len(document.pages))
    return counts


def compare(incident: "Incident", letters: list["Letter"]) -> tuple[Tally, Tally]:
    """Both renderers on the same letters, chunk by chunk, taking turns at going first."""
    from notifications.letters.maker import data_types_of

    naive = naive_maker(incident)
    # Untimed warm-up of both: imports, template loading, the first font lookups.
    warm = letters[:5]
    warm_types = data_types_of(warm)
    portal_chunk(incident, warm, warm_types, Tally())
    naive_chunk(naive, warm, warm_types, Tally())

    portal, plain = Tally(), Tally()
    for number, chunk in enumerate(_chunks(letters)):
        types = data_types_of(chunk)  # the chunk's one read of exposures, untimed on both sides
        if number % 2 == 0:
            counts = portal_chunk(incident, chunk, types, portal)
            pdfs = naive_chunk(naive, chunk, types, plain)
        else:
            pdfs = naive_chunk(naive, chunk, types, plain)
            counts = portal_chunk(incident, chunk, types, portal)
        naive_counts = _page_counts(pdfs)  # the same output: each letter has as many pages either way
        if naive_counts != counts:
            sys.exit(f"Page counts differ in chunk {number + 1}: portal {counts}, naive {naive_counts}")
        plain.pages += sum(naive_counts)
    return portal, plain


def one_process(incident: "Incident", letters: list["Letter"]) -> Tally:
    """The portal's renderer alone, as in the default mode, after the same warm-up."""
    from notifications.letters.maker import data_types_of

    warm = letters[:5]
    portal_chunk(incident, warm, data_types_of(warm), Tally())
    tally = Tally()
    for chunk in _chunks(letters):
        portal_chunk(incident, chunk, data_types_of(chunk), tally)
    return tally


def _render_alone(incident: "Incident", letters: list["Letter"], results: Any) -> None:
    results.put(one_process(incident, letters).seconds)


def machine_scaling(incident: "Incident", letters: list["Letter"], processes: int) -> float:
    """How many times one process's letters per second `processes` processes render at once, each the renderer
    alone on `letters`: what this machine's cores give this work at the moment, the ceiling of as many workers.

    All are forked from this process, the one alone and then the others together, so each starts with what this
    process has already loaded and laid out; each times its own rendering. When both cores of this machine are
    busy, each may run slower than one alone, and by how much moves from minute to minute."""
    import multiprocessing

    from django.db import connections

    fork = multiprocessing.get_context("fork")
    connections.close_all()  # each child opens its own

    def rate(at_once: int) -> float:
        results = fork.Queue()
        children = [fork.Process(target=_render_alone, args=(incident, letters, results)) for _ in range(at_once)]
        for child in children:
            child.start()
        seconds = [results.get(timeout=300) for _ in children]
        for child in children:
            child.join()
        if any(child.exitcode for child in children):
            sys.exit("The renderer failed in a child process (see above).")
        return at_once * len(letters) / max(seconds)

    return rate(processes) / rate(1)


def describe(label: str, tally: Tally) -> str:
    parts = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in tally.parts.items() if len(tally.parts) > 1)
    return (
        f"{label} {tally.letters:,} letters in {tally.seconds:6.1f} s  {tally.rate:7.1f} letters/s"
        f"  ({tally.pages:,} pages, {tally.pdf_bytes / tally.letters / 1024:.0f} KB of PDF per letter"
        f"{'; ' + parts if parts else ''}; on the CPU {tally.cpu / tally.seconds:.0%} of the time)"
    )


def language_mix(letters: list["Letter"]) -> str:
    from incidents.readers import Language

    spanish = sum(1 for letter in letters if letter.recipient.individual.language == Language.SPANISH)
    return f"{len(letters) - spanish:,} in English, {spanish:,} in Spanish"
