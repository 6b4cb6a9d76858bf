"""Batches at the action and job level: selection, rendering exactly once, failures, the mail file, returns."""

import csv
import io
from datetime import date, timedelta
from functools import partial

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import DataType, Role
from incidents.readers import Language, Relationship
from notifications import actions
from notifications.letters import jobs, manifest
from notifications.letters.maker import LetterMaker
from notifications.letters.parts import StoredFile
from notifications.letters.selection import Selection
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus, LetterTemplate
from notifications.tasks import run_now
from people.models import Recipient
from portal.lib.errors import ActionRefused
from portal.testing import UserFactory, member
from portal.testing.letters import approve, missouri_and_broken_kansas, recipients, rendered_batch


@pytest.fixture(autouse=True)
def _small_chunks(settings):
    settings.LETTER_CHUNK_SIZE = 3
    settings.LETTER_PART_SIZE = 4


def _sequences(batch):
    return list(Letter.objects.filter(batch=batch).order_by("sequence").values_list("sequence", flat=True))


def test_default_selection_takes_deliverable_recipients_without_a_letter_in_zip_order(incident, manager):
    recipients(incident, 2, postal_code="65900")
    first = recipients(incident, 1, postal_code="65100")[0]
    recipients(incident, 1, city="")  # no usable address: substitute notice, not a letter
    batch = rendered_batch(incident, manager)
    assert batch.letters_total == 3
    assert Letter.objects.get(batch=batch, sequence=1).recipient == first
    with pytest.raises(ActionRefused, match="No recipient matches"):
        actions.create_batch(manager, incident, "Again", Selection())


def test_letters_are_numbered_once_each_in_zip_order_then_by_name(incident, manager):
    made = recipients(incident, 11)  # ZIP codes 65000 to 65010, made in that order
    same_zip = recipients(incident, 3, postal_code="65005")
    for recipient, name_key in zip([made[5], *same_zip], ["miller", "zimmer", "abbott", "abbott"], strict=True):
        Recipient.objects.filter(pk=recipient.pk).update(name_key=name_key)
    recipients(incident, 1, postal_code="")  # no deliverable address: no letter
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "First mailing", Selection())
    letters = list(Letter.objects.filter(batch=batch).order_by("sequence"))
    assert batch.letters_total == 14
    assert [letter.sequence for letter in letters] == list(range(1, 15))
    # ZIP 65005 holds four: the two Abbotts in the order they were made, then Miller, then Zimmer.
    at_65005 = [same_zip[1].pk, same_zip[2].pk, made[5].pk, same_zip[0].pk]
    expected = [*(r.pk for r in made[:5]), *at_65005, *(r.pk for r in made[6:])]
    assert [letter.recipient_id for letter in letters] == expected
    assert {(letter.status, letter.attempts, letter.claim, letter.chunk, letter.part_number) for letter in letters} == {
        (LetterStatus.PENDING, 0, "", "", None)
    }
    assert {(letter.incident_id, letter.template_id, letter.page_count) for letter in letters} == {
        (incident.pk, None, 0)
    }


def test_filters_by_data_type_state_and_relationship(incident, manager):
    recipients(incident, 2, "name", "medical_information", state="KS")
    recipients(incident, 1, "name", state="KS")
    recipients(incident, 1, "name", "medical_information", relationship=Relationship.SELF)
    medical = DataType.objects.get(key="medical_information")
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(
        manager, incident, "Kansas parents, medical", Selection(medical, "KS", Relationship.PARENT_GUARDIAN)
    )
    assert batch.letters_total == 2
    event = AuditEvent.objects.get(action="letter_batch.created")
    assert event.details["data_type"] == "medical_information"
    assert event.details["letters"] == 2


def test_a_chunk_run_twice_renders_each_letter_once(incident, manager):
    recipients(incident, 5)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Twice", Selection())
    maker = LetterMaker(incident)
    for _ in range(2):
        for first, last in jobs.chunk_ranges(5, 3):
            jobs.render_chunk(batch.pk, batch.render_round, first, last, maker=maker, assemble_with=lambda *a: None)
    batch.refresh_from_db()
    assert batch.letters_rendered == 5
    assert batch.pages_total == sum(Letter.objects.filter(batch=batch).values_list("page_count", flat=True))


def test_a_letter_another_run_holds_is_left_alone_until_its_claim_goes_stale(incident, manager, settings):
    recipients(incident, 3)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Held", Selection())
    assert jobs.claim_letters(batch.pk, 1, 3, "another-run") == 3
    jobs.render_chunk(batch.pk, batch.render_round, 1, 3, assemble_with=lambda *a: None)
    assert Letter.objects.filter(batch=batch, status=LetterStatus.PENDING).count() == 3
    assert jobs.sweep() == []  # the claim is fresh
    Letter.objects.filter(batch=batch).update(claimed_at=timezone.now() - timedelta(hours=1))
    swept = jobs.sweep()
    assert swept == [(batch.pk, batch.render_round, 1, 3)]
    assert LetterBatch.objects.get(pk=batch.pk).worker_stopped_at is not None  # the page says so
    assert jobs.sweep() == []  # sent once, not at every sweep
    jobs.render_chunk(*swept[0], assemble_with=lambda b, r: jobs.assemble(b, r, inline=True))
    batch.refresh_from_db()
    assert batch.worker_stopped_at is None
    assert batch.status == BatchStatus.RENDERED
    assert batch.letters_rendered == 3


def test_a_failing_letter_is_reported_and_the_others_go_on_then_a_fix_rerenders_without_duplicates(incident, manager):
    recipients(incident, 3, state="MO")
    recipients(incident, 2, state="KS")
    actions.install_default_templates(manager, incident)
    broken = LetterTemplate.objects.create(
        incident=incident, name="Kansas", state="KS", body="<p>{{ kansas_only }}</p>"
    )
    batch = rendered_batch(incident, manager)
    assert batch.status == BatchStatus.BLOCKED
    assert (batch.letters_rendered, batch.letters_failed) == (3, 2)
    reasons = set(Letter.objects.filter(batch=batch, status=LetterStatus.FAILED).values_list("reason", flat=True))
    assert reasons == {"Template “Kansas”: Unknown merge field: kansas_only."}
    with pytest.raises(ActionRefused):
        actions.approve_batch(UserFactory.create(), batch)

    broken.body = "<p>For Kansas: {{ salutation }}</p>"
    broken.save()
    actions.rerender_batch(manager, batch)
    run_now(batch.pk, batch.render_round + 1)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert _sequences(batch) == [1, 2, 3, 4, 5]
    assert Letter.objects.count() == 5
    assert batch.letters_rendered == 5
    assert batch.letters_failed == 0


def test_a_letter_that_keeps_killing_its_worker_is_set_aside(incident, manager):
    recipients(incident, 2)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Poison", Selection())
    Letter.objects.filter(batch=batch, sequence=2).update(attempts=Letter.MAX_ATTEMPTS)
    run_now(batch.pk, batch.render_round)
    letter = Letter.objects.get(batch=batch, sequence=2)
    assert letter.status == LetterStatus.FAILED
    assert "stopped its worker 3 times" in letter.reason
    assert LetterBatch.objects.get(pk=batch.pk).status == BatchStatus.BLOCKED


def test_the_mail_file_has_one_neutralised_row_per_piece(incident, manager):
    recipients(
        incident, 1, name="=HYPERLINK(1)", address_line1="+1 Formula Way Apt 12", city="-Dash", postal_code="65801-1234"
    )
    recipients(
        incident, 1, name="A very long recipient name that will not fit on one window line", address_line1="@home"
    )
    batch = rendered_batch(incident, manager)
    with default_storage.open(batch.manifest.name) as f:
        rows = list(csv.DictReader(io.TextIOWrapper(f, encoding="utf-8")))
    assert list(rows[0]) == list(manifest.HEADER)
    first = next(r for r in rows if r["zip4"])
    assert first["name_line_1"] == "'=HYPERLINK(1)"
    assert first["address_line_1"] == "'+1 Formula Way"
    assert first["address_line_2"] == "Apt 12"
    assert first["city"] == "'-Dash"
    assert (first["zip"], first["zip4"]) == ("65801", "1234")
    other = next(r for r in rows if not r["zip4"])
    assert other["address_line_1"] == "'@home"
    assert other["name_line_2"]
    assert all(len(other[k]) <= 40 for k in ("name_line_1", "name_line_2"))
    assert {r["variant"] for r in rows} == {"Standard letter (English)"}
    assert sorted(int(r["sequence"]) for r in rows) == [1, 2]
    assert all(r["page_count"] and r["part"] == "1" and r["first_page_in_part"] for r in rows)


def test_a_parts_mail_file_rows_are_read_in_one_query_and_name_whom_the_window_does(incident, manager):
    """However many letters a part holds, its rows come from one statement with what they show: the person's
    name for an unnamed guardian, in the letter's language, and the addressee's own name otherwise."""
    unnamed = [r.individual for r in recipients(incident, 4, name="Parent or Guardian of Kid")]
    unnamed[-1].language = Language.SPANISH
    unnamed[-1].save()
    recipients(incident, 2, name="Grace Okafor")
    batch = rendered_batch(incident, manager)
    with CaptureQueriesContext(connection) as captured:
        written = manifest.write_rows(batch, 1, 1, 6)
    assert len(captured.captured_queries) == 1, [q["sql"] for q in captured.captured_queries]
    with default_storage.open(written.name) as f:
        rows = list(csv.reader(io.TextIOWrapper(f, encoding="utf-8")))
    assert (
        sorted(" ".join(filter(None, row[2:4])) for row in rows)
        == sorted(  # a long name wraps to a second line
            [
                "Grace Okafor",
                "Grace Okafor",
                *(f"Parent or Guardian of {person.first_name} {person.last_name}" for person in unnamed[:-1]),
                f"Padre, madre o tutor de {unnamed[-1].first_name} {unnamed[-1].last_name}",
            ]
        )
    )
    assert [row[0] for row in rows] == [f"{n:06d}" for n in range(1, 7)]
    assert len({row[11] for row in rows}) == 2  # the English and the Spanish letter
    assert all(row[12] and row[13] and row[14] for row in rows)  # page count, part, first page in it


def _approved(incident, manager):
    batch = rendered_batch(incident, manager)
    approver = UserFactory.create(username="second-mail-admin")
    member(approver, incident, Role.MAIL_ADMIN)
    approve(approver, batch)
    return batch


def test_the_creator_cannot_approve_and_another_mail_admin_can(incident, mail_admin):
    recipients(incident, 1)
    batch = rendered_batch(incident, mail_admin)
    with pytest.raises(ActionRefused, match="Another mail administrator"):
        actions.approve_batch(mail_admin, batch)
    other = UserFactory.create(username="approver")
    with pytest.raises(ActionRefused, match="Open the proof and look at its letters before approving"):
        actions.approve_batch(other, batch)
    approve(other, batch)
    assert LetterBatch.objects.get(pk=batch.pk).status == BatchStatus.APPROVED


def test_marking_mailed_stamps_every_letter(incident, manager, mail_admin):
    recipients(incident, 3)
    batch = _approved(incident, manager)
    actions.record_export(mail_admin, batch, via="browser")
    assert actions.mark_mailed(mail_admin, batch, date(2026, 11, 2)) == 3
    assert set(Letter.objects.filter(batch=batch).values_list("mailed_on", flat=True)) == {date(2026, 11, 2)}


def test_returned_mail_then_corrected_address_goes_into_a_remail_batch(incident, manager, mail_admin):
    people = recipients(incident, 3)
    batch = _approved(incident, manager)
    actions.record_export(mail_admin, batch, via="browser")
    actions.mark_mailed(mail_admin, batch, date(2026, 11, 2))
    returned = people[0]
    piece = actions.ReturnedPiece("Line 1", returned.reference_code, "moved_no_address")
    wrong = actions.ReturnedPiece("Line 2", "ZZZZZZZZZZZZ", "vacant")
    with pytest.raises(ActionRefused, match="Line 2: no mailed letter"):
        actions.record_returns(mail_admin, incident, [piece, wrong], date(2026, 11, 9))
    assert not Letter.objects.filter(returned_on__isnull=False).exists()  # all or nothing

    assert actions.record_returns(mail_admin, incident, [piece], date(2026, 11, 9)) == 1
    returned.refresh_from_db()
    assert returned.address_returned_on == date(2026, 11, 9)
    assert LetterBatch.objects.get(pk=batch.pk).returned_count == 1
    with pytest.raises(ActionRefused, match="No recipient matches"):
        actions.create_batch(manager, incident, "Re-mail", Selection(remail=True))  # not corrected yet

    returned.address_line1, returned.address_returned_on = "9 New Street", None
    returned.save()
    remail = actions.create_batch(manager, incident, "Re-mail", Selection(remail=True))
    assert remail.is_remail
    assert list(remail.letters.values_list("recipient", flat=True)) == [returned.pk]


def test_a_code_given_twice_is_refused_rather_than_counted_twice(incident, manager, mail_admin):
    returned = recipients(incident, 1)[0]
    batch = _approved(incident, manager)
    actions.record_export(mail_admin, batch, via="browser")
    actions.mark_mailed(mail_admin, batch, date(2026, 11, 2))
    twice = [actions.ReturnedPiece(f"Line {n}", returned.reference_code, "vacant") for n in (1, 2)]
    with pytest.raises(ActionRefused, match="Line 2: the same letter as line 1"):
        actions.record_returns(mail_admin, incident, twice, date(2026, 11, 9))
    assert LetterBatch.objects.get(pk=batch.pk).returned_count == 0


def test_the_sweep_sends_again_an_assembly_whose_worker_died(
    incident, manager, django_capture_on_commit_callbacks, monkeypatch
):
    recipients(incident, 5)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Assembly lost", Selection())
    maker = LetterMaker(incident)
    for first, last in jobs.chunk_ranges(5, 3):  # every letter rendered; the assembly claimed, then lost
        jobs.render_chunk(batch.pk, batch.render_round, first, last, maker=maker, assemble_with=lambda *a: None)
    LetterBatch.objects.filter(pk=batch.pk).update(parts=[None, {"name": "x"}])  # part 1 never written
    assert jobs.sweep() == []
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Letter.objects.filter(batch=batch).update(claimed_at=an_hour_ago)
    LetterBatch.objects.filter(pk=batch.pk).update(render_started_at=an_hour_ago, assembly_beat_at=an_hour_ago)
    sent_again = []
    monkeypatch.setattr(jobs.tasks, "enqueue_assembly", lambda *args: sent_again.append(args))
    assert jobs.sweep() == []
    assert sent_again == [(batch.pk, batch.render_round)]  # the assembly, again
    jobs.sweep()
    assert len(sent_again) == 1  # its next step has a whole silence to start
    with django_capture_on_commit_callbacks() as sent:
        jobs.assemble(batch.pk, batch.render_round)
    assert len(sent) == 1  # part 1 only: part 2 is written
    jobs.assemble_part(batch.pk, batch.render_round, 1, finish_with=lambda *a: None)
    assert LetterBatch.objects.get(pk=batch.pk).parts[0]["letters"] == 4


def _render_in_chunks(batch, maker, parts_sent, assembled, ranges=None):
    for first, last in ranges or jobs.chunk_ranges(batch.letters_total, 3):
        jobs.render_chunk(
            batch.pk, batch.render_round, first, last, maker=maker,
            assemble_with=partial(_assemble_inline, assembled), part_with=partial(_write_part, parts_sent),
        )  # fmt: skip


def _assemble_inline(assembled: list[int], batch_id: int, render_round: int) -> None:
    assembled.append(batch_id)
    jobs.assemble(batch_id, render_round, inline=True)


def _write_part(parts_sent: list[int], batch_id: int, render_round: int, number: int) -> None:
    parts_sent.append(number)
    jobs.assemble_part(batch_id, render_round, number, finish_with=jobs.finish)


def _counting_writes(monkeypatch):
    written = []
    write_part = jobs.parts.write_part

    def counted(batch, number, size):
        written.append(number)
        return write_part(batch, number, size)

    monkeypatch.setattr(jobs.parts, "write_part", counted)
    return written


def test_a_print_part_is_written_as_soon_as_its_letters_are_rendered(incident, manager, monkeypatch):
    """Parts of 4 letters, chunks of 3: part 1 is whole once letters 1 to 6 are rendered, part 2 once 7 to 9 are,
    each while letters are still pending; the last chunk's assembly writes only part 3, and the finish."""
    written = _counting_writes(monkeypatch)
    recipients(incident, 10)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, "Streamed", Selection())
    maker, parts_sent, assembled = LetterMaker(incident), list[int](), list[int]()
    _render_in_chunks(batch, maker, parts_sent, assembled, [(1, 3), (4, 6)])
    batch.refresh_from_db()
    assert parts_sent == [1]
    assert batch.parts[0]["letters"] == 4
    assert batch.parts[1:] == [None, None]
    assert batch.status == BatchStatus.RENDERING
    assert not assembled
    assert list(Letter.objects.filter(batch=batch, part_number=1).values_list("sequence", flat=True)) == [1, 2, 3, 4]

    _render_in_chunks(batch, maker, parts_sent, assembled, [(7, 9), (10, 10)])
    batch.refresh_from_db()
    assert parts_sent == [1, 2]  # part 3 was written by the assembly, after the last chunk
    assert assembled == [batch.pk]
    assert batch.status == BatchStatus.RENDERED
    assert [part["letters"] for part in batch.parts] == [4, 4, 2]
    assert written == [1, 2, 3]  # each part once
    assert all(default_storage.exists(part["name"]) for part in batch.parts)
    assert not Letter.objects.filter(batch=batch).exclude(chunk="").exists()  # the chunk files are let go
    placed = Letter.objects.filter(batch=batch).order_by("sequence").values_list("part_number", "part_first_page")
    pages = [0, *Letter.objects.filter(batch=batch).order_by("sequence").values_list("page_count", flat=True)]
    firsts = [1 + sum(pages[1 + n - n % 4 : 1 + n]) for n in range(10)]  # pages before it within its part
    assert list(placed) == [(n // 4 + 1, firsts[n]) for n in range(10)]
    with default_storage.open(batch.manifest.name) as f:  # the parts' rows, joined under one header
        rows = list(csv.reader(io.TextIOWrapper(f, encoding="utf-8")))
    assert rows[0] == list(manifest.HEADER)
    expected = [(f"{n + 1:06d}", str(n // 4 + 1), str(firsts[n])) for n in range(10)]
    assert [(r[0], r[-2], r[-1]) for r in rows[1:]] == expected
    assert not [part["rows"] for part in batch.parts if default_storage.exists(part["rows"])]  # let go once joined


def _rendered_sending_nothing(incident, manager, count):
    """A batch of `count` letters rendered in chunks of 3, its parts and assembly left unsent."""
    recipients(incident, count)
    actions.install_default_templates(manager, incident)
    batch = actions.create_batch(manager, incident, f"{count} letters", Selection())
    maker = LetterMaker(incident)
    for first, last in jobs.chunk_ranges(count, 3):
        jobs.render_chunk(batch.pk, batch.render_round, first, last, maker=maker, assemble_with=lambda *a: None,
                          part_with=lambda *a: None)  # fmt: skip
    return batch


def test_a_part_written_twice_is_recorded_once(incident, manager, monkeypatch):
    written = _counting_writes(monkeypatch)
    batch = _rendered_sending_nothing(incident, manager, 6)
    for _ in range(2):  # two chunks saw part 1 whole at once
        jobs.assemble_part(batch.pk, batch.render_round, 1)
    batch.refresh_from_db()
    assert batch.parts[0]["letters"] == 4
    assert batch.parts[1] is None
    assert written == [1]  # the second run found it recorded and wrote nothing


def test_a_part_another_run_is_writing_is_left_to_it_until_that_run_falls_silent(incident, manager, monkeypatch):
    written = _counting_writes(monkeypatch)
    batch = _rendered_sending_nothing(incident, manager, 6)
    silence = timedelta(seconds=settings.CLAIM_SILENCE_SECONDS)
    writing = {"1": (timezone.now() - silence + timedelta(seconds=5)).isoformat()}  # its writer is alive
    LetterBatch.objects.filter(pk=batch.pk).update(parts_writing=writing)
    jobs.assemble_part(batch.pk, batch.render_round, 1)  # sent again by the assembly
    assert written == []
    assert LetterBatch.objects.get(pk=batch.pk).parts in ([], [None, None])

    writing = {"1": (timezone.now() - silence - timedelta(seconds=1)).isoformat()}  # its worker died
    LetterBatch.objects.filter(pk=batch.pk).update(parts_writing=writing)
    jobs.assemble_part(batch.pk, batch.render_round, 1)
    jobs.assemble_part(batch.pk, batch.render_round, 2)
    assert written == [1, 2]
    batch.refresh_from_db()
    assert [part["letters"] for part in batch.parts] == [4, 2]
    assert set(batch.parts_writing) == {"1", "2"}
    jobs.finish(batch.pk, batch.render_round)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert batch.parts_writing == {}  # the round's marks go with it

    LetterBatch.objects.filter(pk=batch.pk).update(parts_writing={"1": timezone.now().isoformat()})
    actions.rerender_batch(manager, batch)  # a fresh round starts with no part being written
    batch.refresh_from_db()
    assert batch.parts_writing == {}
    maker = LetterMaker(incident)
    for first, last in jobs.chunk_ranges(6, 3):
        jobs.render_chunk(batch.pk, batch.render_round, first, last, maker=maker, assemble_with=lambda *a: None,
                          part_with=lambda *a: None)  # fmt: skip
    jobs.assemble_part(batch.pk, batch.render_round, 1)
    assert written == [1, 2, 1]


def test_a_part_whose_writer_died_is_written_once_the_sweep_sends_the_assembly_again(incident, manager, monkeypatch):
    written = _counting_writes(monkeypatch)
    batch = _rendered_sending_nothing(incident, manager, 6)  # every letter rendered; the assembly claimed
    an_hour_ago = timezone.now() - timedelta(hours=1)
    LetterBatch.objects.filter(pk=batch.pk).update(  # part 1's writer died an hour ago, and the assembly with it
        parts_writing={"1": an_hour_ago.isoformat()}, assembly_beat_at=an_hour_ago, render_started_at=an_hour_ago
    )
    Letter.objects.filter(batch=batch).update(claimed_at=an_hour_ago)
    sent_again = []
    monkeypatch.setattr(jobs.tasks, "enqueue_assembly", lambda *args: sent_again.append(args))
    assert jobs.sweep() == []
    assert sent_again == [(batch.pk, batch.render_round)]
    jobs.assemble(batch.pk, batch.render_round, inline=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert written == [1, 2]
    assert AuditEvent.objects.filter(action="letter_batch.rendered", target_id=str(batch.pk)).count() == 1


@pytest.mark.parametrize(
    ("total", "chunk", "part"),
    [(10_000, 100, 2000), (10_500, 100, 2000), (2_000, 100, 2000), (3_900, 100, 2000), (25, 3, 4), (5_000, 300, 2000)],
)
def test_the_last_two_parts_chunks_are_sent_in_turn_so_that_both_parts_are_whole_only_at_the_end(total, chunk, part):
    order = jobs.sending_order(total, chunk, part)
    in_sequence = jobs.chunk_ranges(total, chunk)
    assert sorted(order) == in_sequence  # every chunk, once
    completes = [(last - 1) // part + 1 for _, last in order]  # the part each chunk's last letter is in
    parts = -(-total // part)
    if parts == 1:
        assert order == in_sequence
        return
    assert set(completes[-2:]) == {parts - 1, parts}  # the last two chunks complete the last two parts
    earlier = [c for c in completes if c < parts - 1]
    assert order[: len(earlier)] == in_sequence[: len(earlier)]  # the parts before them, in sequence


def test_a_batch_of_five_parts_sends_the_chunks_of_parts_four_and_five_in_turn():
    order = jobs.sending_order(10_000, 100, 2000)
    assert order[:60] == jobs.chunk_ranges(6_000, 100)
    assert order[60:64] == [(6001, 6100), (8001, 8100), (6101, 6200), (8101, 8200)]
    assert order[-2:] == [(7901, 8000), (9901, 10000)]
    short_last = jobs.sending_order(10_500, 100, 2000)  # part 6 holds 500 letters: its 5 chunks end the batch
    assert short_last[-10:] == [
        (9501, 9600), (10001, 10100), (9601, 9700), (10101, 10200), (9701, 9800),
        (10201, 10300), (9801, 9900), (10301, 10400), (9901, 10000), (10401, 10500),
    ]  # fmt: skip


def test_every_part_written_while_rendering_leaves_the_assembly_only_the_finish(incident, manager):
    batch = _rendered_sending_nothing(incident, manager, 8)
    claim = LetterBatch.objects.get(pk=batch.pk).assembly_claim
    LetterBatch.objects.filter(pk=batch.pk).update(assembly_claim="")  # as before the last chunk's claim
    for number in (1, 2):  # both parts written before the assembly was claimed: neither finishes the batch
        jobs.assemble_part(batch.pk, batch.render_round, number, finish_with=jobs.finish)
    assert LetterBatch.objects.get(pk=batch.pk).status == BatchStatus.RENDERING
    LetterBatch.objects.filter(pk=batch.pk).update(assembly_claim=claim)
    jobs.assemble(batch.pk, batch.render_round, inline=True)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RENDERED
    assert [part["letters"] for part in batch.parts] == [4, 4]
    assert batch.manifest


def test_a_part_with_a_failed_letter_is_not_written_and_the_batch_blocks(
    incident, manager, django_capture_on_commit_callbacks
):
    missouri_and_broken_kansas(incident, manager, 4, 4)
    batch = actions.create_batch(manager, incident, "Blocked", Selection())
    kansas = set(Letter.objects.filter(batch=batch, recipient__state="KS").values_list("sequence", flat=True))
    maker, parts_sent, assembled = LetterMaker(incident), list[int](), list[int]()
    _render_in_chunks(batch, maker, parts_sent, assembled)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.BLOCKED
    whole = [n for n in (1, 2) if not kansas & set(range(4 * n - 3, 4 * n + 1))]
    assert [n for n, part in enumerate(batch.parts, start=1) if part] == [n for n in whole if n in parts_sent]
    early = [StoredFile.from_json(part).name for part in batch.parts if part]
    assert early  # the Missouri letters' part
    with django_capture_on_commit_callbacks(execute=True):
        actions.rerender_batch(manager, batch)  # after a fix: the parts written early go with the round
    assert LetterBatch.objects.get(pk=batch.pk).parts == []
    assert not [name for name in early if default_storage.exists(name)]
