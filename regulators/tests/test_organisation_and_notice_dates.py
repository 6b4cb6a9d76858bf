"""Laws that bind by where the organisation is, and deadlines counted from the notice to residents: the
engine on table files written here, the obligations screen and the incident form on the real table."""

import json
from dataclasses import replace
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEvent
from incidents.models import DataType, OrganisationType, Role
from notifications.models import BatchStatus, Letter, LetterBatch, LetterStatus
from people import figures as people_figures
from people.models import Recipient
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory, member
from regulators.jurisdictions.table import TableError, read_all
from regulators.obligations import Facts, derive, unsettled

DISCOVERED = date(2026, 9, 14)  # a Monday

STATE_FILE = """
code = "KS"
name = "Kansas"
kind = "state"
checked_on = 2026-12-07
checked_against = ["https://example.gov/kansas"]

[[law]]
key = "ks-breach"
title = "A breach law"
kind = "breach"
citation = "K.S.A. 1"
url = "https://example.gov/ks"
triggers = ["ssn"]
triggers_citation = "K.S.A. 1(a)"

[[law.notice]]
key = "ks-residents"
party = "Affected Kansas residents"
owed_to = "residents"
notice = "Notice"
citation = "K.S.A. 1(b)"
due_rule = "without unreasonable delay"

[[law.notice]]
key = "ks-attorney-general"
party = "Kansas Attorney General"
owed_to = "regulator"
notice = "A copy of the notice to residents"
citation = "K.S.A. 1(c)"
days = 15
counted_from = "residents_notice"
due_rule = "within 15 days of notifying residents"

[[law.notice]]
key = "ks-bureau"
party = "Kansas bureau"
owed_to = "regulator"
notice = "Report"
citation = "K.S.A. 1(d)"
days = 5
business_days = true
counted_from = "residents_notice"
due_rule = "within 5 business days after giving notice to consumers"

[[law]]
key = "ks-schools"
title = "A school data law"
kind = "education"
citation = "K.S.A. 2"
url = "https://example.gov/ks2"
organisations = ["school_district"]
applies = "organisation"
triggers = ["ssn"]
triggers_citation = "K.S.A. 2(a)"

[[law.notice]]
key = "ks-parents"
party = "Parents of affected students"
owed_to = "parents"
notice = "Notice"
citation = "K.S.A. 2(b)"
counted = "all"
days = 60
due_rule = "within 60 days"

[[law.notice]]
key = "ks-department"
party = "Kansas State Department of Education"
owed_to = "education_department"
notice = "Report"
citation = "K.S.A. 2(c)"
days = 10
due_rule = "within 10 days, for the district's Kansas residents"
"""


@pytest.fixture
def kansas(tmp_path):
    (tmp_path / "ks.toml").write_text(STATE_FILE, encoding="utf-8")
    return {j.code: j for j in read_all(tmp_path)}


def _facts(organisation_state="", notified_on=None, organisation="school_district", **residents):
    return Facts(organisation, DISCOVERED, frozenset({"ssn"}), residents, None, organisation_state, notified_on or {})


def _owed(kansas, facts):
    return {owed.rule: owed.due_on for owed in derive(facts, kansas)}


def test_a_law_binding_organisations_there_is_not_owed_by_a_district_elsewhere(kansas):
    owed = _owed(kansas, _facts("MO", MO=40, KS=3))  # a Missouri district with three Kansas students
    assert "ks-parents" not in owed
    assert "ks-department" not in owed
    assert "ks-residents" in owed  # the residents' law still reaches its residents


def test_a_law_binding_organisations_there_is_owed_by_a_district_there_wherever_its_people_live(kansas):
    owed = _owed(kansas, _facts("KS", MO=2))  # a Kansas district whose two students live in Missouri
    assert owed == {"ks-parents": date(2026, 11, 13)}  # counted on everyone; the Kansans' report counts none
    assert _owed(kansas, _facts("KS", KS=1, MO=2))["ks-department"] == date(2026, 9, 24)
    assert _owed(kansas, _facts("KS", organisation="business", MO=2)) == {}  # a business is not a school


def test_while_the_organisations_state_is_blank_residents_bring_the_law_in(kansas):
    assert {"ks-parents", "ks-department"} <= set(_owed(kansas, _facts("", MO=40, KS=3)))
    assert _owed(kansas, _facts("", MO=40)) == {}
    assert unsettled(_facts("", MO=40), kansas)
    assert not unsettled(_facts("MO", MO=40), kansas)
    assert not unsettled(_facts("", organisation="business", MO=40), kansas)  # no such law reaches a business


def test_a_deadline_after_the_notice_to_residents_waits_for_their_letters(kansas):
    before = {o.rule: o for o in derive(_facts("", KS=3), kansas)}
    assert (before["ks-attorney-general"].due_on, before["ks-bureau"].due_on) == (None, None)
    assert before["ks-attorney-general"].due_rule == (
        "within 15 days of notifying residents (15 days after the notice to residents, dated once their letters "
        "are mailed or their notice is marked done)"
    )
    assert "(5 business days after the notice to residents" in before["ks-bureau"].due_rule
    mailed = _facts("", {"KS": date(2026, 10, 2), "MO": date(2026, 9, 20)}, KS=3, MO=1)  # October 2: a Friday
    after = _owed(kansas, mailed)
    assert after["ks-attorney-general"] == date(2026, 10, 17)
    assert after["ks-bureau"] == date(2026, 10, 9)  # five weekdays on
    assert _owed(kansas, replace(mailed, notified_on={"MO": date(2026, 9, 20)}))["ks-attorney-general"] is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("applies", '"everyone"', "ks.toml.law[1].applies: 'everyone' is not one of residents, organisation"),
        ("days", None, "ks.toml.law[0].notice[1].days: a day count is required when counted_from is"),
    ],
)
def test_a_file_that_misuses_the_new_fields_is_refused_by_name(tmp_path, field, value, message):
    text = STATE_FILE.replace('applies = "organisation"', f"applies = {value}") if value else STATE_FILE
    if field == "days":
        text = text.replace("days = 15\n", "")
    (tmp_path / "ks.toml").write_text(text, encoding="utf-8")
    with pytest.raises(TableError) as refused:
        read_all(tmp_path)
    assert str(refused.value).startswith(message)


# On the real table -------------------------------------------------------------------------------------------


def _district(organisation_state="", **residents):
    incident = IncidentFactory.create(
        slug="riverbend-records", organisation_type=OrganisationType.SCHOOL_DISTRICT,
        organisation_state=organisation_state, discovered_on=date(2026, 9, 14),
    )  # fmt: skip
    incident.data_types.set(DataType.objects.filter(key__in=["name", "ssn", "education_records"]))
    for state, count in residents.items():
        for _ in range(count):
            RecipientFactory.create(individual=IndividualFactory.create(incident=incident), state=state)
    people_figures.count_now(incident)
    return incident


def _rows(incident):
    out = StringIO()
    call_command("obligations", incident.slug, "--json", stdout=out)
    return json.loads(out.getvalue())


def _parties(incident):
    return {row["party"] for row in _rows(incident)}


def _louisiana_attorney_general(incident):
    return next(row for row in _rows(incident) if row["party"].startswith("Louisiana Attorney General"))


@pytest.mark.django_db
def test_a_missouri_district_with_new_york_students_owes_no_new_york_school_notices():
    incident = _district("MO", MO=5, NY=3)
    parties = _parties(incident)
    assert "New York State Education Department, Chief Privacy Officer" not in parties
    assert "Affected New York residents" in parties  # New York's breach law still reaches them
    assert "Missouri State Auditor" in parties
    incident.organisation_state = ""
    incident.save()
    assert "New York State Education Department, Chief Privacy Officer" in _parties(incident)


@pytest.mark.django_db
def test_the_attorney_generals_copy_is_dated_once_the_residents_letters_are_mailed(client, manager):
    incident = _district("MO", MO=1, LA=2)
    row = _louisiana_attorney_general(incident)
    assert row["due_on"] is None
    assert "10 days after the notice to residents, dated once their letters are mailed" in row["due_rule"]
    batch = LetterBatch.objects.create(incident=incident, name="First mailing", status=BatchStatus.MAILED,
                                       letters_total=3, mailed_on=date(2026, 10, 20))  # fmt: skip
    # Missouri's letter went first; of the two Louisianans', the first was mailed on October 20
    mailed = {"MO": [date(2026, 10, 15)], "LA": [date(2026, 10, 22), date(2026, 10, 20)]}
    for n, recipient in enumerate(Recipient.objects.filter(individual__incident=incident).order_by("pk"), 1):
        Letter.objects.create(batch=batch, incident=incident, recipient=recipient, sequence=n,
                              status=LetterStatus.RENDERED, mailed_on=mailed[recipient.state].pop())  # fmt: skip
    row = _louisiana_attorney_general(incident)
    assert row["due_on"] == "2026-10-30"
    client.force_login(manager_of(incident, manager))
    page = client.get(reverse("regulators:obligation-list", args=[incident.slug])).content.decode()
    assert "Due by law: <strong>Oct 30, 2026</strong>" in page


def manager_of(incident, user):
    member(user, incident, Role.MANAGER)
    return user


@pytest.mark.django_db
def test_the_obligations_screen_asks_for_the_organisations_state_until_it_is_set(client, manager):
    incident = _district("", MO=3)
    client.force_login(manager_of(incident, manager))
    url = reverse("regulators:obligation-list", args=[incident.slug])
    ask = "Set the organisation's state on the incident to settle which school and public-body laws apply"
    assert ask in client.get(url).content.decode()
    incident.organisation_state = "MO"
    incident.save()
    page = client.get(url).content.decode()
    assert ask not in page
    assert "where the organisation is (Missouri)" in page


@pytest.mark.django_db
def test_the_incident_form_sets_the_organisations_state_and_the_edit_is_audited(client, manager):
    incident = _district("", MO=1)
    client.force_login(manager_of(incident, manager))
    url = reverse("incidents:incident-edit", args=[incident.slug])
    form = client.get(url).context["form"]
    assert form.fields["organisation_state"].choices[:2] == [("", "Not given yet"), ("AL", "Alabama")]
    assert ("MO", "Missouri") in form.fields["organisation_state"].choices
    assert "AE" not in dict(form.fields["organisation_state"].choices)  # military mail codes are not places
    data = {name: value for name, value in form.initial.items() if value is not None and name != "data_types"}
    data["data_types"] = [d.pk for d in incident.data_types.all()]
    response = client.post(url, {**data, "organisation_state": "ZZ"})
    assert "Select a valid choice. ZZ is not one of the available choices." in response.content.decode()
    assert client.post(url, {**data, "organisation_state": "NY"}).status_code == 302
    incident.refresh_from_db()
    assert incident.organisation_state == "NY"
    assert AuditEvent.objects.get(action="incident.updated").details == {"fields": ["organisation_state"]}


@pytest.mark.django_db
def test_the_detail_page_separates_the_legal_due_date_from_the_target(client, manager):
    incident = _district("MO", MO=1)
    incident.target_on = date(2026, 10, 1)
    incident.save()
    client.force_login(manager_of(incident, manager))
    url = reverse("regulators:obligation-detail", args=[incident.slug, "mo-162.1475-state-auditor"])
    page = client.get(url).content.decode()
    assert '<dt>Due by law</dt><dd class="portal-due">No fixed date: without unreasonable delay</dd>' in page
    assert "<dt>Target</dt>" in page
    assert "October 1, 2026 (the incident's target date, the one to work toward)" in page


@pytest.mark.django_db
def test_a_missouri_district_whose_students_all_moved_away_still_owes_missouris_school_notices():
    incident = _district("MO", KS=2)
    parties = _parties(incident)
    assert {"Missouri State Auditor", "Parents or guardians of affected students"} <= parties
    assert "Affected Missouri residents" not in parties  # Missouri's breach law counts its residents: none


@pytest.mark.django_db
def test_a_packet_says_where_the_organisation_is(client, manager):
    incident = _district("MO", MO=1)
    client.force_login(manager_of(incident, manager))
    url = reverse("regulators:obligation-packet-csv", args=[incident.slug, "mo-162.1475-state-auditor"])
    rows = client.get(url).content.decode().splitlines()
    assert "facts,Organisation's state,Missouri" in rows
