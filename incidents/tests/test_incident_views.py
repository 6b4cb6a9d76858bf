from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from audit.chain import verify_all
from audit.models import AuditEvent
from incidents.models import DataType, Incident, Membership, Role
from incidents.readers import Relationship
from people import figures as people_figures
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory, expose, member

VALID = {
    "slug": "lakeview-2026",
    "title": "Lakeview  payroll  files",
    "organisation_name": "Lakeview School District",
    "organisation_type": "school_district",
    "occurred_on": "2026-08-01",
    "discovered_on": "2026-08-10",
    "contained_on": "2026-08-11",
    "notice_on": "2026-09-01",
    "what_happened": "A laptop was stolen.",
    "hotline_phone": "(800) 555-0199",
    "hotline_hours": "Mon-Fri 8-5",
    "hotline_time_zone": "America/Chicago",
    "contact_email": "privacy@lakeview.example.org",
}


@pytest.fixture
def creator(manager):
    manager.user_permissions.add(Permission.objects.get(codename="add_incident"))
    return manager


def test_manager_creates_an_incident_and_becomes_its_manager(client, creator):
    client.force_login(creator)
    names = DataType.objects.filter(key__in=["name", "ssn"])
    response = client.post(reverse("incidents:incident-create"), {**VALID, "data_types": [d.pk for d in names]})
    incident = Incident.objects.get(slug="lakeview-2026")
    assert response.url == reverse("incidents:incident-detail", args=["lakeview-2026"])
    assert incident.title == "Lakeview payroll files"
    assert incident.hotline_phone == "+18005550199"
    assert set(incident.data_types.values_list("key", flat=True)) == {"name", "ssn"}
    assert Membership.objects.filter(user=creator, incident=incident, role=Role.MANAGER).exists()
    event = AuditEvent.objects.get(action="incident.created")
    assert (event.incident_id, event.actor_id, event.details) == (incident.pk, creator.pk, {"slug": "lakeview-2026"})


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"contained_on": "2026-08-05"}, "contained_on", "cannot be contained before it was discovered"),
        ({"discovered_on": "2026-07-01"}, "discovered_on", "cannot be discovered before it occurred"),
        ({"notice_on": "2026-08-02"}, "notice_on", "cannot be dated before the incident was discovered"),
        ({"slug": "riverside-records"}, "slug", "already in use"),
        ({"slug": "new"}, "slug", "reserved"),
        ({"slug": "Not a slug!"}, "slug", "Enter a valid"),
        ({"hotline_phone": "555"}, "hotline_phone", "not a valid US telephone number"),
        ({"title": ""}, "title", "This field is required"),
        ({"discovered_on": "2026-13-45"}, "discovered_on", "Enter a valid date"),
        ({"contact_email": "not-an-email"}, "contact_email", "valid email"),
    ],
)
def test_bad_input_is_reshown_beside_the_field(client, creator, change, field, message):
    client.force_login(creator)
    response = client.post(reverse("incidents:incident-create"), {**VALID, **change})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert message.encode() in response.content.replace(b"&#x27;", b"'")
    assert not Incident.objects.filter(slug=VALID["slug"]).exists()
    assert not AuditEvent.objects.filter(action="incident.created").exists()


def test_creating_a_slug_taken_meanwhile_is_refused_not_a_crash(creator):
    from incidents import actions

    IncidentFactory.create(slug="lakeview-2026")
    fields = {"slug": "lakeview-2026", "title": "Twin", "organisation_name": "X", "discovered_on": date(2026, 1, 1)}
    with pytest.raises(actions.ActionRefused, match="already in use"):
        actions.create_incident(creator, fields, [])
    assert not AuditEvent.objects.filter(action="incident.created").exists()


def test_status_change_touches_updated_at(client, manager, incident):
    before = incident.updated_at
    client.force_login(manager)
    client.post(reverse("incidents:incident-status", args=[incident.slug]), {"status": "investigating"})
    incident.refresh_from_db()
    assert incident.updated_at > before


def test_dates_in_the_future_are_refused(client, creator):
    client.force_login(creator)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        reverse("incidents:incident-create"), {**VALID, "discovered_on": tomorrow, "contained_on": ""}
    )
    assert "in the future" in response.context["form"].errors["discovered_on"][0]


def test_edit_records_which_fields_changed_but_not_their_values(client, manager, incident):
    client.force_login(manager)
    url = reverse("incidents:incident-edit", args=[incident.slug])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "data_types"}
    data.update(title="Renamed incident", what_happened="Secret details of the case")
    response = client.post(url, data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.title == "Renamed incident"
    event = AuditEvent.objects.get(action="incident.updated")
    assert event.details == {"fields": ["title", "what_happened"]}
    assert verify_all().ok


def test_edit_without_changes_records_nothing(client, manager, incident):
    client.force_login(manager)
    url = reverse("incidents:incident-edit", args=[incident.slug])
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "data_types"}
    client.post(url, data)
    assert not AuditEvent.objects.filter(action="incident.updated").exists()


def test_slug_cannot_be_changed_by_editing(client, manager, incident):
    client.force_login(manager)
    url = reverse("incidents:incident-edit", args=[incident.slug])
    data = {**VALID, "slug": "hijacked"}
    client.post(url, data)
    incident.refresh_from_db()
    assert incident.slug == "riverside-records"


def test_status_moves_only_along_allowed_transitions(client, manager, incident):
    client.force_login(manager)
    url = reverse("incidents:incident-status", args=[incident.slug])
    client.post(url, {"status": "closed"})
    incident.refresh_from_db()
    assert incident.status == "draft"
    client.post(url, {"status": "investigating"})
    incident.refresh_from_db()
    assert incident.status == "investigating"
    assert AuditEvent.objects.get(action="incident.status_changed").details == {"from": "draft", "to": "investigating"}


def test_detail_shows_the_counted_figures(client, agent, incident, django_assert_max_num_queries):
    adult = IndividualFactory.create(incident=incident, date_of_birth=date(1980, 1, 1))
    minor = IndividualFactory.create(incident=incident, date_of_birth=date(2015, 1, 1))
    IndividualFactory.create(
        incident=IncidentFactory.create(), date_of_birth=date(2015, 1, 1)
    )  # another incident: not counted
    RecipientFactory.create(individual=adult, relationship=Relationship.SELF, state="MO")
    RecipientFactory.create(individual=minor, address_line1="", state="KS")
    expose(adult, "name", "ssn")
    expose(minor, "name")
    people_figures.count_now(incident)
    client.force_login(agent)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("incidents:incident-detail", args=[incident.slug]))
    people = response.context["people"]
    assert (people.individuals, people.minors, people.adults, people.recipients, people.without_address) == (
        2, 1, 1, 2, 1
    )  # fmt: skip
    assert people.by_data_type == [("Name", 2), ("Social Security number", 1)]
    assert sorted(people.by_state) == [("KS", 1), ("MO", 1)]
    page = response.content.decode()
    assert "letter recipients" in page
    assert "Missouri" in page
    assert "Kansas" in page
    assert "being counted" not in page


def test_list_shows_only_my_incidents_within_a_fixed_query_budget(client, agent, incident, django_assert_num_queries):
    for n in range(5):
        member(agent, IncidentFactory.create(title=f"Extra incident {n}"), Role.AGENT)
    IncidentFactory.create(title="Not mine")
    client.force_login(agent)
    # session; the user with their second factor and whether they audit (accounts/signed_in.py); roles,
    # incidents, two permission look-ups
    with django_assert_num_queries(6):
        response = client.get(reverse("incidents:incident-list"))
    titles = [row[0].title for row in response.context["rows"]]
    assert "Riverside records incident" in titles
    assert "Not mine" not in titles
    assert len(titles) == 6


def test_hotline_hours_are_edited_and_kept(client, manager, incident):
    client.force_login(manager)
    url = reverse("incidents:incident-edit", args=[incident.slug])
    page = client.get(url).content.decode()
    for label in ("Days the hotline is open", "Hotline opens at", "Hotline closes at"):
        assert label in page
    form = client.get(url).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None and name != "data_types"}
    data.update(hotline_days=["0", "2", "4"], hotline_opens_at="08:00", hotline_closes_at="17:30")
    assert client.post(url, data).status_code == 302
    incident.refresh_from_db()
    assert (incident.hotline_days, str(incident.hotline_opens_at), str(incident.hotline_closes_at)) == (
        "024",
        "08:00:00",
        "17:30:00",
    )
    data.update(hotline_closes_at="07:00")
    assert "The hotline must close after it opens." in client.post(url, data).content.decode()
    data.update(hotline_closes_at="")
    assert "Give both the opening and the closing time, or neither." in client.post(url, data).content.decode()
