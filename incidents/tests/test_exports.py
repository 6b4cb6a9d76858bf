"""Export control: a reason for every file of personal data, a second person's approval above
EXPORT_APPROVAL_ROWS, a link that works once for the person who asked and expires, each step audited."""

import time

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import Export
from portal.testing import IndividualFactory, PortalClient, UserFactory, export, expose, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def ferpa_ready(incident):
    incident.ferpa_party, incident.ferpa_description = "A personal mailbox", "Student files sent without authority."
    incident.save()
    for n in range(3):
        expose(IndividualFactory.create(incident=incident, external_id=f"MO-{n}"), "education_records")
    return incident


def _second_manager(incident):
    from incidents.models import Role

    other = UserFactory.create(username="second-manager")
    member(other, incident, Role.MANAGER)
    client = PortalClient()
    client.force_login(other)
    return client


def test_a_reason_is_required(client, manager, ferpa_ready):
    client.force_login(manager)
    asked, file = export(client, ferpa_ready, "ferpa", reason="  ")
    assert file is None
    assert "Say why this file is needed" in client.get(asked.url).content.decode()
    assert not Export.objects.exists()


def test_the_link_works_once(client, manager, ferpa_ready):
    client.force_login(manager)
    asked, first = export(client, ferpa_ready, "ferpa", reason="For the students' files")
    assert first.status_code == 200
    b"".join(first.streaming_content)
    again = client.get(asked.url + "file/")
    assert again.status_code == 410
    assert "each link works once" in again.content.decode()
    assert AuditEvent.objects.filter(action="export.downloaded").count() == 1


def test_the_link_expires(client, manager, ferpa_ready, settings):
    client.force_login(manager)
    with time_machine.travel(time.time(), tick=False):
        asked = client.post(reverse("incidents:export-list", args=[ferpa_ready.slug]),
                            {"kind": "ferpa", "reason": "For the files"})  # fmt: skip
    with time_machine.travel(time.time() + settings.EXPORT_LINK_SECONDS + 60, tick=False):
        client.force_login(manager)  # a fresh session and code: only the link's own clock is tested
        late = client.get(asked.url + "file/")
    assert late.status_code == 410
    assert "expired" in late.content.decode()
    assert not AuditEvent.objects.filter(action="export.downloaded").exists()


def test_only_the_person_who_asked_uses_the_link(client, manager, ferpa_ready):
    client.force_login(manager)
    asked, _ = (client.post(reverse("incidents:export-list", args=[ferpa_ready.slug]),
                            {"kind": "ferpa", "reason": "For the files"}), None)  # fmt: skip
    assert _second_manager(ferpa_ready).get(asked.url + "file/").status_code == 403
    assert Export.objects.get().status == Export.Status.READY


def test_a_large_file_waits_for_a_second_persons_approval(client, manager, ferpa_ready, settings):
    settings.EXPORT_APPROVAL_ROWS = 2
    client.force_login(manager)
    asked, waiting = export(client, ferpa_ready, "ferpa", reason="For the students' files")
    made = Export.objects.get()
    assert (made.status, made.rows) == (Export.Status.AWAITING, 3)
    assert waiting.status_code == 410
    assert "still waiting for a second person's approval" in waiting.content.decode()
    decide = reverse("incidents:export-decide", args=[ferpa_ready.slug, made.public_id])
    assert client.post(decide, {"decision": "approve"}).status_code == 403  # not one's own
    second = _second_manager(ferpa_ready)
    listed = second.get(reverse("incidents:export-list", args=[ferpa_ready.slug])).content.decode()
    assert made.public_id in listed
    assert "For the students&#x27; files" in listed  # the reason, shown to the approver
    assert second.post(decide, {"decision": "approve"}).status_code == 302
    made.refresh_from_db()
    assert made.status == Export.Status.READY
    assert made.decided_by is not None
    assert made.decided_by.username == "second-manager"
    assert client.get(asked.url + "file/").status_code == 200
    events = AuditEvent.objects.filter(action__startswith="export.").order_by("id")
    actions = list(events.values_list("action", flat=True))
    assert actions == ["export.requested", "export.approved", "export.downloaded"]


def test_a_refused_export_is_never_made(client, manager, ferpa_ready, settings):
    settings.EXPORT_APPROVAL_ROWS = 2
    client.force_login(manager)
    asked, _ = export(client, ferpa_ready, "ferpa")
    made = Export.objects.get()
    second = _second_manager(ferpa_ready)
    second.post(reverse("incidents:export-decide", args=[ferpa_ready.slug, made.public_id]), {"decision": "refuse"})
    gone = client.get(asked.url + "file/")
    assert gone.status_code == 410
    assert "was refused" in gone.content.decode()


def test_the_audit_ties_the_export_to_its_person_without_personal_data(client, manager, ferpa_ready):
    client.force_login(manager)
    export(client, ferpa_ready, "ferpa", reason="For the files")
    made = Export.objects.get()
    for event in AuditEvent.objects.filter(action__startswith="export."):
        assert event.actor_id == manager.pk
        assert event.details["export"] == made.public_id
        assert "MO-0" not in str(event.details)


def test_a_file_that_grew_since_it_was_asked_for_is_asked_for_again(client, manager, ferpa_ready):
    client.force_login(manager)
    asked = client.post(reverse("incidents:export-list", args=[ferpa_ready.slug]), {"kind": "ferpa", "reason": "Files"})
    expose(IndividualFactory.create(incident=ferpa_ready, external_id="MO-9"), "education_records")
    response = client.get(asked.url + "file/", follow=True)
    assert "The file now holds 4 rows, not the 3 asked for: ask again." in response.content.decode()
    assert Export.objects.get().status == Export.Status.READY
