"""The lookup screen as an agent uses it: searching, masking, screen-pop, rate limit, audit, caching."""

import json
from datetime import time

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from callcenter.models import Call
from portal.lib import refcode
from portal.testing import IncidentFactory, member
from portal.testing.callers import family, search

pytestmark = pytest.mark.django_db


def test_lookup_screen_starts_in_the_reference_code_field(signed_in, incident):
    response = signed_in.get(reverse("callcenter:lookup", args=[incident.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Reference code", "Last name", "First name", "Date of birth", "ZIP code", "Phone"):
        assert f">{label}" in html
    assert 'name="reference_code" maxlength="40" autocomplete="off" autofocus' in html.replace('class="usa-input" ', "")


def test_search_by_code_as_read_out_shows_masked_result(signed_in, incident, grace):
    typed = refcode.display(grace.reference_code).lower().replace("-", " ")
    response = search(signed_in, incident, reference_code=typed)
    html = response.content.decode()
    assert 'data-results="1"' in html
    assert "Ada Nguyen" in html
    assert "Letter to the parent or guardian" in html
    assert "born 2012" in html
    hidden_values = (grace.reference_code, "Okafor", "100 North Fictional Way", "65999", "05/01/2012", "555")
    for hidden in hidden_values:
        assert hidden not in html, hidden


def test_search_by_last_name_and_birth_date_in_us_form(signed_in, incident, grace):
    response = search(signed_in, incident, last_name="NGUYEN", date_of_birth="5/1/2012")
    assert 'data-results="1"' in response.content.decode()


def test_search_by_phone_as_typed(signed_in, incident, grace):
    response = search(signed_in, incident, last_name="Okafor", phone="(573) 555-0142")
    assert 'data-results="1"' in response.content.decode()


def test_the_phone_number_alone_searches_as_a_screen_pop_does(signed_in, incident, grace):
    html = search(signed_in, incident, phone="573.555.0142").content.decode()
    assert 'data-results="1"' in html
    assert "Ada Nguyen" in html


def test_misspelt_name_is_offered_as_close_match(signed_in, incident, grace):
    html = search(signed_in, incident, last_name="Nugyen", postal_code="65999").content.decode()
    assert 'data-fuzzy="1"' in html
    assert "Ada Nguyen" in html
    assert "Close matches" in html


def test_last_name_alone_is_refused_with_a_message(signed_in, incident, grace):
    html = search(signed_in, incident, last_name="Nguyen").content.decode()
    assert (
        "Search by reference code, by phone number, or by last name together with a date of birth, ZIP code or phone."
        in html
    )
    assert "data-results" not in html


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("date_of_birth", "31/31/2012", "“31/31/2012” is not a date"),
        ("postal_code", "659", "“659” is not a ZIP code"),
        ("phone", "12", "“12” is not a telephone number"),
        ("reference_code", "ABC", "“ABC” is not a reference code"),
    ],
)
def test_bad_input_names_the_value(signed_in, incident, field, typed, message):
    html = search(signed_in, incident, last_name="Nguyen", **{field: typed}).content.decode()
    assert message in html


def test_agent_of_another_incident_finds_nobody_here(client, incident, grace):
    other = IncidentFactory.create()
    stranger = member_of(other)
    client.force_login(stranger)
    assert search(client, incident, reference_code=grace.reference_code).status_code == 404
    html = search(client, other, reference_code=grace.reference_code).content.decode()
    assert 'data-results="0"' in html
    start = client.post(reverse("callcenter:call-start", args=[other.slug]), {"recipient": grace.pk})
    assert start.url == reverse("callcenter:lookup", args=[other.slug])
    assert not Call.objects.exists()


def member_of(incident):
    from portal.testing import UserFactory

    user = UserFactory.create()
    member(user, incident, "agent")
    return user


def test_pages_are_never_cached(signed_in, incident, grace):
    for response in (
        signed_in.get(reverse("callcenter:lookup", args=[incident.slug])),
        search(signed_in, incident, reference_code=grace.reference_code),
    ):
        assert "no-store" in response["Cache-Control"]


def test_search_is_audited_without_what_was_typed(signed_in, incident, grace, agent):
    search(signed_in, incident, last_name="Nguyen", date_of_birth="2012-05-01", postal_code="65999")
    search(signed_in, incident, last_name="Nguyen", date_of_birth="2012-05-01", postal_code="65999")
    events = list(AuditEvent.objects.filter(action="lookup.searched").order_by("id"))
    assert len(events) == 2
    assert events[0].actor_id == agent.pk
    assert events[0].incident_id == incident.pk
    assert events[0].details["kind"] == "last_name+date_of_birth+postal_code"
    assert events[0].details["results"] == 1
    assert events[0].details["criteria_hash"] == events[1].details["criteria_hash"]  # same search, same hash
    dumped = json.dumps(events[0].details).lower()
    for personal in ("nguyen", "2012", "65999", "ada", "okafor"):
        assert personal not in dumped


def test_rate_limit_stops_searches_with_a_clear_message(signed_in, incident, grace, settings):
    settings.CALLCENTER_SEARCHES_PER_HOUR = 3
    for _ in range(3):
        assert 'data-results="1"' in search(signed_in, incident, reference_code=grace.reference_code).content.decode()
    html = search(signed_in, incident, reference_code=grace.reference_code).content.decode()
    assert "You have run 3 searches in the past hour, the most allowed" in html
    assert "data-results" not in html
    assert AuditEvent.objects.filter(action="lookup.rate_limited").count() == 1
    assert AuditEvent.objects.filter(action="lookup.searched").count() == 3


def test_screen_pop_by_phone_runs_the_search_and_leaves_the_address_bar(signed_in, incident, grace):
    url = reverse("callcenter:lookup", args=[incident.slug])
    popped = signed_in.get(url, {"phone": "5735550142"})
    assert popped.status_code == 302
    assert popped.url == url
    html = signed_in.get(url).content.decode()
    assert 'data-results="1"' in html
    assert "Ada Nguyen" in html
    # Used once: reloading shows the empty screen.
    assert "data-results" not in signed_in.get(url).content.decode()


def test_screen_pop_by_code(signed_in, incident, grace):
    url = reverse("callcenter:lookup", args=[incident.slug])
    signed_in.get(url, {"code": refcode.display(grace.reference_code)})
    assert 'data-results="1"' in signed_in.get(url).content.decode()


def test_call_starts_at_the_first_search(signed_in, incident, grace, agent):
    search(signed_in, incident, reference_code=grace.reference_code)
    response = signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": grace.pk})
    call = Call.objects.get()
    assert response.url == reverse("callcenter:call-detail", args=[incident.slug, call.pk])
    assert call.agent == agent
    assert call.recipient == grace
    assert call.is_open
    first_search = AuditEvent.objects.get(action="lookup.searched").occurred_at
    assert abs((call.started_at - first_search).total_seconds()) < 5


def test_the_agent_sees_the_escalations_they_own(signed_in, incident, grace, agent, manager):
    from django.utils import timezone

    from callcenter import actions

    call = actions.start_call(manager, incident, grace, timezone.now())
    escalation = actions.escalate(manager, call, agent, "Call back after school")
    html = signed_in.get(reverse("callcenter:lookup", args=[incident.slug])).content.decode()
    assert "Your open escalations" in html
    assert reverse("callcenter:escalation-detail", args=[incident.slug, escalation.pk]) in html


def test_banner_outside_the_hotline_hours(signed_in, incident):
    url = reverse("callcenter:lookup", args=[incident.slug])
    incident.hotline_opens_at, incident.hotline_closes_at = time(0), time(23, 59, 59)
    incident.hotline_days = ""  # open no day of the week
    incident.save()
    assert "The hotline is closed now." in signed_in.get(url).content.decode()
    incident.hotline_days = "0123456"
    incident.save()
    assert "The hotline is closed now." not in signed_in.get(url).content.decode()


def test_a_call_opens_only_on_someone_the_search_showed(signed_in, incident, grace):
    other = family(incident, first_name="Ben")
    search(signed_in, incident, reference_code=grace.reference_code)
    url = reverse("callcenter:call-start", args=[incident.slug])
    refused = signed_in.post(url, {"recipient": other.pk}, follow=True)
    assert "Choose a person from your search results." in refused.content.decode()
    assert not Call.objects.exists()
    opened = signed_in.post(url, {"recipient": grace.pk})
    again = signed_in.post(url, {"recipient": grace.pk})  # a double submit
    assert Call.objects.count() == 1
    assert opened.url == again.url


def test_search_audit_names_whom_it_showed_by_id(signed_in, incident, grace):
    search(signed_in, incident, reference_code=grace.reference_code)
    assert AuditEvent.objects.get(action="lookup.searched").details["shown"] == [grace.pk]


def test_the_first_result_takes_the_focus(signed_in, incident, grace):
    html = search(signed_in, incident, reference_code=grace.reference_code).content.decode()
    assert html.count("autofocus") == 1
    assert html.index("autofocus") > html.index('id="lookup-results"')


def test_open_calls_are_listed_for_the_agent(signed_in, incident, grace):
    search(signed_in, incident, reference_code=grace.reference_code)
    signed_in.post(reverse("callcenter:call-start", args=[incident.slug]), {"recipient": grace.pk})
    html = signed_in.get(reverse("callcenter:lookup", args=[incident.slug])).content.decode()
    assert "Your open calls" in html
    assert "about Ada Nguyen" in html


def _queries_for_search(client, incident):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        html = search(client, incident, last_name="Smith", postal_code="65999").content.decode()
    return len(captured.captured_queries), html


def test_result_list_queries_do_not_grow_with_the_results(signed_in, incident):
    from portal.testing import IndividualFactory, RecipientFactory

    def smith(n):
        RecipientFactory.create(
            individual=IndividualFactory.create(incident=incident, last_name="Smith", first_name=f"Kid{n}"),
            postal_code="65999",
        )

    smith(0)
    one, html = _queries_for_search(signed_in, incident)
    assert 'data-results="1"' in html
    for n in range(1, 25):
        smith(n)
    many, html = _queries_for_search(signed_in, incident)
    assert 'data-results="20"' in html
    assert many == one
