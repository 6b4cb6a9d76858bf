"""The trail's head leaves the portal: beat appends it to AUDIT_HEAD_LOG and e-mails it to every auditor
and to AUDIT_HEAD_RECIPIENTS; `verify_audit --anchors-from` checks a trail against every head so recorded."""

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from audit import api as audit
from audit.chain import GENESIS, compute_hash
from audit.models import AuditEvent
from audit.tasks import publish_audit_head
from incidents.models import Role
from portal.testing import IncidentFactory, UserFactory, lifted_audit_triggers, member


@pytest.fixture
def head_log(settings, tmp_path, transactional_db):
    cache.clear()
    settings.AUDIT_HEAD_LOG = str(tmp_path / "worm" / "audit-heads.log")
    settings.AUDIT_HEAD_RECIPIENTS = ["records-officer@district.example"]
    return tmp_path / "worm" / "audit-heads.log"


def _events(n: int) -> list[AuditEvent]:
    with transaction.atomic():
        return [audit.record("incident.updated", actor=None, incident_id=1, details={"fields": ["title"]})
                for _ in range(n)]  # fmt: skip


def _rewrite_first_event() -> None:
    """Edit the oldest event and re-hash every one after it, as someone with the database could: the chain
    alone still verifies."""
    previous = GENESIS
    with lifted_audit_triggers():
        for index, event in enumerate(AuditEvent.objects.order_by("id")):
            event.prev_hash = previous
            if index == 0:
                event.actor_label = "someone-else"
            event.hash = compute_hash(event)
            AuditEvent.objects.filter(pk=event.pk).update(
                actor_label=event.actor_label, prev_hash=event.prev_hash, hash=event.hash
            )
            previous = event.hash


def test_the_head_is_appended_to_the_log_and_mailed_to_each_auditor(head_log):
    incident = IncidentFactory.create(slug="heads", title="Heads incident")
    member(UserFactory.create(username="aud", email="auditor@district.example"), incident, Role.AUDITOR)
    member(UserFactory.create(username="gone", email="gone@district.example", is_active=False), incident, Role.AUDITOR)
    member(UserFactory.create(username="mgr", email="manager@district.example"), incident, Role.MANAGER)
    events = _events(3)

    assert publish_audit_head() == events[-1].pk
    anchor = f"{events[-1].pk}:{events[-1].hash}"
    lines = head_log.read_text().splitlines()
    assert len(lines) == 1
    assert lines[0].endswith(f" {anchor}")
    assert sorted(message.to[0] for message in mail.outbox) == [
        "auditor@district.example",
        "records-officer@district.example",
    ]
    assert all(len(message.to) == 1 and anchor in message.body for message in mail.outbox)

    assert publish_audit_head() is None  # nothing new: nothing sent again
    assert len(head_log.read_text().splitlines()) == 1
    assert len(mail.outbox) == 2
    newer = _events(1)[0]
    assert publish_audit_head() == newer.pk
    assert head_log.read_text().splitlines()[0].endswith(f" {anchor}")  # appended, never overwritten
    assert head_log.read_text().splitlines()[1].endswith(f" {newer.pk}:{newer.hash}")


def test_beat_sends_the_head_hourly_by_default():
    entry = django_settings.CELERY_BEAT_SCHEDULE["publish-audit-head"]
    assert (entry["task"], entry["schedule"]) == ("audit.tasks.publish_audit_head", 3600)


def test_anchors_from_the_log_pass_an_intact_trail(head_log, capsys):
    _events(2)
    publish_audit_head()
    _events(2)
    publish_audit_head()
    call_command("verify_audit", "--anchors-from", str(head_log))
    assert "Recorded heads matched: 2." in capsys.readouterr().out


def test_anchors_from_catch_a_trail_rewritten_before_a_recorded_head(head_log):
    _events(2)
    publish_audit_head()
    _events(2)
    publish_audit_head()
    _rewrite_first_event()
    call_command("verify_audit")  # the chain alone cannot tell
    with pytest.raises(CommandError, match="has a different hash: the trail was rewritten"):
        call_command("verify_audit", "--anchors-from", str(head_log))


def test_anchors_from_catch_events_cut_back_past_a_recorded_head(head_log):
    events = _events(3)
    publish_audit_head()
    with lifted_audit_triggers():
        AuditEvent.objects.filter(pk=events[-1].pk).delete()
    call_command("verify_audit")
    with pytest.raises(CommandError, match=f"Anchor event #{events[-1].pk} is missing"):
        call_command("verify_audit", "--anchors-from", str(head_log))


def test_events_appended_after_the_last_head_are_not_caught(head_log):
    """What this cannot do (SECURITY.md): an event forged with the app's own credentials after the last
    head sent out links like a real one, until the next head is sent and others hold it."""
    _events(2)
    publish_audit_head()
    _events(1)  # stands for a forged event written through the application's role
    call_command("verify_audit", "--anchors-from", str(head_log))


def test_a_file_without_heads_is_refused(tmp_path, transactional_db):
    empty = tmp_path / "notes.txt"
    empty.write_text("nothing recorded here\n")
    with pytest.raises(CommandError, match="no ID:HASH line"):
        call_command("verify_audit", "--anchors-from", str(empty))
    with pytest.raises(CommandError, match="cannot read it"):
        call_command("verify_audit", "--anchors-from", str(tmp_path / "missing.log"))
