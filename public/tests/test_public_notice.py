"""The public notice page and its self-service check: published or not found, the sections in the
order the incident form and the letters give them, an answer that cannot tell an unknown code from a wrong
date of birth, limits per IP address and per code, and every check audited."""

import re
import uuid
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from portal.lib import errors, refcode
from portal.testing import IncidentFactory, IndividualFactory, RecipientFactory, expose
from public import actions as public_actions
from public.models import NoticeUpdate

SECTIONS = {
    "what_happened": "A staff member copied student files to a personal mailbox.",
    "what_information": "Names, addresses and education records.",
    "what_we_are_doing": "We disabled the account and notified law enforcement.",
    "what_you_can_do": "Review account statements and order your free credit reports.",
    "for_more_information": "Call the hotline on weekdays.",
}
NOT_CONFIRMED = "We could not confirm a notice for this reference code and date of birth."


@pytest.fixture(autouse=True)
def _own_rate_limits(settings):
    """Each test counts its checks afresh."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def published(incident, manager):
    for name, text in SECTIONS.items():
        setattr(incident, name, text)
    incident.hotline_phone = "+18005550100"
    incident.hotline_hours = "Monday to Friday, 8 a.m. to 5:30 p.m."
    incident.save()
    public_actions.publish_notice(manager, incident)
    incident.refresh_from_db()
    return incident


@pytest.fixture
def recipient(published):
    person = IndividualFactory.create(incident=published, date_of_birth=date(2012, 5, 1))
    expose(person, "name", "medical_information")
    return RecipientFactory.create(individual=person)


def _url(incident):
    return reverse("public:public-notice", args=[incident.slug])


def _check(client, incident, code, born, **extra):
    return client.post(_url(incident), {"reference_code": code, "date_of_birth": born}, **extra)


def _without_token(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_an_unpublished_notice_is_not_found(client, incident):
    assert client.get(_url(incident)).status_code == 404
    assert client.post(_url(incident), {"reference_code": "x", "date_of_birth": "x"}).status_code == 404


def test_publishing_is_refused_until_every_section_and_the_hotline_are_written(incident, manager):
    incident.what_happened = "Something happened."
    incident.save()
    with pytest.raises(errors.ActionRefused) as refused:
        public_actions.publish_notice(manager, incident)
    message = str(refused.value)
    assert "what information was involved" in message
    assert "the hotline's telephone number" in message
    assert "what happened" not in message
    incident.refresh_from_db()
    assert incident.notice_published_at is None


def test_the_published_notice_reads_without_signing_in_in_the_order_of_the_form_and_letters(client, published):
    NoticeUpdate.objects.create(incident=published, posted_on=date(2026, 10, 1), text="Letters were mailed.")
    NoticeUpdate.objects.create(incident=published, posted_on=date(2026, 10, 9), text="The hotline hours grew.")
    response = client.get(_url(published))
    assert response.status_code == 200
    html = response.content.decode()
    headings = re.findall(r'<h2 id="section-\d">([^<]+)</h2>', html)
    assert headings == [
        "What happened",
        "What information was involved",
        "What we are doing",
        "What you can do",
        "For more information",
    ]
    for text in SECTIONS.values():
        assert text in html
    assert 'Questions? Call <span class="text-no-wrap">(800) 555-0100</span>' in html
    assert "Monday to Friday, 8 a.m. to 5:30 p.m." in html
    assert html.index("October 9, 2026") < html.index("October 1, 2026")  # newest first
    assert "Sign out" not in html


def test_taking_the_notice_down_makes_its_address_not_found_again(client, published, manager):
    public_actions.unpublish_notice(manager, published)
    assert client.get(_url(published)).status_code == 404
    events = AuditEvent.objects.filter(action__startswith="notice.").order_by("id")
    assert list(events.values_list("action", flat=True)) == [
        "notice.published",
        "notice.unpublished",
    ]


def test_the_right_code_and_date_of_birth_show_the_data_types(client, recipient, published):
    typed = refcode.display(recipient.reference_code).lower()  # as read from the letter, in lower case
    response = _check(client, published, typed, "5/1/2012")
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Yes: this person's information was involved" in html
    assert "<strong>Name</strong>: The person's first and last name." in html  # worded for whoever checks
    assert "<strong>Medical information</strong>" in html
    assert typed not in html  # what was typed is not shown back
    assert recipient.reference_code not in html
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="notice.checked")
    assert (event.actor_id, event.target_id, event.details) == (None, str(recipient.pk), {"outcome": "confirmed"})


def test_an_unknown_code_and_a_wrong_date_of_birth_get_the_same_answer_after_the_same_work(
    client, recipient, published
):
    unknown = refcode.generate()
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown_answer = _check(client, published, unknown, "5/1/2012")
    with CaptureQueriesContext(connection) as wrong_queries:
        wrong_answer = _check(client, published, recipient.reference_code, "5/2/2012")
    assert unknown_answer.status_code == wrong_answer.status_code == 200
    assert NOT_CONFIRMED in unknown_answer.content.decode()
    assert _without_token(unknown_answer.content.decode()) == _without_token(wrong_answer.content.decode())
    assert len(unknown_queries) == len(wrong_queries)
    outcomes = AuditEvent.objects.filter(action="notice.checked").values_list("details", flat=True)
    assert list(outcomes) == [{"outcome": "not_confirmed"}] * 2


def test_a_code_from_another_incident_is_not_confirmed(client, published, recipient):
    elsewhere = IncidentFactory.create()
    stranger = RecipientFactory.create(individual=IndividualFactory.create(incident=elsewhere))
    assert NOT_CONFIRMED in _check(client, published, stranger.reference_code, "5/1/2012").content.decode()


def test_checks_on_one_code_are_limited_wherever_they_come_from(client, settings, recipient, published):
    settings.NOTICE_CHECKS_PER_CODE_PER_HOUR = 2
    for n in range(2):
        _check(client, published, recipient.reference_code, "1/1/2000", REMOTE_ADDR=f"198.51.100.{n}")
    response = _check(client, published, recipient.reference_code, "5/1/2012", REMOTE_ADDR="198.51.100.9")
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many checks" in html
    assert "Medical information" not in html
    assert AuditEvent.objects.filter(action="notice.checked").order_by("pk").values_list("details", flat=True)[2] == {
        "outcome": "limited"
    }


def test_checks_from_one_address_are_limited_across_codes(client, settings, recipient, published):
    settings.NOTICE_CHECKS_PER_IP_PER_HOUR = 2
    for _ in range(2):
        _check(client, published, refcode.generate(), "1/1/2000")
    assert _check(client, published, recipient.reference_code, "5/1/2012").status_code == 429
    other_address = _check(client, published, recipient.reference_code, "5/1/2012", REMOTE_ADDR="203.0.113.7")
    assert "Medical information" in other_address.content.decode()


def test_typing_mistakes_are_named_and_are_not_counted_as_checks(client, published):
    html = _check(client, published, "K7QX-M4TP", "31/31/2001").content.decode()
    assert "This is not a reference code" in html
    assert "This is not a date; type it as MM/DD/YYYY." in html
    assert "“K7QX-M4TP”" not in html  # what was typed is not repeated in the messages
    assert "“31/31/2001”" not in html
    assert not AuditEvent.objects.filter(action="notice.checked").exists()


def test_managers_post_updates_and_publish_from_the_notice_screen(client, incident, manager, agent):
    client.force_login(agent)
    assert client.get(reverse("public:notice-manage", args=[incident.slug])).status_code == 403
    client.force_login(manager)
    url = reverse("public:notice-manage", args=[incident.slug])
    response = client.post(url, {"posted_on": "2026-10-02", "text": "  Letters go out this week.  "}, follow=True)
    assert "Letters go out this week." in response.content.decode()
    assert NoticeUpdate.objects.get().text == "Letters go out this week."
    refused = client.post(reverse("public:notice-publish", args=[incident.slug]), follow=True)
    assert "Before the notice goes public, fill in:" in refused.content.decode()
    assert client.get(_url(incident)).status_code == 404


def test_an_address_over_its_limit_cannot_use_up_a_codes_checks(client, settings, recipient, published):
    settings.NOTICE_CHECKS_PER_IP_PER_HOUR = 2
    settings.NOTICE_CHECKS_PER_CODE_PER_HOUR = 3
    for _ in range(6):  # two checked, four refused by the address's limit
        last = _check(client, published, recipient.reference_code, "1/1/2000", REMOTE_ADDR="198.51.100.1")
    assert last.status_code == 429
    assert int(last["Retry-After"]) > 0
    limited = AuditEvent.objects.filter(action="notice.checked", details={"outcome": "limited"})
    assert limited.count() == 1  # the first refusal of the hour; the rest are only counted
    family = _check(client, published, recipient.reference_code, "5/1/2012", REMOTE_ADDR="203.0.113.7")
    assert "<strong>Medical information</strong>" in family.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("51012", "This is not a date; type it as MM/DD/YYYY."),
        ("5/1/2099", "This date is in the future; type the date of birth on the letter."),
        ("5/1/1850", "This date is before 1900; type the date of birth on the letter."),
    ],
)
def test_a_date_of_birth_the_public_could_not_mean_is_named_and_not_checked(client, published, typed, message):
    html = _check(client, published, refcode.generate(), typed).content.decode()
    assert message in html
    assert f"“{typed}”" not in html
    assert not AuditEvent.objects.filter(action="notice.checked").exists()


def test_an_individual_without_a_date_of_birth_on_file_is_never_confirmed(client, published):
    person = IndividualFactory.create(incident=published, date_of_birth=None)
    expose(person, "name")
    unknown_birth = RecipientFactory.create(individual=person)
    assert NOT_CONFIRMED in _check(client, published, unknown_birth.reference_code, "5/1/2012").content.decode()
