"""The print files as a print house checks them: valid PDF, fonts embedded, addresses in the window."""

import io
from pathlib import Path

import pikepdf
import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image

from incidents.readers import Relationship
from notifications.letters import render
from notifications.letters.parts import StoredFile, _join, letter_pdf
from notifications.models import BatchStatus, Letter, LetterTemplate
from portal.testing import pdfcheck
from portal.testing.letters import recipients, rendered_batch

HOSTILE = '<img src="file:///etc/passwd">'


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (20, 60, 120)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the renderer was asked for, whether it served it or refused it."""
    asked: list[str] = []
    original = render._PortalFetcher.fetch

    def fetch(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(render._PortalFetcher, "fetch", fetch)
    return asked


def _parts(batch) -> list[Path]:
    return [Path(default_storage.path(StoredFile.from_json(p).name)) for p in batch.parts]


def _pages(batch, letter: Letter) -> list[str]:
    """The text of the letter's own pages, from its print part."""
    assert letter.part_number is not None
    assert letter.part_first_page is not None
    pages = pdfcheck.page_texts(_parts(batch)[letter.part_number - 1])
    return pages[letter.part_first_page - 1 : letter.part_first_page - 1 + letter.page_count]


def _first_page_words(batch, letter: Letter) -> list[pdfcheck.Word]:
    assert letter.part_number is not None
    assert letter.part_first_page is not None
    return pdfcheck.words_by_page(_parts(batch)[letter.part_number - 1])[letter.part_first_page - 1]


@pytest.fixture
def batch(incident, manager, settings, fetched):
    settings.LETTER_CHUNK_SIZE = 4
    settings.LETTER_PART_SIZE = 5
    incident.return_address = "100 School Street\nSpringfield MO 65801"
    incident.letter_logo.save("logo.png", ContentFile(_png()))
    recipients(incident, 6, "name", "medical_information", "ssn")
    recipients(
        incident, 1, "name", name=HOSTILE, relationship=Relationship.PARENT_GUARDIAN, address_line1="1 Main St Apt 9"
    )
    return rendered_batch(incident, manager)


def test_every_print_file_passes_qpdf_and_embeds_its_fonts(batch):
    assert batch.status == BatchStatus.RENDERED
    assert len(batch.parts) == 2  # 7 letters, at most 5 per part
    for path in _parts(batch):
        assert "No syntax or stream encoding errors" in pdfcheck.qpdf_check(path)
        used = pdfcheck.fonts(path)
        assert used, "the letters use fonts"
        assert all(font["emb"] == "yes" for font in used), used


def test_pages_in_the_print_files_equal_the_letters_page_counts(batch):
    total = sum(len(pdfcheck.page_texts(path)) for path in _parts(batch))
    assert total == batch.pages_total == sum(Letter.objects.filter(batch=batch).values_list("page_count", flat=True))


def test_the_recipient_address_sits_inside_the_envelope_window(batch):
    window: dict[str, float] = django_settings.LETTER_LAYOUT["recipient_window"]  # type: ignore[assignment]
    for letter in Letter.objects.filter(batch=batch).select_related("recipient"):
        first_page = _first_page_words(batch, letter)
        street = letter.recipient.address_line1.split()[:2]
        for needle in [*street, letter.recipient.city, letter.recipient.postal_code]:
            hits = [w for w in first_page if w.text == needle and 1.5 * 72 < w.top < 4 * 72]  # below the return block
            assert hits, f"{needle} not found on the first page of letter {letter.sequence}"
            assert all(w.inside(window["left"], window["top"], window["width"], window["height"]) for w in hits), (
                needle,
                hits,
                window,
            )


def test_every_page_carries_the_reference_code_sequence_and_page_of(batch):
    for letter in Letter.objects.filter(batch=batch).select_related("recipient"):
        for number, text in enumerate(_pages(batch, letter), start=1):
            assert f"Ref. {letter.recipient.reference_code_display}" in text
            assert f"Piece {letter.sequence:06d}" in text
            assert f"Page {number} of {letter.page_count}" in text


def test_a_hostile_name_prints_literally_and_fetches_nothing(batch, fetched):
    hostile = Letter.objects.get(batch=batch, recipient__name=HOSTILE)
    assert HOSTILE in _pages(batch, hostile)[0]
    assert "file:///etc/passwd" not in fetched
    assert all(url.startswith(("portal-static:letters/", "portal-logo:")) for url in fetched), fetched


def test_the_renderer_refuses_every_url_but_its_own_assets(incident, manager, fetched):
    body = (
        '<p>Body</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/pixel.png">'
        '<img src="portal-static:../../portal/settings/base.py"><img src="data:image/png;base64,AAAA">'
    )
    LetterTemplate.objects.create(incident=incident, name="Curious", body=body)
    recipients(incident, 1)
    batch = rendered_batch(incident, manager)
    assert batch.status == BatchStatus.RENDERED  # the images are left out; the letter still renders
    refused = [url for url in fetched if not url.startswith("portal-static:letters/")]
    assert set(refused) >= {"file:///etc/passwd", "http://127.0.0.1:9/pixel.png"}
    with pytest.raises(render.RefusedURL):
        render._PortalFetcher().fetch("file:///etc/passwd")
    with pytest.raises(render.RefusedURL):
        render._PortalFetcher().fetch("portal-static:../../portal/settings/base.py")


def test_one_letter_is_cut_from_its_part_without_rendering(batch, tmp_path, monkeypatch):
    letter = Letter.objects.select_related("batch", "recipient").get(batch=batch, sequence=6)
    monkeypatch.setattr(render.Renderer, "layout", lambda *a: pytest.fail("a reprint must not render"))
    path = tmp_path / "one.pdf"
    path.write_bytes(letter_pdf(letter))
    pages = pdfcheck.page_texts(path)
    assert len(pages) == letter.page_count
    assert f"Piece {letter.sequence:06d}" in pages[0]
    assert "No syntax or stream encoding errors" in pdfcheck.qpdf_check(path)


def test_the_logo_is_served_from_the_incident(batch, fetched):
    assert "portal-logo:logo" in fetched


def _chunk_with_inherited_boxes(width: int, pages: int) -> "pikepdf.Pdf":
    """A chunk whose page size and resources sit on its page tree, as some PDF writers put them."""
    chunk = pikepdf.Pdf.new()
    for n in range(pages):
        chunk.add_blank_page()
        chunk.pages[n].obj.Contents = chunk.make_stream(f"% page {width}-{n}\n".encode())
        del chunk.pages[n].obj.MediaBox
        if pikepdf.Name.Resources in chunk.pages[n].obj:
            del chunk.pages[n].obj.Resources
    chunk.Root.Pages.MediaBox = pikepdf.Array([0, 0, width, 792])
    chunk.Root.Pages.Resources = pikepdf.Dictionary(ProcSet=pikepdf.Array([pikepdf.Name.PDF]))
    return chunk


def test_a_part_joins_pages_from_several_chunks_in_the_order_given_keeping_what_they_inherit():
    first, second = _chunk_with_inherited_boxes(612, 3), _chunk_with_inherited_boxes(600, 2)
    part = pikepdf.Pdf.new()
    _join(part, [(second, 1), (first, 0), (first, 2), (second, 0)])
    out = io.BytesIO()
    part.save(out)
    with pikepdf.Pdf.open(io.BytesIO(out.getvalue())) as saved:
        contents = [page.obj.Contents.read_bytes().decode().strip() for page in saved.pages]
        assert contents == ["% page 600-1", "% page 612-0", "% page 612-2", "% page 600-0"]
        assert [float(page.mediabox[2]) for page in saved.pages] == [600, 612, 612, 600]
        assert all(page.obj.Resources.ProcSet == [pikepdf.Name.PDF] for page in saved.pages)
        assert saved.Root.Pages.Count == 4
