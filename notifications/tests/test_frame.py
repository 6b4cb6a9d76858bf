"""The frame drawn into the PDF (notifications/letters/frame.py) prints what the laid-out frame printed, where it
printed it: the recipient matrix, and names in Vietnamese, Spanish and with apostrophes and hyphens, rendered both
ways and compared as page images; the files are valid, their fonts embedded subsets; an address the window cannot
show whole is refused by name of its line, never cut."""

import io
import logging
import tempfile
from pathlib import Path

import pikepdf
import pytest
from celery.signals import worker_process_init
from PIL import Image, ImageChops

from incidents.readers import Relationship
from notifications import actions
from notifications.letters import frame
from notifications.letters.maker import LetterMaker, data_types_of
from notifications.models import Letter
from people.models import Recipient
from portal.testing import IndividualFactory, RecipientFactory, expose, matrix, pdfcheck
from portal.testing.letters import rendered_batch

pytestmark = pytest.mark.django_db

NAMES = [  # (first, last, reader): names the import takes as they are
    ("Ánh", "Nguyễn", "Nguyễn Thị Ánh Tuyết"),
    ("Ñandú", "Muñoz-Peña", "Begoña Muñoz-Peña y Ibáñez"),
    ("Seán", "O\u2019Brien", "Siobhán O\u2019Brien-D'Arcy"),  # a typographic apostrophe and a plain one
]
DIFFERENT = 128  # a pixel differs when its grey differs by more than this (of 255): a glyph moved, not smoothed
ALLOWED = 20  # such pixels allowed on a page


def _people(incident) -> None:
    matrix.people(incident)
    for n, (first, last, reader) in enumerate(NAMES):
        individual = IndividualFactory.create(incident=incident, first_name=first, last_name=last)
        expose(individual, "name", "postal_address")
        RecipientFactory.create(
            individual=individual,
            name=reader,
            relationship=Relationship.PARENT_GUARDIAN,
            address_line1=f"{n + 17} Đường Lê Lợi, Apt 3",
            city="Cañon City",
            state="MO",
            postal_code="65999",
        )


def _render_both(incident, folder: Path) -> dict[bool, Path]:
    actions.install_default_templates(None, incident)
    recipients = Recipient.objects.filter(incident=incident).select_related("individual").order_by("pk")
    letters = [Letter(incident=incident, recipient=r, sequence=n) for n, r in enumerate(recipients, start=1)]
    types = data_types_of(letters)
    files = {}
    for drawn in (True, False):
        maker = LetterMaker(incident)
        maker.renderer.draw_frames = drawn
        outcomes = [
            maker.make(letter, types.get(letter.recipient.individual_id, []), matrix.NOTICE_ON) for letter in letters
        ]
        assert [o.reason for o in outcomes if o.document is None] == []
        documents = [o.document for o in outcomes if o.document is not None]
        half = len(documents) // 2
        files[drawn] = folder / f"{'drawn' if drawn else 'laid-out'}.pdf"
        with pikepdf.Pdf.new() as part:  # two chunks joined, as a print part joins them
            chunks = [
                pikepdf.Pdf.open(io.BytesIO(maker.renderer.write(c)[0])) for c in (documents[:half], documents[half:])
            ]
            for chunk in chunks:
                part.pages.extend(chunk.pages)
            part.save(files[drawn])
    return files


def _subsets(pdf: Path) -> dict[str, set[bytes]]:
    """Each embedded font's name, and the contents embedded under it."""
    found: dict[str, set[bytes]] = {}
    with pikepdf.Pdf.open(pdf) as document:
        for page in document.pages:
            for _key, font in page.obj.Resources.get("/Font", {}).items():
                descriptor = font.get("/FontDescriptor")
                if descriptor is not None and "/FontFile2" in descriptor:
                    found.setdefault(str(font.BaseFont), set()).add(descriptor.FontFile2.read_raw_bytes())
    return found


def _images(pdf: Path) -> list[Image.Image]:
    pdfcheck.run("pdftoppm", "-png", "-r", "70", str(pdf), str(pdf.with_suffix("")))
    return [Image.open(png).convert("L") for png in sorted(pdf.parent.glob(f"{pdf.stem}-*.png"))]


def _differing(a: Image.Image, b: Image.Image) -> int:
    return sum(ImageChops.difference(a, b).histogram()[DIFFERENT + 1 :])


def test_drawn_frames_print_as_the_laid_out_frames_did():
    incident = matrix.incident()
    _people(incident)
    with tempfile.TemporaryDirectory() as folder:
        files = _render_both(incident, Path(folder))
        drawn, laid_out = _images(files[True]), _images(files[False])
        assert len(drawn) == len(laid_out) == 2 * (2 * len(matrix.KINDS) + len(NAMES))
        moved = {
            n: count
            for n, (a, b) in enumerate(zip(drawn, laid_out, strict=True), 1)
            if (count := _differing(a, b)) > ALLOWED
        }
        assert moved == {}
        # The comparison sees the frame: another letter's first page differs from this one's.
        assert _differing(drawn[0], laid_out[2]) > 10 * ALLOWED

        assert "No syntax or stream encoding errors" in pdfcheck.qpdf_check(files[True])
        fonts = pdfcheck.fonts(files[True])
        assert [font for font in fonts if not font["emb"] == font["sub"] == font["uni"] == "yes"] == []
        assert {"LiberationSans", "LiberationSans-Bold", "LiberationSerif"} <= {f["name"][7:] for f in fonts}
        # Each chunk embeds its own subsets: one name never stands for two different fonts.
        subsets = _subsets(files[True])
        assert all(len(contents) == 1 for contents in subsets.values()), subsets.keys()
        assert sum(1 for name in subsets if "+LiberationSans" in name) >= 3
        text = pdfcheck.run("pdftotext", str(files[True]), "-")
    for _first, _last, reader in NAMES:
        assert reader.upper() in text.upper()  # in the window, in capitals or not, and in the salutation
        assert f"Dear {reader}:" in text or f"Apreciable {reader}:" in text
    assert "Cañon City MO 65999" in text
    for label in ("Página 2 de 2", "Page 2 of 2", "Código de referencia:", "Reference code:"):
        assert label in text


def test_an_address_the_window_cannot_show_whole_is_refused_naming_its_line():
    fitted = frame.fit_window("000001 · ABCD", ["A NAME", "1 MAIN ST", "SPRINGFIELD MO 65801"])
    assert fitted.size == 10.0
    seven = frame.fit_window("000001 · ABCD", ["W" * 40] * 7)
    assert seven.size == 7.5  # the smallest type
    with pytest.raises(frame.FrameProblem, match="The address has 10 lines, more than the envelope's window shows"):
        frame.fit_window("000001 · ABCD", ["LINE"] * 10)
    with pytest.raises(frame.FrameProblem, match=r"Line 2 of the address has a character .* \(U\+674E\)"):
        frame.fit_window("000001 · ABCD", ["A NAME", "李 STREET 1", "SPRINGFIELD MO 65801"])


def test_a_wide_line_takes_smaller_type_rather_than_being_cut():
    wide = "W" * 34  # wider than the window at 10 pt, within it at 8.5 pt
    assert frame.sans().width(wide, 10.0) > 4.3 * 72 >= frame.sans().width(wide, 8.5)
    assert frame.fit_window("000001 · ABCD", ["A NAME", wide, "SPRINGFIELD MO 65801"]).size == 8.5


def test_a_letter_whose_address_cannot_be_printed_is_set_aside_with_the_reason():
    incident = matrix.incident()
    matrix.people(incident, [matrix.BY_NAME["adult_self"]], languages=("en",))
    expose_to = Recipient.objects.get(incident=incident)
    Recipient.objects.filter(pk=expose_to.pk).update(address_line2="北京市 Building 4")
    batch = rendered_batch(incident)
    letter = Letter.objects.get(batch=batch)
    assert batch.letters_failed == 1
    assert letter.reason.startswith("Line 3 of the address has a character the letter's fonts do not have (U+5317)")
    assert "北京" not in letter.reason


def test_a_prefork_worker_process_loads_the_frame_fonts_as_it_starts(caplog):
    """Celery's prefork children send worker_process_init as they start: the fonts are read then, not in the
    worker's first chunk, by a throwaway letter that renders without a problem."""
    frame.face.cache_clear()
    with caplog.at_level(logging.WARNING):
        worker_process_init.send(sender=None)
    assert not caplog.records, [record.getMessage() for record in caplog.records]
    assert frame.face.cache_info().currsize == 3
    assert {loaded().name for loaded in (frame.sans, frame.sans_bold, frame.serif)} == {
        "Letter-LiberationSans-Regular",
        "Letter-LiberationSans-Bold",
        "Letter-LiberationSerif-Regular",
    }
    assert frame.face.cache_info().misses == 3  # read at start: the calls above found them loaded
