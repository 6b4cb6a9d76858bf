from datetime import timedelta

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit import api as audit
from audit.views.audit_log import PAGE_SIZE


def _record(n, incident_id, actor=None, action="incident.updated"):
    with transaction.atomic():
        for _ in range(n):
            audit.record(action, actor=actor, incident_id=incident_id, details={"fields": ["title"]})


def test_auditor_sees_only_events_of_incidents_they_audit(client, auditor, incident, outsider):
    _record(2, incident.pk)
    other_id = outsider.memberships.first().incident_id
    _record(3, other_id)
    client.force_login(auditor)
    rows = client.get(reverse("audit:audit-log")).context["rows"]
    assert {event.incident_id for event, _, _ in rows} == {incident.pk}
    client.force_login(outsider)
    rows = client.get(reverse("audit:audit-log")).context["rows"]
    assert {event.incident_id for event, _, _ in rows} == {other_id}


def test_filters_by_actor_action_and_dates(client, auditor, manager, incident):
    _record(2, incident.pk, actor=manager)
    _record(1, incident.pk, action="incident.status_changed")
    client.force_login(auditor)
    url = reverse("audit:audit-log")
    rows = client.get(url, {"actor": manager.username}).context["rows"]
    assert len(rows) == 2
    rows = client.get(url, {"action": "incident.status_changed"}).context["rows"]
    assert [label for _, label, _ in rows] == ["Incident status changed"]
    today = timezone.localdate()
    assert len(client.get(url, {"start": today.isoformat()}).context["rows"]) >= 3
    assert client.get(url, {"end": (today - timedelta(days=1)).isoformat()}).context["rows"] == []


def test_reversed_date_range_is_explained(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:audit-log"), {"start": "2026-05-02", "end": "2026-05-01"})
    assert "The end date is before the start date." in response.context["form"].errors["end"]


def test_pages_by_keyset_without_counting(client, auditor, incident):
    _record(PAGE_SIZE + 5, incident.pk)
    client.force_login(auditor)
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("audit:audit-log"))
    assert len(queries) <= 8  # session, user, roles x2, page, titles, latest check, navigation
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(first.context["rows"]) == PAGE_SIZE
    second = client.get(reverse("audit:audit-log") + "?" + first.context["next_query"])
    assert len(second.context["rows"]) == 5
    assert second.context["next_query"] == ""
    first_ids = {e.pk for e, _, _ in first.context["rows"]}
    assert first_ids.isdisjoint({e.pk for e, _, _ in second.context["rows"]})


def test_details_read_as_text(client, auditor, incident):
    with transaction.atomic():
        audit.record(
            "incident.updated", actor=None, incident_id=incident.pk, details={"fields": ["title", "notice_on"]}
        )
    client.force_login(auditor)
    content = client.get(reverse("audit:audit-log")).content.decode()
    assert "fields: title, notice_on" in content


def test_audit_log_link_is_offered_to_auditors_only(client, auditor, agent):
    client.force_login(agent)
    assert b'href="/audit/"' not in client.get(reverse("incidents:incident-list")).content
    client.force_login(auditor)
    assert b'href="/audit/"' in client.get(reverse("incidents:incident-list")).content


def test_far_dates_are_refused_with_a_message_not_an_error(client, auditor):
    client.force_login(auditor)
    response = client.get(reverse("audit:audit-log"), {"end": "9999-12-31", "start": "0001-01-01"})
    assert response.status_code == 200
    assert "Choose a date between 2000 and 2099." in response.context["form"].errors["end"]
    assert b"Correct the filters above to see events." in response.content


def test_auditors_are_offered_only_actions_they_can_see(client, auditor, db):
    client.force_login(auditor)
    offered = dict(client.get(reverse("audit:audit-log")).context["form"].fields["action"].choices)
    assert "incident.created" in offered
    assert "auth.login" not in offered


def test_codes_read_in_words(client, auditor, manager, incident):
    from incidents.models import Membership

    target = Membership.objects.get(user=manager, incident=incident)
    with transaction.atomic():
        audit.record(
            "membership.added",
            actor=manager,
            incident_id=incident.pk,
            target=target,
            details={"role": "mail_admin", "user_id": 5},
        )
    client.force_login(auditor)
    content = client.get(reverse("audit:audit-log")).content.decode()
    assert f"Role #{target.pk}" in content
    assert "role: Mail administrator" in content
