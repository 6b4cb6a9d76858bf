"""Marking a batch mailed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from notifications.models import BatchStatus, Letter
from notifications.tests.screens import _batch, _shown, _url


def test_mail_admin_marks_the_batch_mailed(client, mail_admin, incident, exported):
    yesterday = timezone.localdate() - timedelta(days=1)
    client.force_login(mail_admin)
    response = client.post(_url("batch-mailed", incident, exported.pk), {"mailed_on": f"{yesterday:%m/%d/%Y}"})
    assert response.status_code == 302
    exported.refresh_from_db()
    assert (exported.status, exported.mailed_on) == (BatchStatus.MAILED, yesterday)
    assert list(Letter.objects.filter(batch=exported).values_list("mailed_on", flat=True)) == [yesterday] * 3
    event = AuditEvent.objects.get(action="letter_batch.mailed")
    assert event.details == {"mailed_on": yesterday.isoformat(), "letters": 3}
    assert f"stamped mailed on {yesterday:%m/%d/%Y}" in _shown(client.get(response.url))


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("tomorrow", "The mail date cannot be in the future."),
        ("next tuesday", "Give the mail date as MM/DD/YYYY or YYYY-MM-DD."),
        ("", "Give the mail date as MM/DD/YYYY or YYYY-MM-DD."),
    ],
)
def test_a_bad_mail_date_is_refused_with_a_message(client, mail_admin, incident, typed, message):
    exported = _batch(incident, BatchStatus.EXPORTED, 2)
    if typed == "tomorrow":
        typed = (timezone.localdate() + timedelta(days=1)).isoformat()
    client.force_login(mail_admin)
    response = client.post(_url("batch-mailed", incident, exported.pk), {"mailed_on": typed}, follow=True)
    assert message in _shown(response)
    exported.refresh_from_db()
    assert (exported.status, exported.mailed_on) == (BatchStatus.EXPORTED, None)
    assert not Letter.objects.filter(mailed_on__isnull=False).exists()


def test_a_batch_not_exported_is_not_marked_mailed(client, mail_admin, incident):
    approved = _batch(incident, BatchStatus.APPROVED, 2)
    client.force_login(mail_admin)
    today = timezone.localdate().isoformat()
    response = client.post(_url("batch-mailed", incident, approved.pk), {"mailed_on": today}, follow=True)
    assert "Only an exported batch can be marked mailed." in _shown(response)
    assert not Letter.objects.filter(mailed_on__isnull=False).exists()


@pytest.mark.parametrize(("actor", "status"), [("outsider", 404), ("manager", 403), ("agent", 403)])
def test_only_mail_admins_mark_mailed(client, people, incident, actor, status):
    batch = _batch(incident, BatchStatus.EXPORTED)
    client.force_login(people[actor])
    today = timezone.localdate().isoformat()
    assert client.post(_url("batch-mailed", incident, batch.pk), {"mailed_on": today}).status_code == status
    batch.refresh_from_db()
    assert (batch.status, batch.mailed_on) == (BatchStatus.EXPORTED, None)
