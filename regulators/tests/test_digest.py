"""The daily digest of obligations: overdue and due-soon ones go to the incident's managers, once a day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incidents.models import DataType, Incident, Role
from people import figures as people_figures
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory, UserFactory, member
from regulators.digest import send_digests
from regulators.models import Obligation
from regulators.tasks import send_obligation_digests


def _today():
    return timezone.localdate()


@pytest.fixture
def due(incident, people):
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.NOTIFYING)
    people[Role.MANAGER].email = "manager@example.org"
    people[Role.MANAGER].save()
    people[Role.AGENT].email = "agent@example.org"
    people[Role.AGENT].save()
    member(UserFactory.create(username="second-manager", email=""), incident, Role.MANAGER)  # no address: skipped
    Obligation.objects.create(incident=incident, party="Cyber insurer", notice="Notice of claim",
                              due_on=_today() - timedelta(days=2), citation="Policy 4.2")  # fmt: skip
    Obligation.objects.create(incident=incident, party="Missouri State Auditor", notice="School data breach report",
                              due_on=_today() + timedelta(days=5))  # fmt: skip
    return incident


def test_managers_are_told_what_is_overdue_and_due_soon_once_a_day(due):
    assert send_digests(_today()) == 1
    [message] = mail.outbox
    assert message.to == ["manager@example.org"]
    assert message.subject == f"{due.title}: 1 overdue, 1 due soon (obligations)"
    assert "Cyber insurer: Notice of claim, due" in message.body
    assert "(Policy 4.2)" in message.body
    assert "Missouri State Auditor" in message.body
    assert f"/incidents/{due.slug}/obligations/" in message.body
    assert send_digests(_today()) == 0  # a second run the same day sends nothing
    assert send_digests(_today() + timedelta(days=1)) == 1


def test_nothing_due_sends_nothing_and_a_closed_incident_is_left_alone(due, incident):
    quiet = IncidentFactory.create(status=Incident.Status.NOTIFYING)
    Obligation.objects.create(incident=quiet, party="Insurer", notice="Claim", due_on=_today() + timedelta(days=60))
    Incident.objects.filter(pk=due.pk).update(status=Incident.Status.CLOSED)
    assert send_digests(_today()) == 0
    assert mail.outbox == []


def test_a_failed_send_releases_the_day_for_a_retry_and_the_others_still_go(due, monkeypatch):
    other = IncidentFactory.create(status=Incident.Status.NOTIFYING)
    Obligation.objects.create(incident=other, party="Insurer", notice="Claim", due_on=_today())
    member(UserFactory.create(username="other-manager", email="other@example.org"), other, Role.MANAGER)

    def refuse_first(*args, **kwargs):
        connection = original(*args, **kwargs)
        if not calls:
            calls.append(1)
            connection.send_messages = lambda messages: (_ for _ in ()).throw(ConnectionError("mail server down"))
        return connection

    import regulators.digest as digest_module

    original, calls = digest_module.get_connection, []
    monkeypatch.setattr(digest_module, "get_connection", refuse_first)
    with pytest.raises(digest_module.DigestsFailed):
        send_digests(_today())
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    due.refresh_from_db()
    assert due.obligation_digest_on is None  # released: the retry sends it
    assert send_digests(_today()) == 1
    assert mail.outbox[-1].to == ["manager@example.org"]


def test_the_beat_task_sends_the_digest_through_a_worker(transactional_db, celery_worker_process, incident, people):
    Incident.objects.filter(pk=incident.pk).update(status=Incident.Status.NOTIFYING)
    people[Role.MANAGER].email = "manager@example.org"
    people[Role.MANAGER].save()
    Obligation.objects.create(incident=incident, party="Cyber insurer", notice="Claim", due_on=_today())
    outbox = celery_worker_process.outbox

    def written() -> list[str]:
        files = outbox.iterdir() if outbox.exists() else []
        return [text for text in (f.read_text() for f in files) if "To: manager@example.org" in text]

    send_obligation_digests.delay()
    celery_worker_process.wait_until(lambda: bool(written()))
    assert "Cyber insurer: Claim" in written()[0]
    incident.refresh_from_db()
    assert incident.obligation_digest_on == _today()


def test_the_target_date_brings_undated_notices_in_and_orders_by_the_nearer_date(due, sample_table):
    RecipientFactory.create(individual=IndividualFactory.create(incident=due), state="MO")
    due.data_types.set(DataType.objects.filter(key__in=["ssn"]))
    target = _today() + timedelta(days=3)
    Incident.objects.filter(pk=due.pk).update(target_on=target)
    people_figures.count_now(due)
    assert send_digests(_today()) == 1
    body = mail.outbox[0].body
    residents = "Affected Missouri residents: Notice of the breach to each person affected"
    assert f"{residents}, no fixed date in law, target {target:%B} {target.day}, {target.year}" in body
    assert body.index(residents) < body.index("Missouri State Auditor: School data breach report, due by law")
