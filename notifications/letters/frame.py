"""The per-letter frame drawn straight into the PDF.

What differs on every letter (the recipient window with its keyline, the reference code, the lines that
open the letter, and every page's footer) is drawn with ReportLab's canvas at the places the laid-out
letter puts them: positions from settings.LETTER_LAYOUT (as render.page_css gives them to WeasyPrint),
type as letter.css sets it. Baselines sit where a CSS line box puts them (half the leading above the
font's ascent), and pairs of letters are kerned from the font's own kerning (GPOS), as WeasyPrint's
shaping does, so a drawn frame prints where a laid-out one did (notifications/tests/test_frame.py
compares the page images). Names are printed in Liberation Sans and Serif, embedded as subsets.

The window's lines are fitted as letter.css fits them: their count picks the type (six lines print
smaller, seven or more smallest); a line wider than the window at that size takes the next smaller
type. A line that fits no type, lines that would run below the envelope's window, or a character the
fonts do not have is not drawn cut or as a blank box: `FrameProblem` says which line, and the letter is
set aside with that reason, listed on the batch page as every letter that did not render is.
"""

import functools
import hashlib
import io
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from django.conf import settings
from django.contrib.staticfiles import finders
from fontTools.ttLib import TTFont as FontFile
from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

PAGE_WIDTH, PAGE_HEIGHT = 8.5 * 72, 11 * 72
GREY = 0x33 / 255  # letter.css: #333
# letter.css: the window's type by its number of lines (size, line height), largest first.
WINDOW_TYPES = ((10.0, 1.2), (8.5, 1.15), (7.5, 1.1))
KEYLINE_SIZE, KEYLINE_SPACING = 6.5, 0.02  # points; letter spacing in ems
OPENING_SIZE, OPENING_LEADING, PARAGRAPH_GAP = 10.5, 1.34, 0.06  # Serif; the gap in inches
FOOT_SIZE, FOOT_LEADING = 7.5, 1.2


class FrameProblem(ValueError):
    """The frame cannot print this letter whole: an address too long for the window, or a missing character."""


@dataclass(frozen=True)
class Face:
    """One of the letter's fonts: registered with ReportLab, with the metrics a line box is built from."""

    name: str
    font: Any  # ReportLab's TTFont, registered under `name`
    ascent: float  # in ems, as the font's hhea table gives it (what WeasyPrint's Pango reads)
    descent: float
    advances: Mapping[str, float]  # character -> advance in ems
    kerning: Mapping[tuple[str, str], float]  # pair of characters -> adjustment in ems

    def runs(self, text: str, size: float, spacing: float = 0.0) -> tuple[list[tuple[float, str, float]], float]:
        """The text as runs (start, text, end) in points from its start, a new run after each kerned pair, and
        its width."""
        runs: list[tuple[float, str, float]] = []
        x, start, run = 0.0, 0.0, ""
        previous = ""
        advances, kerning = self.advances, self.kerning
        for char in text:
            kern = kerning.get((previous, char), 0.0) * size if previous else 0.0
            if kern and run:
                runs.append((start, run, x))
                start, run = x + kern, ""
            x += kern
            if not run:
                start = x
            run += char
            x += advances[char] * size + spacing
            previous = char
        if run:
            runs.append((start, run, x))
        return runs, x

    def width(self, text: str, size: float) -> float:
        return self.runs(text, size)[1]

    def missing(self, text: str) -> str:
        return next((char for char in text if char not in self.advances), "")


def _pair_kerning(font: FontFile, glyph_chars: Mapping[str, list[str]], upem: int) -> dict[tuple[str, str], float]:
    pairs: dict[tuple[str, str], float] = {}
    for lookup in font["GPOS"].table.LookupList.Lookup:
        for table in lookup.SubTable if lookup.LookupType == 2 else ():
            if table.Format != 1:  # the Liberation fonts kern glyph by glyph; class kerning is not read
                continue
            for first, pair_set in zip(table.Coverage.glyphs, table.PairSet, strict=True):
                for record in pair_set.PairValueRecord:
                    value = getattr(record.Value1, "XAdvance", 0) if record.Value1 else 0
                    for a in glyph_chars.get(first, ()):
                        for b in glyph_chars.get(record.SecondGlyph, ()):
                            pairs.setdefault((a, b), value / upem)
    return {pair: value for pair, value in pairs.items() if value}


@functools.cache
def face(file: str) -> Face:
    """The font in static/letters/fonts, read once per process."""
    path = str(finders.find(f"letters/fonts/{file}"))
    name = "Letter-" + Path(file).stem
    registered = TTFont(name, path)
    pdfmetrics.registerFont(registered)
    font = FontFile(path, lazy=True)
    upem = font["head"].unitsPerEm
    glyph_chars: dict[str, list[str]] = {}
    advances: dict[str, float] = {}
    hmtx = font["hmtx"]
    for code, glyph in font.getBestCmap().items():
        char = chr(code)
        if unicodedata.category(char) in ("Cc", "Cs"):
            continue
        glyph_chars.setdefault(glyph, []).append(char)
        advances[char] = hmtx[glyph][0] / upem
    hhea = font["hhea"]
    return Face(
        name, registered, hhea.ascent / upem, -hhea.descent / upem, advances, _pair_kerning(font, glyph_chars, upem)
    )


def sans() -> Face:
    return face("LiberationSans-Regular.ttf")


def sans_bold() -> Face:
    return face("LiberationSans-Bold.ttf")


def serif() -> Face:
    return face("LiberationSerif-Regular.ttf")


def _layout() -> Mapping[str, Any]:
    return settings.LETTER_LAYOUT


def baseline(top: float, face: Face, size: float, line_height: float) -> float:
    """Points from the paper's top to the baseline of a line box whose top is `top` (points)."""
    return top + (line_height - (face.ascent + face.descent) * size) / 2 + face.ascent * size


@dataclass(frozen=True)
class Window:
    """The recipient window's lines, fitted: the keyline, then the address in the type that fits it."""

    keyline: str
    lines: tuple[str, ...]
    size: float
    leading: float


def fit_window(keyline: str, address_lines: Sequence[str]) -> Window:
    """The window's type for these lines, or FrameProblem naming the line that does not fit."""
    layout = _layout()
    box, clearance = layout["recipient_window"], float(layout["clearance"]) * 72
    width = box["width"] * 72 - 2 * clearance
    lines = tuple(unicodedata.normalize("NFC", line) for line in address_lines)
    for number, line in enumerate(lines, start=1):
        _printable(sans(), line, f"Line {number} of the address")
    tier = 0 if len(lines) <= 5 else 1 if len(lines) == 6 else 2
    while tier < len(WINDOW_TYPES):
        size, leading = WINDOW_TYPES[tier]
        too_wide = [n for n, line in enumerate(lines, start=1) if sans().width(line, size) > width]
        if not too_wide:
            break
        tier += 1
    else:
        raise FrameProblem(
            f"Line {too_wide[0]} of the address is wider than the envelope's window even in its smallest type; "
            "shorten it, then render again."
        )
    window = Window(keyline, lines, size, leading)
    bottom = _window_baselines(window)[-1] + sans().descent * size
    if bottom > (box["top"] + box["height"]) * 72:
        raise FrameProblem(
            f"The address has {len(lines)} lines, more than the envelope's window shows; shorten it, then render again."
        )
    return window


def _printable(face: Face, text: str, what: str) -> None:
    char = face.missing(text)
    if char:
        raise FrameProblem(
            f"{what} has a character the letter's fonts do not have (U+{ord(char):04X}); correct it, then render again."
        )


def check_opening(regarding: str, salutation: str) -> None:
    """FrameProblem if the opening lines hold a character the letter's serif font does not have."""
    _printable(serif(), unicodedata.normalize("NFC", regarding), "The name the letter is about")
    _printable(serif(), unicodedata.normalize("NFC", salutation), "The salutation")


def _window_baselines(window: Window) -> list[float]:
    layout = _layout()
    top = (layout["recipient_window"]["top"] + float(layout["clearance"])) * 72
    keyline_height = KEYLINE_SIZE * window.leading
    found = [baseline(top, sans(), KEYLINE_SIZE, keyline_height)]
    top += keyline_height
    for _line in window.lines:
        found.append(baseline(top, sans(), window.size, window.size * window.leading))
        top += window.size * window.leading
    return found


def wrapped(text: str, face: Face, size: float, width: float) -> list[str]:
    """Lines of at most `width` points, broken at spaces (a word wider than that keeps a line of its own)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and face.width(candidate, size) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


class FrameCanvas:
    """A PDF of frame sheets, one per page of the letters, drawn in order.

    A sheet's text is one text object written as PDF operators: ReportLab's TTFont encodes it into the
    font's subsets (and embeds those subsets when the file is saved), the kerned pairs are TJ adjustments.
    This is several times quicker than a drawString per piece of text, which the frame of every letter pays."""

    def __init__(self) -> None:
        self._out = io.BytesIO()
        self._canvas = Canvas(
            self._out,
            pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
            pageCompression=0,  # the print parts are compressed when saved
            invariant=True,
            initialFontName=sans().name,  # else every sheet names Helvetica, a font not embedded
        )
        self._canvas.setTitle("Letters")
        self._document = self._canvas._doc  # the document whose font subsets TTFont.splitString keeps
        self._ops: list[str] = []
        self._state: tuple[str, float, float, float] = ("", 0.0, -1.0, 0.0)  # font subset, size, grey, spacing

    def text(self, face: Face, size: float, x: float, top_baseline: float, text: str, **options: float) -> None:
        """Draw `text` with its start at x and its baseline `top_baseline` points below the paper's top.
        `right=1` puts its end at x instead; `spacing` is letter spacing in points; `gray` its grey."""
        spacing = options.get("spacing", 0.0)
        runs, width = face.runs(unicodedata.normalize("NFC", text), size, spacing)
        if options.get("right"):
            x -= width
        ops = self._ops
        gray = options.get("gray", 0.0)
        subset, current_size, current_gray, current_spacing = self._state
        if gray != current_gray:
            ops.append(f"{gray:.4f} g")
        if spacing != current_spacing:
            ops.append(f"{spacing:.4f} Tc")
        ops.append(f"1 0 0 1 {x:.3f} {PAGE_HEIGHT - top_baseline:.3f} Tm")
        pieces: list[str] = []
        position = 0.0
        for offset, run, end in runs:
            if offset != position and pieces:
                pieces.append(f"{(position - offset) * 1000 / size:.2f}")
            for part, encoded in face.font.splitString(run, self._document):
                name = face.font.getSubsetInternalName(part, self._document)
                if name != subset or size != current_size:
                    if pieces:
                        ops.append(f"[{' '.join(pieces)}] TJ")
                        pieces = []
                    ops.append(f"{name} {size:g} Tf")
                    subset, current_size = name, size
                pieces.append(f"({escapePDF(encoded)})")
            position = end
        if pieces:
            ops.append(f"[{' '.join(pieces)}] TJ")
        self._state = (subset, current_size, gray, spacing)

    def next_page(self) -> None:
        if self._ops:
            self._canvas.addLiteral("BT\n" + "\n".join(self._ops) + "\nET")
        self._canvas.showPage()
        self._ops = []
        self._state = ("", 0.0, -1.0, 0.0)

    def finish(self) -> bytes:
        self._canvas.save()
        return self._out.getvalue()


@dataclass(frozen=True)
class Sheet:
    """What one letter's frame prints, besides its window."""

    sequence: str
    reference_code: str
    regarding: str  # "Regarding: …", or empty
    salutation: str
    labels: Mapping[str, str]
    page_count: int


def draw_letter(canvas: FrameCanvas, sheet: Sheet, window: Window, meta_line: float, opening_top: float) -> None:
    """One letter's frame sheets: the window, reference code and opening on the first, a footer on each.
    `meta_line` is the reference code's line height and `opening_top` where the opening starts (inches)."""
    layout = _layout()
    margins = layout["margins"]
    left, right = margins["left"] * 72, PAGE_WIDTH - margins["right"] * 72
    window_left = (layout["recipient_window"]["left"] + float(layout["clearance"])) * 72
    labels = sheet.labels
    for number in range(1, sheet.page_count + 1):
        if number == 1:
            baselines = _window_baselines(window)
            spacing = KEYLINE_SPACING * KEYLINE_SIZE
            canvas.text(sans(), KEYLINE_SIZE, window_left, baselines[0], window.keyline, spacing=spacing, gray=GREY)
            for line, line_baseline in zip(window.lines, baselines[1:], strict=True):
                canvas.text(sans(), window.size, window_left, line_baseline, line)
            top = (float(layout["date_top"]) + meta_line) * 72
            reference = f"{labels['reference']}: {sheet.reference_code}"
            canvas.text(sans_bold(), 10.0, right, baseline(top, sans_bold(), 10.0, meta_line * 72), reference, right=1)
            _opening(canvas, sheet, left, right, opening_top * 72)
        foot_height = FOOT_SIZE * FOOT_LEADING
        top = PAGE_HEIGHT - float(layout["footer_bottom"]) * 72 - foot_height
        foot_baseline = baseline(top, sans(), FOOT_SIZE, foot_height)
        piece = f"{labels['ref']} {sheet.reference_code} · {labels['piece']} {sheet.sequence}"
        canvas.text(sans(), FOOT_SIZE, left, foot_baseline, piece, gray=GREY)
        page = f"{labels['page']} {number} {labels['of']} {sheet.page_count}"
        canvas.text(sans(), FOOT_SIZE, right, foot_baseline, page, right=1, gray=GREY)
        canvas.next_page()


def _opening(canvas: FrameCanvas, sheet: Sheet, left: float, right: float, top: float) -> None:
    leading = OPENING_SIZE * OPENING_LEADING
    paragraphs = [f"{sheet.labels['regarding']}: {sheet.regarding}"] if sheet.regarding else []
    for paragraph in [*paragraphs, sheet.salutation]:
        for line in wrapped(paragraph, serif(), OPENING_SIZE, right - left):
            canvas.text(serif(), OPENING_SIZE, left, baseline(top, serif(), OPENING_SIZE, leading), line)
            top += leading
        top += PARAGRAPH_GAP * 72


def tag_subsets(pdf: pikepdf.Pdf) -> None:
    """Give each embedded subset a tag made from its own glyphs.

    ReportLab tags the first subset of a font AAAAAA+ in every file it writes; a print part joins the frames of
    many chunks, whose subsets differ, and a RIP that takes one name for one font would print the wrong glyphs.
    """
    fonts: dict[tuple[int, int], pikepdf.Object] = {}
    for page in pdf.pages:
        resources = page.obj.get(pikepdf.Name.Resources, pikepdf.Dictionary())
        for _key, font in resources.get(pikepdf.Name.Font, pikepdf.Dictionary()).items():
            if font.is_indirect:
                fonts[font.objgen] = font
    for font in fonts.values():
        descriptor = font.get(pikepdf.Name.FontDescriptor)
        if descriptor is None or pikepdf.Name.FontFile2 not in descriptor:
            continue
        digest = hashlib.sha256(descriptor.FontFile2.read_raw_bytes()).digest()
        tag = "".join(chr(ord("A") + byte % 26) for byte in digest[:6])
        name = pikepdf.Name(f"/{tag}+{str(font.BaseFont)[1:].split('+', 1)[-1]}")
        font.BaseFont = name
        descriptor.FontName = name
