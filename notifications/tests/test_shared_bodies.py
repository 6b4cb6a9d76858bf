"""Bodies shared between a batch's workers: one lays a body out, the others read it, and the letters are the same."""

import hashlib
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.safestring import SafeString

from incidents.readers import Language, Relationship
from notifications import actions
from notifications.letters import jobs, render, shared_bodies
from notifications.letters.maker import LetterMaker, data_types_of
from notifications.letters.render import LetterPage, Renderer
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterBatch
from portal.testing import pdfcheck
from portal.testing.letters import bodies_laid_out_per_letter, missouri_and_broken_kansas, recipients

pytestmark = pytest.mark.django_db


@pytest.fixture
def laid_out(monkeypatch):
    """The bodies each renderer lays out itself, by renderer."""
    seen: dict[int, list[str]] = {}
    body_pdf = Renderer._body_pdf

    def counted(self, page):
        seen.setdefault(id(self), []).append(self.body_key(page))
        return body_pdf(self, page)

    monkeypatch.setattr(Renderer, "_body_pdf", counted)
    return seen


@pytest.fixture(autouse=True)
def own_media(settings, tmp_path):
    """A storage of the test's own: batch numbers repeat from test to test, and so would their folders."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _batch(incident, manager, mixed: bool = True) -> LetterBatch:
    """Letters in four bodies: English and Spanish, each to a parent and to an adult; three letters each."""
    recipients(incident, 3)
    if mixed:
        recipients(incident, 3, relationship=Relationship.SELF)
        for made in recipients(incident, 3) + recipients(incident, 3, relationship=Relationship.SELF):
            made.individual.language = Language.SPANISH
            made.individual.save(update_fields=["language"])
    actions.install_default_templates(manager, incident)
    return actions.create_batch(manager, incident, "Shared bodies", Selection(), queue=False)


def _make(incident, batch, store, descending=False):
    maker = LetterMaker(incident)
    letters = list(Letter.objects.filter(batch=batch).select_related("recipient__individual").order_by("sequence"))
    outcomes = maker.make_chunk(letters, data_types_of(letters), batch.letter_date(), store, descending)
    assert not [o.reason for o in outcomes if o.reason]
    return maker, outcomes


def _texts(maker, outcomes, path: Path) -> list[str]:
    pdf, _ = maker.renderer.write(o.document for o in outcomes)
    path.write_bytes(pdf)
    return pdfcheck.page_texts(path)


def test_a_second_worker_reads_the_bodies_the_first_laid_out_and_prints_the_same_letters(
    incident, manager, laid_out, tmp_path
):
    batch = _batch(incident, manager)
    store = shared_bodies.SharedBodies(batch.pk, batch.render_round)
    first, first_outcomes = _make(incident, batch, store)
    assert len(laid_out[id(first.renderer)]) == 4  # one body per language and relationship
    assert len(shared_bodies.files_of(batch.pk, batch.render_round)) == 4

    second, second_outcomes = _make(incident, batch, store, descending=True)
    assert id(second.renderer) not in laid_out  # every body read, none laid out again
    first_texts = _texts(first, first_outcomes, tmp_path / "first.pdf")
    second_texts = _texts(second, second_outcomes, tmp_path / "second.pdf")
    assert second_texts == first_texts
    assert len(first_texts) == sum(o.document.body.page_count for o in first_outcomes)
    assert "Atentamente" in " ".join(first_texts)  # the Spanish bodies too


def test_the_reverse_order_lays_out_the_bodies_last_key_first(incident, manager, laid_out):
    batch = _batch(incident, manager)
    ahead, _ = _make(incident, batch, shared_bodies.SharedBodies(batch.pk, 90))
    behind, _ = _make(incident, batch, shared_bodies.SharedBodies(batch.pk, 91), descending=True)
    assert laid_out[id(ahead.renderer)] == sorted(laid_out[id(ahead.renderer)])
    assert laid_out[id(behind.renderer)] == sorted(laid_out[id(ahead.renderer)], reverse=True)


def test_a_body_that_names_its_one_reader_never_leaves_the_worker(incident, manager, laid_out):
    batch = _batch(incident, manager, mixed=False)
    bodies_laid_out_per_letter(incident)  # each body now prints its letter's reference code
    maker, _ = _make(incident, batch, shared_bodies.SharedBodies(batch.pk, batch.render_round))
    assert len(laid_out[id(maker.renderer)]) == 3
    assert shared_bodies.files_of(batch.pk, batch.render_round) == []


def test_a_body_file_cut_short_or_altered_is_not_read(incident, manager):
    batch = _batch(incident, manager, mixed=False)
    store = shared_bodies.SharedBodies(batch.pk, batch.render_round)
    pdf = b"%PDF-1.7 a laid-out body"
    store.put("whole", pdf)
    assert store.get("whole") == pdf
    assert store.get("missing") is None
    name = f"{shared_bodies.folder(batch.pk, batch.render_round)}/cut.pdf"
    default_storage.save(name, ContentFile(pdf + hashlib.sha256(pdf).digest()[:10]))  # still being written
    assert store.get("cut") is None
    name = f"{shared_bodies.folder(batch.pk, batch.render_round)}/altered.pdf"
    default_storage.save(name, ContentFile(b"%PDF-1.7 another" + hashlib.sha256(pdf).digest()))
    assert store.get("altered") is None
    assert store.get("") is None


def test_the_shared_bodies_go_with_the_chunks_when_the_batch_is_rendered(incident, manager):
    batch = _batch(incident, manager)
    for first, last in jobs.chunk_ranges(batch.letters_total, 6):
        jobs.render_chunk(batch.pk, batch.render_round, first, last, maker=LetterMaker(incident),
                          assemble_with=lambda *a: None, part_with=lambda *a: None)  # fmt: skip
    kept = shared_bodies.files_of(batch.pk, batch.render_round)
    assert len(kept) == 4  # each worker's first chunk laid its bodies out, the second read them
    jobs.assemble(batch.pk, batch.render_round, inline=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert not [name for name in kept if default_storage.exists(name)]


def test_a_store_that_fails_costs_only_the_layouts(incident, manager, monkeypatch, caplog):
    batch = _batch(incident, manager)

    def broken(*args, **kwargs):
        raise PermissionError("/srv/media/letters: permission denied")

    monkeypatch.setattr(default_storage, "save", broken)
    monkeypatch.setattr(default_storage, "open", broken)
    _, outcomes = _make(incident, batch, shared_bodies.SharedBodies(batch.pk, batch.render_round))
    assert len(outcomes) == 12  # every letter made (_make fails on any reason)
    assert {r.getMessage() for r in caplog.records} == {"shared body not read: PermissionError",
                                                        "shared body not kept: PermissionError"}  # fmt: skip


def test_a_rendering_again_or_a_purge_deletes_the_rounds_shared_bodies(
    incident, manager, django_capture_on_commit_callbacks
):
    missouri_and_broken_kansas(incident, manager, 4, 3)
    batch = actions.create_batch(manager, incident, "Blocked", Selection(), queue=False)
    for first, last in jobs.chunk_ranges(batch.letters_total, 100):
        jobs.render_chunk(batch.pk, batch.render_round, first, last, assemble_with=lambda b, r: jobs.assemble(b, r))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.BLOCKED
    kept = shared_bodies.files_of(batch.pk, batch.render_round)
    assert len(kept) == 1  # the Missouri letters' body, kept with the round's chunks
    with django_capture_on_commit_callbacks(execute=True):
        actions.rerender_batch(manager, batch)
    assert not default_storage.exists(kept[0])

    batch.refresh_from_db()
    maker = LetterMaker(incident)  # a worker that has not laid the Missouri body out yet
    for first, last in jobs.chunk_ranges(batch.letters_total, 100):
        jobs.render_chunk(batch.pk, batch.render_round, first, last, maker=maker, assemble_with=lambda *a: None)
    kept = shared_bodies.files_of(batch.pk, batch.render_round)
    assert kept
    late = f"{shared_bodies.folder(batch.pk, 1)}/late.pdf"  # written into round 1 by a run taken over
    default_storage.save(late, ContentFile(b"%PDF-1.7"))
    with django_capture_on_commit_callbacks(execute=True):
        actions.purge_letters(incident)
    assert not [name for name in [*kept, late] if default_storage.exists(name)]


def test_a_body_laid_out_with_another_logo_or_other_styles_is_not_taken(monkeypatch):
    page = LetterPage(
        body=SafeString("<p>The same words.</p>"), sequence=1, reference_code="ABCD-EFGH-JKLM",
        address_lines=["Ana Ruiz", "1 Main St", "Springfield MO 65801"], letter_date="January 20, 2026",
        language="en", salutation="Dear Ana Ruiz:",
    )  # fmt: skip
    plain = Renderer(return_lines=["Example District"])
    assert Renderer(return_lines=["Another District"]).body_key(page) == plain.body_key(page)  # the letterhead's
    assert Renderer(return_lines=["Example District"], logo=b"\x89PNG a logo").body_key(page) != plain.body_key(page)
    assert plain.body_key(replace(page, language="es")) != plain.body_key(page)
    monkeypatch.setattr(render, "FONT_FACES", render.FONT_FACES.replace("Letter Serif", "Other Serif"))
    assert Renderer(return_lines=["Example District"]).body_key(page) != plain.body_key(page)


def _laid_out_elsewhere(incident, batch, laid_out) -> dict[str, bytes | None]:
    """Every body of the batch, laid out by another worker (in a store of another round), by key."""
    store = shared_bodies.SharedBodies(batch.pk, 99)
    maker, _ = _make(incident, batch, store)
    return {key: store.get(key) for key in laid_out.pop(id(maker.renderer))}


def _put_later(store, bodies: dict[str, bytes | None], after: float) -> threading.Timer:
    """The worker holding the reservations puts the bodies (or, with None, gives them up) `after` seconds on."""

    def put() -> None:
        for key, pdf in bodies.items():
            if pdf is not None:
                store.put(key, pdf)
            store.release(key)

    timer = threading.Timer(after, put)
    timer.start()
    return timer


def test_a_body_another_worker_is_laying_out_is_read_once_it_is_put(incident, manager, laid_out, tmp_path):
    batch = _batch(incident, manager)
    bodies = _laid_out_elsewhere(incident, batch, laid_out)
    other = shared_bodies.SharedBodies(batch.pk, batch.render_round)
    assert all(other.reserve(key) for key in bodies)
    here = shared_bodies.SharedBodies(batch.pk, batch.render_round)
    assert not here.reserve(next(iter(bodies)))  # reserved by the other worker
    timer = _put_later(other, bodies, after=0.3)
    started = time.monotonic()
    maker, outcomes = _make(incident, batch, here)
    timer.join()
    assert id(maker.renderer) not in laid_out  # waited for every body, laid out none
    assert time.monotonic() - started >= 0.3
    texts = _texts(maker, outcomes, tmp_path / "waited.pdf")
    assert len(texts) == sum(o.document.body.page_count for o in outcomes)
    assert "Atentamente" in " ".join(texts)


def test_a_body_another_worker_gave_up_or_died_laying_out_is_laid_out_here(incident, manager, laid_out, monkeypatch):
    batch = _batch(incident, manager)
    keys = list(_laid_out_elsewhere(incident, batch, laid_out))
    monkeypatch.setattr(shared_bodies, "RESERVED_SECONDS", 1)
    other = shared_bodies.SharedBodies(batch.pk, batch.render_round)
    assert all(other.reserve(key) for key in keys)
    timer = _put_later(other, dict.fromkeys(keys[:2]), after=0.2)  # its layout of two of them failed
    started = time.monotonic()  # and its worker died laying out the other two: their reservations lapse
    maker, _ = _make(incident, batch, shared_bodies.SharedBodies(batch.pk, batch.render_round))
    timer.join()
    assert sorted(laid_out[id(maker.renderer)]) == sorted(keys)
    assert 0.9 <= time.monotonic() - started < 5
    assert len(shared_bodies.files_of(batch.pk, batch.render_round)) == 4  # put for the batch's other workers


def _one_letter_of_each_body(batch) -> list[Letter]:
    """A chunk with one letter per body: one per language and relationship."""
    letters = Letter.objects.filter(batch=batch).select_related("recipient__individual").order_by("sequence")
    one_each = {(letter.recipient.individual.language, letter.recipient.relationship): letter for letter in letters}
    return list(one_each.values())


def test_a_body_one_letter_of_the_chunk_has_is_read_when_another_worker_put_it(incident, manager, laid_out):
    batch = _batch(incident, manager)
    store = shared_bodies.SharedBodies(batch.pk, batch.render_round)
    _make(incident, batch, store)  # three letters of each body: put
    chunk = _one_letter_of_each_body(batch)
    maker = LetterMaker(incident)
    outcomes = maker.make_chunk(chunk, data_types_of(chunk), batch.letter_date(), store)
    assert len(outcomes) == 4
    assert not [o.reason for o in outcomes if o.reason]
    assert id(maker.renderer) not in laid_out  # each read from the store, none laid out again


def test_a_body_no_worker_put_stays_with_its_one_letter(incident, manager, laid_out):
    batch = _batch(incident, manager)
    chunk = _one_letter_of_each_body(batch)
    maker = LetterMaker(incident)
    store = shared_bodies.SharedBodies(batch.pk, batch.render_round)
    maker.make_chunk(chunk, data_types_of(chunk), batch.letter_date(), store)
    assert len(laid_out[id(maker.renderer)]) == 4
    assert shared_bodies.files_of(batch.pk, batch.render_round) == []  # none put: each had one letter
