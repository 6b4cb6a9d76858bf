"""Marking a notice done takes what proves it: the date it was sent (not ahead, not before the breach was
discovered) and a reference or confirmation number, or the evidence itself. Anything less is refused with
a message naming the field, and nothing is stored."""

import html as entities
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import DataType
from people import figures as people_figures
from portal.lib.errors import ActionRefused
from portal.testing import IndividualFactory, RecipientFactory
from regulators import actions, obligations
from regulators.models import Obligation

NO_PROOF = "Give a reference or confirmation number, or attach the evidence (a file)"


@pytest.fixture
def district(incident):
    """A Missouri district whose breach exposed Social Security numbers: the state's notices are owed."""
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn", "education_records"]))
    for _ in range(3):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="MO")
    people_figures.count_now(incident)
    return incident


@pytest.fixture
def owed(district):
    """The first notice the rules say the district owes."""
    return next(e for e in obligations.entries(district) if e.derived)


def _url(incident, entry):
    return reverse("regulators:obligation-detail", args=[incident.slug, entry.key])


def _page(response) -> str:
    return entities.unescape(response.content.decode())


def test_the_form_offers_no_date_of_its_own(client, district, owed, manager):
    client.force_login(manager)
    page = _page(client.get(_url(district, owed)))
    field = page[page.index('name="done_on"') - 200 : page.index('name="done_on"') + 200]
    assert "value=" not in field
    assert "Reference or confirmation number" in page
    assert "Evidence (a file)" in page


def test_an_empty_mark_done_is_refused_naming_what_is_missing(client, district, owed, manager):
    client.force_login(manager)
    response = client.post(_url(district, owed), {"action": "done", "done_on": "", "reference": ""})
    page = _page(response)
    assert response.status_code == 200
    assert "Date the notice was sent</a>: Give the date the notice was sent." in page
    assert f"Reference or confirmation number</a>: {NO_PROOF}" in page
    assert not Obligation.objects.exists()
    assert not AuditEvent.objects.filter(action="obligation.done").exists()


def test_a_date_alone_is_not_proof(client, district, owed, manager):
    """What the form accepted before: the date filled in and nothing else."""
    client.force_login(manager)
    response = client.post(_url(district, owed), {"action": "done", "done_on": timezone.localdate().isoformat()})
    assert f"Reference or confirmation number</a>: {NO_PROOF}" in _page(response)
    assert not Obligation.objects.exists()


def test_a_date_before_the_discovery_is_refused(client, district, owed, manager):
    client.force_login(manager)
    before = district.discovered_on - timedelta(days=1)
    response = client.post(_url(district, owed), {"action": "done", "done_on": before.isoformat(), "reference": "A1"})
    page = _page(response)
    assert f"{before:%m/%d/%Y} is before the breach was discovered ({district.discovered_on:%m/%d/%Y})" in page
    assert not Obligation.objects.exists()


def test_a_reference_with_its_date_marks_the_notice_done(client, district, owed, manager):
    client.force_login(manager)
    sent = district.discovered_on + timedelta(days=5)
    response = client.post(_url(district, owed), {"action": "done", "done_on": sent.isoformat(), "reference": "AG-118"})
    assert response.status_code == 302
    record = Obligation.objects.get(rule=owed.key)
    assert (record.done_on, record.reference, bool(record.evidence)) == (sent, "AG-118", False)


def test_evidence_alone_with_its_date_marks_the_notice_done(client, district, owed, manager):
    client.force_login(manager)
    page = SimpleUploadedFile("confirmation.pdf", b"%PDF-1.7 sent", content_type="application/pdf")
    response = client.post(_url(district, owed), {"action": "done", "done_on": "2026-10-02", "evidence": page})
    assert response.status_code == 302
    record = Obligation.objects.get(rule=owed.key)
    assert (record.done_on, record.reference, record.evidence_name) == (date(2026, 10, 2), "", "confirmation.pdf")


def test_a_correction_keeps_the_evidence_already_stored(client, district, owed, manager):
    client.force_login(manager)
    page = SimpleUploadedFile("confirmation.pdf", b"%PDF-1.7 sent", content_type="application/pdf")
    client.post(_url(district, owed), {"action": "done", "done_on": "2026-10-02", "evidence": page})
    response = client.post(_url(district, owed), {"action": "done", "done_on": "2026-10-03"})
    assert response.status_code == 302
    record = Obligation.objects.get(rule=owed.key)
    assert (record.done_on, record.evidence_name) == (date(2026, 10, 3), "confirmation.pdf")


def test_the_action_itself_refuses_a_mark_without_proof(district, owed, manager):
    """Whatever calls it (a command, another screen), the action holds the same line."""
    with pytest.raises(ActionRefused, match="Give a reference or confirmation number"):
        actions.mark_obligation_done(manager, district, owed.key, date(2026, 10, 2), "  ", None)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ActionRefused, match="is in the future"):
        actions.mark_obligation_done(manager, district, owed.key, tomorrow, "AG-118", None)
    with pytest.raises(ActionRefused, match="before the breach was discovered"):
        actions.mark_obligation_done(manager, district, owed.key, date(2026, 9, 1), "AG-118", None)
    assert not Obligation.objects.exists()
