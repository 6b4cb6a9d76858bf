"""A batch's proof: which letters it holds and why, the cover's warnings, PROOF on every page, the command,
and the proof's files following the batch (a re-render, a purge)."""

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import DataType
from notifications import actions, tasks
from notifications.letters import proof
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterBatch, LetterTemplate
from notifications.tasks import run_now
from portal.lib.errors import ActionRefused
from portal.testing import pdfcheck
from portal.testing.letters import recipients, rendered_batch


@pytest.fixture(autouse=True)
def _small_parts(settings):
    settings.LETTER_CHUNK_SIZE = 5
    settings.LETTER_PART_SIZE = 7


def _pages(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "proof.pdf"
    path.write_bytes(pdf)
    return pdfcheck.page_texts(path)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("<b>Ada</b> Nguyen", "markup"),
        ("Ada &amp; Grace", "markup"),
        ("{{ secret }}", "markup"),
        ('=HYPERLINK("http://x")', "formula"),
        ("  @SUM(A1)", "formula"),
        ("+1 Main St", "formula"),
        ("Ada\u202eNguyen", "control characters"),  # right-to-left override
        ("Ada\x07", "control characters"),
        ("Ada\u200bNguyen", "control characters"),  # zero-width space
    ],
)
def test_values_that_look_like_markup_formulas_or_control_characters_are_named(value, kind):
    assert proof.concern(value) == kind


@pytest.mark.parametrize(
    "value", ["José Luis de la Cruz Jr.", "Mary-Kate O'Brien", "100 N. Fictional Way #4", "Apt 3 < 4", "Nguyễn Thị"]
)
def test_ordinary_names_and_addresses_are_not_flagged(value):
    assert proof.concern(value) == ""


def test_the_proof_holds_each_variant_the_longest_name_and_address_and_a_seeded_sample(
    incident, manager, tmp_path, monkeypatch
):
    from portal.testing import letter_jurisdictions as stand_ins

    stand_ins.install(monkeypatch, tmp_path, {})  # no state's law adds a letter to the proof here
    actions.install_default_templates(manager, incident)
    LetterTemplate.objects.create(
        incident=incident, name="Kansas residents", state="KS", body="<p>{{ salutation }} KANSAS-VARIANT</p>"
    )
    recipients(incident, 20, "name")
    long_name = recipients(incident, 1, name="Maximiliana Evangelina Featherstonehaugh-Worthington")[0]
    long_address = recipients(incident, 1, address_line1="12345 North Extraordinarily Long Boulevard Name")[0]
    kansan = recipients(incident, 1, state="KS")[0]
    batch = rendered_batch(incident, manager)
    sequence = {
        r.pk: s for r, s in ((r, Letter.objects.get(recipient=r).sequence) for r in (long_name, long_address, kansan))
    }

    built = proof.build(batch)

    chosen = {int(item.sequence): item for item in built.items}
    assert (chosen[1].variant, chosen[1].reasons) == ("Standard letter (English)", "first letter of its variant")
    kansas = chosen[sequence[kansan.pk]]
    assert (kansas.variant, kansas.reasons) == ("Kansas residents", "first letter of its variant")
    assert proof.letter_caption(kansas) == f"Letter {kansas.sequence}: first letter of the variant “Kansas residents”"
    sampled = next(item for item in built.items if item.reasons == "random sample")
    assert (
        proof.letter_caption(sampled) == f"Letter {sampled.sequence}: random sample, of the variant “{sampled.variant}”"
    )
    assert "longest name (52 characters)" in chosen[sequence[long_name.pk]].reasons
    assert "longest address" in chosen[sequence[long_address.pk]].reasons
    assert sum(item.reasons == "random sample" for item in built.items) == proof.SAMPLE_SIZE
    assert proof.build(batch).items == built.items  # seeded: the same batch, the same proof

    pages = _pages(built.pdf, tmp_path)
    assert len(pages) == built.cover_pages + sum(item.page_count for item in built.items)
    assert all("PROOF · NOT FOR MAILING" in page for page in pages)
    cover = pages[0]
    for item in built.items:
        assert item.reference_code in cover
    assert long_name.name not in cover  # the cover names letters by reference code, nothing more
    kansas = chosen[sequence[kansan.pk]]
    assert "KANSAS-VARIANT" in pages[kansas.first_page - 1]
    assert kansan.reference_code_display in pages[kansas.first_page - 1]


def test_names_and_addresses_that_look_wrong_are_listed_on_the_cover_by_reference_code(incident, manager, tmp_path):
    recipients(incident, 3, "name")
    markup = recipients(incident, 1, name="<script>alert(1)</script> Parent")[0]
    formula = recipients(incident, 1, address_line1='=HYPERLINK("http://x","1 Main St")')[0]
    batch = rendered_batch(incident, manager)

    built = proof.build(batch)

    assert built.found.concern_count == 2
    listed = {c["code"]: c["fields"] for c in built.found.concerns}
    assert listed == {
        markup.reference_code_display: "recipient's name (markup)",
        formula.reference_code_display: "street address (formula)",
    }
    cover = _pages(built.pdf, tmp_path)[0]
    assert "2 letters print a name or address that looks like markup" in cover
    assert markup.reference_code_display in cover
    assert "script" not in cover  # the value itself stays off the cover


def test_batch_proof_writes_the_stored_proof_once_and_is_audited(incident, manager, tmp_path):
    recipients(incident, 4, "name")
    batch = rendered_batch(incident, manager)
    out = io.StringIO()
    call_command("batch_proof", batch.pk, tmp_path / "proof.pdf", stdout=out)

    batch.refresh_from_db()
    with default_storage.open(batch.proof["pdf"], "rb") as stored:
        assert (tmp_path / "proof.pdf").read_bytes() == stored.read()
    assert out.getvalue().strip() == f"{tmp_path / 'proof.pdf'}: 4 letters, {len(batch.proof['pages'])} pages"
    written = AuditEvent.objects.get(action="letter_batch.proof_written")
    assert written.details == {"round": batch.render_round, "via": "command"}

    with pytest.raises(CommandError, match="already exists"):
        call_command("batch_proof", batch.pk, tmp_path / "proof.pdf")
    with pytest.raises(CommandError, match="No letter batch has the id 999999"):
        call_command("batch_proof", 999999, tmp_path / "other.pdf")


def test_batch_proof_refuses_a_batch_not_rendered_and_leaves_no_file(incident, manager, tmp_path):
    recipients(incident, 1, "name")
    batch = rendered_batch(incident, manager)
    actions.rerender_batch(manager, batch)
    with pytest.raises(CommandError, match=f"Batch {batch.pk} is rendering; only a rendered batch has a proof."):
        call_command("batch_proof", batch.pk, tmp_path / "proof.pdf")
    assert not (tmp_path / "proof.pdf").exists()


def test_rendering_again_deletes_the_proof_and_asks_for_a_new_opening(
    incident, manager, mail_admin, monkeypatch, django_capture_on_commit_callbacks
):
    recipients(incident, 2, "name")
    batch = proof.ensure(rendered_batch(incident, manager).pk)
    files = proof.files_of(batch.proof)
    assert files
    assert all(default_storage.exists(name) for name in files)
    actions.record_proof_opened(mail_admin, batch)

    monkeypatch.setattr(tasks, "enqueue_rendering", lambda batch: None)  # rendered below, in this process
    with django_capture_on_commit_callbacks(execute=True):
        actions.rerender_batch(manager, batch)
    assert not any(default_storage.exists(name) for name in files)
    run_now(batch.pk, batch.render_round + 1)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert not batch.has_proof
    with pytest.raises(ActionRefused, match="Open the proof"):  # the opening was of the round before
        actions.approve_batch(mail_admin, batch)


def test_a_worker_makes_the_proof_once_the_batch_is_rendered(
    transactional_db, celery_worker_process, incident, manager
):
    recipients(incident, 3, "name")
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Worker proof", Selection())  # sent to the worker on commit
    celery_worker_process.wait_until(lambda: LetterBatch.objects.get(pk=batch.pk).has_proof, seconds=90)

    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert batch.proof_claimed_at is None
    assert all(default_storage.exists(name) for name in proof.files_of(batch.proof))
    made = AuditEvent.objects.get(action="letter_batch.proof_made")
    assert made.actor_id is None
    assert made.details == {"round": 1, "letters": 3, "concerns": 0}


def test_batch_proof_waits_for_a_proof_another_process_is_making(incident, manager, tmp_path):
    recipients(incident, 1, "name")
    batch = rendered_batch(incident, manager)
    LetterBatch.objects.filter(pk=batch.pk).update(proof_claimed_at=timezone.now())
    with pytest.raises(CommandError, match=f"A worker is making the proof of batch {batch.pk}; run this again"):
        call_command("batch_proof", batch.pk, tmp_path / "proof.pdf")
    assert not (tmp_path / "proof.pdf").exists()


def test_purging_the_incident_deletes_the_proof(incident, manager, django_capture_on_commit_callbacks):
    recipients(incident, 2, "name")
    batch = proof.ensure(rendered_batch(incident, manager).pk)
    files = proof.files_of(batch.proof)
    with django_capture_on_commit_callbacks(execute=True):
        actions.purge_letters(incident)
    assert not any(default_storage.exists(name) for name in files)
    assert LetterBatch.objects.get(pk=batch.pk).proof == {}


def test_a_cover_longer_than_a_page_still_points_at_the_right_pages(incident, manager, tmp_path):
    recipients(incident, 40, "name", name="=Formula Parent")
    batch = rendered_batch(incident, manager)

    built = proof.build(batch, sample=36)

    assert built.cover_pages >= 2
    pages = _pages(built.pdf, tmp_path)
    for item in built.items:
        assert f"Piece {item.sequence}" in pages[item.first_page - 1]
        assert item.reference_code in pages[item.first_page - 1]
    assert "The first 20 of 40 are listed." in "".join(pages[: built.cover_pages])


def test_the_proof_holds_the_first_letter_to_each_state_whose_law_shapes_the_letter(
    incident, manager, tmp_path, monkeypatch
):
    from portal.testing import letter_jurisdictions as stand_ins

    stand_ins.install(monkeypatch, tmp_path)
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn"]))
    recipients(incident, 3, "name", "ssn", state="KS")
    resident = recipients(incident, 2, "name", "ssn", state="MA")[0]
    batch = rendered_batch(incident, manager)
    sequence = Letter.objects.get(recipient=resident).sequence

    built = proof.build(batch, sample=0)

    chosen = {int(item.sequence): item for item in built.items}
    assert "first letter to a resident of Massachusetts" in chosen[sequence].reasons
    assert not any("Kansas" in item.reasons for item in built.items)  # its law adds nothing to the letter
    first = chosen[sequence].first_page - 1
    letter = " ".join(_pages(built.pdf, tmp_path)[first : first + chosen[sequence].page_count])
    assert "For Massachusetts residents" in letter
    assert "What happened" not in letter
    assert "What information was involved" in letter
