"""The obligations screens: what the rules derive from the incident's facts, marking one done with
evidence, manual obligations, and the incident page's overdue and due-soon list."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from incidents.models import DataType, Export
from people import figures as people_figures
from portal.testing import IndividualFactory, RecipientFactory, export, expose, pdfcheck
from regulators.models import Obligation

# The screens at work on the real table, with a sample Missouri file whatever Missouri's own says.
pytestmark = pytest.mark.usefixtures("sample_table")


@pytest.fixture
def district(incident):
    """A Missouri school district whose breach exposed education records and state student IDs."""
    incident.data_types.set(DataType.objects.filter(key__in=["name", "state_student_id", "education_records"]))
    for _ in range(3):
        RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="MO")
    people_figures.count_now(incident)  # as the import does
    return incident


def _csv_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode())))


def _list(client, incident):
    return client.get(reverse("regulators:obligation-list", args=[incident.slug])).content.decode()


def test_the_list_shows_what_the_rules_derive_from_the_facts(client, district, manager):
    client.force_login(manager)
    html = _list(client, district)
    assert "Missouri State Auditor" in html
    assert "RSMo 162.1475" in html
    assert "34 CFR 99.32" in html
    assert "Health and Human Services" not in html  # a district is no HIPAA covered entity
    assert "Missouri Attorney General" not in html  # three residents, not more than 1,000


def test_marking_done_with_evidence_is_stored_audited_and_downloadable(client, district, manager):
    client.force_login(manager)
    url = reverse("regulators:obligation-detail", args=[district.slug, "mo-162.1475-state-auditor"])
    evidence = SimpleUploadedFile("Auditor form.pdf", b"%PDF-1.7 confirmation", content_type="application/pdf")
    response = client.post(url, {"done_on": "2026-10-21", "reference": "SAO-2026-118", "evidence": evidence})
    assert response.status_code == 302
    record = Obligation.objects.get(rule="mo-162.1475-state-auditor")
    assert (record.party, record.done_on, record.reference, record.done_by) == (
        "Missouri State Auditor",
        date(2026, 10, 21),
        "SAO-2026-118",
        manager,
    )
    assert record.evidence_name == "Auditor form.pdf"
    event = AuditEvent.objects.get(action="obligation.done")
    assert event.details == {"rule": "mo-162.1475-state-auditor", "evidence": True, "changed": []}
    assert "Done Oct 21, 2026" in _list(client, district)

    download = client.post(reverse("regulators:obligation-evidence", args=[district.slug, "mo-162.1475-state-auditor"]))
    assert b"".join(download.streaming_content) == b"%PDF-1.7 confirmation"
    assert 'filename="Auditor form.pdf"' in download["Content-Disposition"]
    assert AuditEvent.objects.filter(action="obligation.evidence_downloaded", target_id=str(record.pk)).exists()


def test_a_done_date_in_the_future_and_a_file_of_another_kind_are_named(client, district, manager):
    client.force_login(manager)
    url = reverse("regulators:obligation-detail", args=[district.slug, "mo-162.1475-dese"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    script = SimpleUploadedFile("notice.exe", b"MZ", content_type="application/octet-stream")
    html = client.post(url, {"done_on": tomorrow.isoformat(), "evidence": script}).content.decode()
    assert f"{tomorrow:%m/%d/%Y} is in the future" in html
    assert "“notice.exe” is not a PDF, image, e-mail, text or Word file." in html
    assert not Obligation.objects.exists()


def test_an_obligation_the_facts_do_not_call_for_is_not_found(client, district, manager):
    client.force_login(manager)
    url = reverse("regulators:obligation-detail", args=[district.slug, "hipaa-164.404-individuals"])
    assert client.get(url).status_code == 404


def test_a_manual_obligation_is_added_and_listed_by_due_date(client, district, manager):
    client.force_login(manager)
    url = reverse("regulators:obligation-list", args=[district.slug])
    response = client.post(
        url,
        {"party": "Cyber insurer", "notice": "Notice of claim", "due_on": "2026-09-20", "citation": "Policy 4.2"},
    )
    assert response.status_code == 302
    added = Obligation.objects.get(party="Cyber insurer")
    assert (added.rule, added.created_by) == ("", manager)
    html = _list(client, district)
    assert "Cyber insurer" in html
    assert html.index("Cyber insurer") < html.index("Missouri State Auditor")  # dated first
    assert "Overdue" in html


def test_the_incident_page_lists_overdue_and_due_soon_obligations(client, district, manager, agent):
    today = timezone.localdate()
    Obligation.objects.create(incident=district, party="Insurer", notice="Claim", due_on=today - timedelta(days=1))
    Obligation.objects.create(incident=district, party="Auditor", notice="Report", due_on=today + timedelta(days=3))
    client.force_login(manager)
    html = client.get(reverse("incidents:incident-detail", args=[district.slug])).content.decode()
    assert "1 overdue, 1 due soon" in html
    client.force_login(agent)
    html = client.get(reverse("incidents:incident-detail", args=[district.slug])).content.decode()
    assert "obligations-heading" not in html


def test_the_ferpa_record_has_one_neutralised_row_per_student_whose_records_were_exposed(client, incident, manager):
    incident.occurred_on = date(2026, 9, 2)
    incident.ferpa_party = "A personal e-mail account outside the district"
    incident.ferpa_description = "Student files copied without authorization"
    incident.save()
    records = IndividualFactory.create(incident=incident, external_id="MO-1001", last_name="Zeller", first_name="Ana")
    expose(records, "name", "education_records")
    hostile = IndividualFactory.create(incident=incident, external_id="=HYPERLINK(1)", last_name="Adams")
    expose(hostile, "state_student_id", "education_records")
    expose(IndividualFactory.create(incident=incident, last_name="Names-only"), "name")
    client.force_login(manager)
    _, response = export(client, incident, "ferpa", reason="For the students' records")
    made = Export.objects.get()
    assert made.rows == 2
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    comment, *lines = b"".join(response.streaming_content).decode().splitlines()
    assert comment.startswith(f"# Export {made.public_id} for {manager.username}")
    rows = list(csv.reader(io.StringIO("\n".join(lines))))
    assert rows == [
        ["student_id", "last_name", "first_name", "disclosure_date", "party_receiving_records", "description"],
        ["'=HYPERLINK(1)", "Adams", "Ada", "2026-09-02", incident.ferpa_party, incident.ferpa_description],
        ["MO-1001", "Zeller", "Ana", "2026-09-02", incident.ferpa_party, incident.ferpa_description],
    ]
    assert AuditEvent.objects.filter(action="export.downloaded", actor_id=manager.pk).count() == 1


def test_the_ferpa_record_waits_for_its_party_and_description(client, incident, manager):
    client.force_login(manager)
    page = f"http://testserver{reverse('regulators:obligation-list', args=[incident.slug])}"
    asked, _ = export(client, incident, "ferpa", referer=page)
    assert asked.url == page
    assert "Write the party that received the records" in client.get(page).content.decode()
    assert not Export.objects.exists()


def test_a_decision_not_to_notify_is_recorded_with_its_reasons_and_kept_five_years(client, district, manager):
    client.force_login(manager)
    url = reverse("regulators:obligation-detail", args=[district.slug, "mo-162.1475-dese"])
    short = client.post(url, {"action": "not_notifying", "reasons": "No."}).content.decode()
    assert "Give the reasons in a sentence or more" in short
    reasons = "The files were recovered unopened within an hour; counsel found no risk of harm."
    assert client.post(url, {"action": "not_notifying", "reasons": reasons}).status_code == 302
    record = Obligation.objects.get(rule="mo-162.1475-dese")
    today = timezone.localdate()
    assert (record.not_notifying_reasons, record.not_notifying_by, record.not_notifying_on) == (reasons, manager, today)
    assert record.keep_until is not None
    assert record.keep_until.year == today.year + 5
    assert AuditEvent.objects.filter(action="obligation.not_notifying", target_id=str(record.pk)).exists()
    assert "Decided not to notify" in _list(client, district)
    page = client.get(reverse("incidents:incident-detail", args=[district.slug])).content.decode()
    assert "1 decided against" in page


def test_new_evidence_replaces_the_old_file_and_names_what_changed(client, district, manager, settings):
    client.force_login(manager)
    url = reverse("regulators:obligation-detail", args=[district.slug, "mo-162.1475-dese"])
    first = SimpleUploadedFile("first.pdf", b"%PDF-1.7 one", content_type="application/pdf")
    client.post(url, {"action": "done", "done_on": "2026-10-21", "evidence": first})
    old_name = Obligation.objects.get(rule="mo-162.1475-dese").evidence.name
    second = SimpleUploadedFile("second.pdf", b"%PDF-1.7 two", content_type="application/pdf")
    with pytest.MonkeyPatch.context() as patch:
        from django.db import transaction

        patch.setattr(transaction, "on_commit", lambda callback, *args, **kwargs: callback())
        client.post(url, {"action": "done", "done_on": "2026-10-22", "reference": "R2", "evidence": second})
    record = Obligation.objects.get(rule="mo-162.1475-dese")
    assert record.evidence.read() == b"%PDF-1.7 two"
    assert not record.evidence.storage.exists(old_name)
    last = AuditEvent.objects.filter(action="obligation.done").order_by("pk").last()
    assert last is not None
    assert last.details["changed"] == ["done_on", "reference", "evidence"]


def test_evidence_over_the_limit_is_refused_with_the_limit_named(client, district, manager, settings):
    settings.OBLIGATION_EVIDENCE_MAX_BYTES = 1_000_000
    client.force_login(manager)
    url = reverse("regulators:obligation-detail", args=[district.slug, "mo-162.1475-dese"])
    big = SimpleUploadedFile("scan.pdf", b"%PDF" + b"0" * 1_200_000, content_type="application/pdf")
    html = client.post(url, {"action": "done", "done_on": "2026-10-21", "evidence": big}).content.decode()
    assert "The file is larger than 1 MB, the most an evidence file may be." in html
    assert not Obligation.objects.exists()


def test_the_state_auditor_packet_has_the_forms_fields_and_the_counts(client, district, manager, tmp_path):
    district.occurred_on = date(2026, 9, 2)
    district.detected_how = "A teacher reported an unexpected forwarding rule."
    district.cause = "An employee forwarded files to a personal mailbox."
    district.records_from, district.records_to = date(2019, 8, 1), date(2026, 9, 1)
    district.law_enforcement_notified_on = date(2026, 9, 16)
    district.save()
    RecipientFactory.create(individual=IndividualFactory.create(incident=district), state="KS")
    people_figures.count_now(district)
    client.force_login(manager)
    args = [district.slug, "mo-162.1475-state-auditor"]
    rows = _csv_rows(client.get(reverse("regulators:obligation-packet-csv", args=args)))
    form = {field: value for section, field, value in rows[1:] if section == "form"}
    assert form["How it was detected"] == district.detected_how
    assert form["Time span of the records"] == "August 1, 2019 to September 1, 2026"
    assert form["Number of records"] == "4"
    assert form["Directory information or personal information"] == "Personal information beyond directory information"
    assert form["Law enforcement notified"] == "Yes, on September 16, 2026"
    assert form["Families notified"] == "Not yet"
    by_state = {field: value for section, field, value in rows[1:] if section == "people by state"}
    assert by_state == {"KS": "1", "MO": "3"}

    path = tmp_path / "packet.pdf"
    path.write_bytes(client.get(reverse("regulators:obligation-packet-pdf", args=args)).content)
    pdfcheck.qpdf_check(path)
    text = "\n".join(pdfcheck.page_texts(path))
    assert "School data breach form (Missouri State Auditor)" in text
    assert "A teacher reported an unexpected forwarding rule." in text
    fonts = pdfcheck.fonts(path)
    assert fonts
    assert all(font["emb"] == "yes" for font in fonts)


def test_another_agencys_packet_has_the_facts_and_counts_without_the_auditors_form(client, district, manager):
    expose(IndividualFactory.create(incident=district), "education_records")
    people_figures.count_now(district)
    client.force_login(manager)
    args = [district.slug, "mo-162.1475-dese"]
    rows = _csv_rows(client.get(reverse("regulators:obligation-packet-csv", args=args)))
    sections = {section for section, _, _ in rows[1:]}
    assert sections == {"facts", "people by state", "people by data type"}


def test_the_list_is_grouped_by_jurisdiction_federal_first_with_places_not_covered_named(client, district, manager):
    for state, count in (("TX", 250), ("AP", 2)):
        for _ in range(count):
            RecipientFactory.create(individual=IndividualFactory.create(incident=district), state=state)
    district.data_types.add(DataType.objects.get(key="ssn"))
    people_figures.count_now(district)
    client.force_login(manager)
    html = _list(client, district)
    federal, missouri, texas = (html.index(f'data-jurisdiction="{code}"') for code in ("US", "MO", "TX"))
    assert federal < missouri < texas
    assert federal < html.index("34 CFR 99.32") < missouri
    assert texas < html.index("Texas Attorney General")
    assert "Due by law: <strong>Oct 14, 2026</strong>" in html  # 30 days after discovery on September 14
    assert "The Attorney General&#x27;s online Data Security Breach Report form" in html
    assert "Armed Forces Pacific: check with counsel</strong> (2 people)" in html


def test_the_target_date_is_offered_set_audited_and_shown_apart_from_legal_dates(client, district, manager):
    client.force_login(manager)
    url = reverse("regulators:obligation-list", args=[district.slug])
    html = _list(client, district)
    assert "Offered: October 14, 2026" in html  # no legal date among Missouri's: discovery plus 30 days
    assert 'value="2026-10-14"' in html
    Obligation.objects.create(incident=district, party="Cyber insurer", notice="Claim", due_on=date(2026, 10, 30))
    response = client.post(url, {"action": "target", "target_on": "2026-10-05"})
    assert response.status_code == 302
    district.refresh_from_db()
    assert district.target_on == date(2026, 10, 5)
    event = AuditEvent.objects.get(action="incident.target_set")
    assert event.details == {"target_on": "2026-10-05", "earlier": None, "offered": "2026-10-14"}  # not the insurer
    html = _list(client, district)
    assert "The managers work toward <strong>October 5, 2026</strong>" in html
    auditor_row = html[html.index("Missouri State Auditor") :]
    assert "Due by law: no fixed date" in auditor_row.split("</tr>")[0]
    assert "Target: <strong>Oct 5, 2026</strong>" in auditor_row.split("</tr>")[0]
    insurer = html[html.index("Cyber insurer") :].split("</tr>")[0]
    assert "Due by law: <strong>Oct 30, 2026</strong>" in insurer
    assert client.post(url, {"action": "target", "target_on": ""}).status_code == 302
    district.refresh_from_db()
    assert district.target_on is None
    assert "No target date is set yet" in _list(client, district)


def test_the_nearer_of_the_target_and_the_legal_date_orders_the_list_and_the_incident_page(client, district, manager):
    today = timezone.localdate()
    Obligation.objects.create(incident=district, party="Cyber insurer", notice="Claim", due_on=today + timedelta(9))
    district.target_on = today + timedelta(days=3)
    district.save()
    client.force_login(manager)
    page = client.get(reverse("incidents:incident-detail", args=[district.slug])).content.decode()
    panel = page[page.index("obligations-heading") :]
    assert panel.index("Missouri State Auditor") < panel.index("Cyber insurer")  # its target is nearer
    assert f"no fixed date in law, target {district.target_on:%b} {district.target_on.day}" in panel
    district.target_on = today - timedelta(days=1)
    district.save()
    assert "Past target" in _list(client, district)
    page = client.get(reverse("incidents:incident-detail", args=[district.slug])).content.decode()
    assert "Past target</span> <a" in page


def test_the_offered_target_is_the_earliest_legal_due_date_still_open(incident, manager):
    from regulators import obligations

    incident.organisation_type = "health_care"
    incident.save()
    incident.data_types.set(DataType.objects.filter(key__in=["name", "medical_information"]))
    RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state="KS")
    people_figures.count_now(incident)
    Obligation.objects.create(incident=incident, party="Insurer", notice="Claim", due_on=date(2026, 9, 20))
    assert obligations.offered_target(incident) == date(2026, 11, 13)  # HIPAA's 60 days, not the insurer's date
    Obligation.objects.create(incident=incident, rule="hipaa-164.404-individuals", party="Affected individuals",
                              notice="Notice", done_on=date(2026, 10, 1))  # fmt: skip
    assert obligations.offered_target(incident) == date(2027, 3, 1)  # then the yearly log's
