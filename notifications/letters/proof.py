"""A rendered batch's proof: the letters a mail administrator looks at before approving a print run.

The proof holds one letter of each variant the batch uses, the letters with the longest name and the
longest address, and a random sample seeded by the batch and its render round (so the same batch always
gives the same proof), cut from the print parts without rendering again. A cover page lists what each
proof letter is and the names or addresses that look like markup, formulas or control characters
(`concerns`), and every page carries "PROOF" in both margins so that no proof page is ever mailed.

The proof is made once per render round, by a worker after the batch is rendered or by the first
request that needs it, whichever claims it first (a conditional update on `proof_claimed_at`); the
others wait for it. A lost message needs no sweep: the next opening makes the proof.
"""

import io
import random
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

import pikepdf
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import CSS, HTML

from audit import api as audit
from notifications.letters import render, states
from notifications.letters.parts import StoredFile, round_folder
from notifications.models import BatchStatus, Letter, LetterBatch
from portal.lib import claims, pdf_lock, refcode
from portal.lib.csvcell import FORMULA_START
from regulators.obligations import catalog_keys

SAMPLE_SIZE = 10
CONCERNS_KEPT = 20  # listed by reference code on the cover; the batch page shows the first few
IMAGE_DPI = 80
PROOFABLE = (BatchStatus.RENDERED, BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.MAILED)

# What a letter prints of a person, as the cover names it (never the value itself).
_PRINTED_FIELDS = (
    ("recipient__name", "recipient's name"),
    ("recipient__address_line1", "street address"),
    ("recipient__address_line2", "address line 2"),
    ("recipient__city", "city"),
    ("recipient__state", "state"),
    ("recipient__postal_code", "ZIP code"),
    ("recipient__individual__first_name", "person's first name"),
    ("recipient__individual__middle_name", "person's middle name"),
    ("recipient__individual__last_name", "person's last name"),
    ("recipient__individual__suffix", "person's suffix"),
)
_ADDRESS = slice(1, 6)
_STATE = 4
# A tag, an entity or a template tag: printed literally, but not what a parent's name looks like.
_MARKUP = re.compile(r"<\s*[/!?A-Za-z]|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z]+);|\{[{%#]|[}%#]\}")
_FORMULA = tuple(c for c in FORMULA_START if c.isprintable())


class NotProofable(ValueError):
    pass


def concern(value: str) -> str:
    """Why a printed value looks wrong ("markup", "formula", "control characters"), or ""."""
    # isprintable() (in C) clears nearly every value at once; the rest are looked at character by character.
    if not value.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cf") for ch in value):
        return "control characters"
    if _MARKUP.search(value):
        return "markup"
    if value.lstrip().startswith(_FORMULA):
        return "formula"
    return ""


@dataclass
class _Scan:
    """What one pass over a batch's letters finds: each variant's first letter, the longest name and
    address, and the letters whose printed values look wrong."""

    first_of_variant: dict[int, int] = field(default_factory=dict)  # template id -> sequence
    first_of_state: dict[str, int] = field(default_factory=dict)  # the recipient's state -> sequence
    longest_name: tuple[int, int] = (-1, 0)  # (length, sequence)
    longest_address: tuple[int, int] = (-1, 0)
    concern_count: int = 0
    concerns: list[dict[str, str]] = field(default_factory=list)

    def add(self, sequence: int, template_id: int | None, code: str, values: tuple[str, ...]) -> None:
        if template_id is not None:
            self.first_of_variant.setdefault(template_id, sequence)
        self.first_of_state.setdefault(values[_STATE].upper(), sequence)
        self.longest_name = max(self.longest_name, (len(values[0]), -sequence))
        address = sum(len(v) for v in values[_ADDRESS])
        self.longest_address = max(self.longest_address, (address, -sequence))
        found = [(label, kind) for (_, label), v in zip(_PRINTED_FIELDS, values, strict=True) if (kind := concern(v))]
        if found:
            self.concern_count += 1
            if len(self.concerns) < CONCERNS_KEPT:
                fields = ", ".join(f"{label} ({kind})" for label, kind in found)
                self.concerns.append({"sequence": f"{sequence:06d}", "code": refcode.display(code), "fields": fields})


def scan(batch: LetterBatch) -> _Scan:
    rows = (
        Letter.objects.filter(batch=batch)
        .order_by("sequence")
        .values_list("sequence", "template_id", "recipient__reference_code", *(name for name, _ in _PRINTED_FIELDS))
        .iterator(chunk_size=5000)
    )
    found = _Scan()
    for sequence, template_id, code, *values in rows:
        found.add(sequence, template_id, code, tuple(v or "" for v in values))
    return found


FIRST_OF_VARIANT = "first letter of its variant"


def choose(batch: LetterBatch, found: _Scan, sample: int = SAMPLE_SIZE) -> dict[int, list[str]]:
    """The proof's letters, by sequence, each with why it was chosen."""
    chosen: dict[int, list[str]] = {}
    for _template_id, sequence in sorted(found.first_of_variant.items(), key=lambda item: item[1]):
        chosen.setdefault(sequence, []).append(FIRST_OF_VARIANT)  # the variant is named beside the reason
    incident = batch.incident  # a block of the state's law, or a part it keeps out, in this incident's letters
    exposed = catalog_keys(incident.data_types.all())
    shaping = states.shaping_jurisdictions(incident.organisation_type, incident.organisation_state, exposed)
    for state, sequence in sorted(found.first_of_state.items(), key=lambda item: item[1]):
        if state in shaping:
            chosen.setdefault(sequence, []).append(f"first letter to a resident of {shaping[state].name}")
    if batch.letters_total:
        chosen.setdefault(-found.longest_name[1], []).append(f"longest name ({found.longest_name[0]} characters)")
        chosen.setdefault(-found.longest_address[1], []).append(
            f"longest address ({found.longest_address[0]} characters)"
        )
    rng = random.Random(f"batch {batch.pk} round {batch.render_round}")  # noqa: S311 (a sample, not a secret)
    pool = rng.sample(range(1, batch.letters_total + 1), min(batch.letters_total, sample + len(chosen)))
    for sequence in [s for s in pool if s not in chosen][:sample]:
        chosen[sequence] = ["random sample"]
    return dict(sorted(chosen.items()))


@dataclass(frozen=True)
class ProofLetter:
    sequence: str
    variant: str
    reasons: str
    reference_code: str
    first_page: int  # in the proof
    page_count: int


def _letters(batch: LetterBatch, chosen: dict[int, list[str]]) -> list[Letter]:
    return list(
        Letter.objects.filter(batch=batch, sequence__in=chosen)
        .select_related("template", "recipient")
        .only("sequence", "page_count", "part_number", "part_first_page", "template__name", "recipient__reference_code")
        .order_by("sequence")
    )


def _cut(batch: LetterBatch, letters: list[Letter], sources: ExitStack) -> pikepdf.Pdf:
    """The letters' pages, cut from the print parts they are in, in sequence order. The parts stay open in
    `sources` until the proof is saved, which reads the pages from them."""
    out = sources.enter_context(pikepdf.Pdf.new())
    opened: dict[int, pikepdf.Pdf] = {}
    for letter in letters:
        number = cast(int, letter.part_number)
        if number not in opened:
            part = StoredFile.from_json(batch.parts[number - 1])
            with default_storage.open(part.name, "rb") as f:
                opened[number] = sources.enter_context(pikepdf.Pdf.open(io.BytesIO(cast(BinaryIO, f).read())))
        start = cast(int, letter.part_first_page) - 1
        out.pages.extend(opened[number].pages[start : start + letter.page_count])
    return out


def _lay_out(html: str, css: str) -> pikepdf.Pdf:
    fetcher = render._PortalFetcher()
    with pdf_lock.LAYOUT:
        data = HTML(string=html, url_fetcher=fetcher).write_pdf(
            stylesheets=[CSS(string=render.FONT_FACES + "\n" + css, url_fetcher=fetcher)]
        )
    return pikepdf.Pdf.open(io.BytesIO(data))


_COVER_CSS = """
@page { size: letter; margin: 0.85in; }
html { font: 9.5pt/1.3 "Letter Sans"; color: #000; }
h1 { font-size: 15pt; margin: 0 0 0.08in 0; } h2 { font-size: 11pt; margin: 0.2in 0 0.06in 0; }
p { margin: 0 0 0.06in 0; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 0.03in 0.06in 0.03in 0; border-bottom: 0.5pt solid #999; }
.warning { color: #b50909; font-weight: bold; }
.code { white-space: nowrap; }
"""
_STAMP_CSS = """
@page { size: letter; margin: 0; }
html { font: bold 13pt "Letter Sans"; color: #c00000; letter-spacing: 0.12em; }
.mark { position: absolute; top: 5.5in; width: 9in; text-align: center; white-space: nowrap; }
.left { left: -4.2in; transform: rotate(-90deg); } .right { left: 3.7in; transform: rotate(90deg); }
"""
_STAMP_HTML = (
    '<!doctype html><html lang="en"><body>'
    + "".join(f'<div class="mark {side}">PROOF · NOT FOR MAILING · PROOF</div>' for side in ("left", "right"))
    + "</body></html>"
)


def _stamp(pdf: pikepdf.Pdf) -> None:
    """ "PROOF" down both margins of every page, drawn over the page (a form XObject stored once)."""
    with _lay_out(_STAMP_HTML, _STAMP_CSS) as stamp:
        form = pdf.copy_foreign(stamp.pages[0].as_form_xobject())
        for page in pdf.pages:
            page.add_overlay(form, pikepdf.Rectangle(0, 0, 612, 792))


def proof_letters(letters: list[Letter], chosen: dict[int, list[str]], cover_pages: int) -> list[ProofLetter]:
    made, page = [], cover_pages + 1
    for letter in letters:
        made.append(
            ProofLetter(
                sequence=f"{letter.sequence:06d}",
                variant=letter.template.name if letter.template else "",
                reasons="; ".join(chosen[letter.sequence]),
                reference_code=letter.recipient.reference_code_display,
                first_page=page,
                page_count=letter.page_count,
            )
        )
        page += letter.page_count
    return made


def _cover(batch: LetterBatch, found: _Scan, items: list[ProofLetter]) -> pikepdf.Pdf:
    context = {
        "batch": batch,
        "incident": batch.incident,
        "items": items,
        "concern_count": found.concern_count,
        "concerns": found.concerns,
        "made_at": timezone.localtime(),
    }
    return _lay_out(render_to_string("notifications/batch_proof_cover.html", context), _COVER_CSS)


@dataclass(frozen=True)
class Built:
    pdf: bytes
    cover_pages: int
    items: list[ProofLetter]
    found: _Scan


def build(batch: LetterBatch, sample: int = SAMPLE_SIZE) -> Built:
    """The proof PDF of a rendered batch: cover first, then the proof letters, all stamped PROOF."""
    if batch.status not in PROOFABLE:
        raise NotProofable(
            f"Batch {batch.pk} is {batch.get_status_display().lower()}: only a rendered batch has a proof."
        )
    if not batch.parts or not all(batch.parts):
        raise NotProofable(f"Batch {batch.pk} has no print files any more (its letters were deleted), so no proof.")
    found = scan(batch)
    chosen = choose(batch, found, sample)
    letters = _letters(batch, chosen)
    with ExitStack() as sources:
        body = _cut(batch, letters, sources)
        # The cover's length decides the letters' page numbers it lists: lay it out, then again if it grew.
        cover_pages = 1
        for _ in range(3):  # the numbers' widths barely change its length: one more layout settles it
            items = proof_letters(letters, chosen, cover_pages)
            cover = _cover(batch, found, items)
            if len(cover.pages) == cover_pages:
                break
            cover_pages = len(cover.pages)
            cover.close()
        else:
            raise RuntimeError("the proof's cover did not settle on a length")
        with cover:
            cover.pages.extend(body.pages)
            cover.docinfo[pikepdf.Name.Title] = f"PROOF of letter batch {batch.pk}, round {batch.render_round}"
            _stamp(cover)
            out = io.BytesIO()
            cover.save(out, deterministic_id=True)
    return Built(out.getvalue(), cover_pages, items, found)


def page_images(pdf: bytes, dpi: int = IMAGE_DPI) -> Iterator[bytes]:
    """Each page as PNG, by poppler's pdftoppm in its own process (a system package the portal has already;
    a PDF parser that crashes takes down that process, not the web worker)."""
    with tempfile.TemporaryDirectory(prefix="proof-") as tmp:
        source = Path(tmp) / "proof.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603 (a fixed program and arguments)
            ["/usr/bin/pdftoppm", "-png", "-r", str(dpi), str(source), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
            timeout=300,
        )
        for image in sorted(Path(tmp).glob("page-*.png")):
            yield image.read_bytes()


def _of(count: int, n: int) -> str:
    """ ", page 2 of 3", or nothing for a single page."""
    return f", page {n} of {count}" if count > 1 else ""


def letter_caption(item: ProofLetter) -> str:
    """ "Letter 000001: first letter of the variant “Standard letter (English)”", "Letter 000412: random
    sample, of the variant “Standard letter (Spanish)”": the variant named once."""
    variant = f"the variant “{item.variant}”" if item.variant else "a variant since deleted"
    if FIRST_OF_VARIANT in item.reasons:
        return f"Letter {item.sequence}: {item.reasons.replace(FIRST_OF_VARIANT, f'first letter of {variant}')}"
    return f"Letter {item.sequence}: {item.reasons}, of {variant}"


def _page_labels(built: Built) -> list[str]:
    labels = [f"the cover{_of(built.cover_pages, n)}" for n in range(1, built.cover_pages + 1)]
    for item in built.items:
        labels += [f"{letter_caption(item)}{_of(item.page_count, n)}" for n in range(1, item.page_count + 1)]
    return labels


def _store(batch: LetterBatch, built: Built) -> dict[str, Any]:
    folder = f"{round_folder(batch.pk, batch.render_round)}/proof"
    pdf_name = default_storage.save(f"{folder}/proof.pdf", ContentFile(built.pdf))
    pages = [
        {"name": default_storage.save(f"{folder}/page-{n:03d}.png", ContentFile(png)), "label": label}
        for n, (png, label) in enumerate(zip(page_images(built.pdf), _page_labels(built), strict=True), start=1)
    ]
    return {
        "round": batch.render_round,
        "pdf": pdf_name,
        "pages": pages,
        "letters": len(built.items),
        "concern_count": built.found.concern_count,
        "concerns": built.found.concerns,
    }


def files_of(proof: dict[str, Any]) -> list[str]:
    """The stored files of a proof (for deleting them)."""
    return [name for name in [proof.get("pdf", ""), *(p["name"] for p in proof.get("pages", []))] if name]


_MAKING = claims.Claims(beat_field="proof_claimed_at")  # one process at a time makes a batch's proof


def _claim(batch_id: int) -> bool:
    """Take the making of the proof, unless another process holds it (a claim silent for the claims' silence
    is taken over: its process died)."""
    now = timezone.now()
    free = Q(proof_claimed_at__isnull=True) | Q(proof_claimed_at__lt=now - claims.silence())
    return bool(LetterBatch.objects.filter(free, pk=batch_id).update(proof_claimed_at=now))


def ensure(batch_id: int) -> LetterBatch:
    """The batch with its proof of the current render round, made now when missing; without it when another
    process is making it (the caller says so and asks again)."""
    batch = LetterBatch.objects.select_related("incident").get(pk=batch_id)
    if batch.has_proof or not _claim(batch_id):
        return batch
    try:
        # Said alive while it is made, however long a large batch's scan and page images take, so that the
        # claim's silence means only that its process died.
        with _MAKING.kept_alive(LetterBatch.objects.filter(pk=batch_id, proof_claimed_at__isnull=False)):
            stored = _store(batch, build(batch))
    except BaseException:
        LetterBatch.objects.filter(pk=batch_id).update(proof_claimed_at=None)
        raise
    with transaction.atomic():
        locked = LetterBatch.objects.select_for_update().get(pk=batch_id)
        locked.proof_claimed_at = None
        if locked.render_round != batch.render_round or locked.has_proof or locked.status not in PROOFABLE:
            locked.save(update_fields=["proof_claimed_at"])
            transaction.on_commit(lambda: [default_storage.delete(n) for n in files_of(stored)])  # type: ignore[func-returns-value]
            return LetterBatch.objects.select_related("incident").get(pk=batch_id)
        locked.proof = stored
        locked.save(update_fields=["proof", "proof_claimed_at"])
        details = {"round": locked.render_round, "letters": stored["letters"], "concerns": stored["concern_count"]}
        audit.record(
            "letter_batch.proof_made", actor=None, incident_id=locked.incident_id, target=locked, details=details
        )
    batch.proof = stored
    return batch
