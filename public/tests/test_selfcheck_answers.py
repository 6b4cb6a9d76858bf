"""The public self-check answers every failure the same way: with a well-formed but wrong field key (the
dates of birth do not open), a known reference code and an unknown one get the same page and status. Its
limits hold over any hour, not per clock hour, and its messages do not repeat what was typed."""

import base64
import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from portal.lib import refcode
from portal.testing import IndividualFactory, RecipientFactory
from public import actions as public_actions

NOT_CONFIRMED = "We could not confirm a notice for this reference code and date of birth."
WRONG_KEY = base64.b64encode(b"another-installations-key-000001").decode()


@pytest.fixture(autouse=True)
def _own_rate_limits(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }


@pytest.fixture
def published(incident, manager):
    for name in ("what_happened", "what_information", "what_we_are_doing", "what_you_can_do", "for_more_information"):
        setattr(incident, name, "Synthetic notice text.")
    incident.hotline_phone = "+18005550100"
    incident.hotline_hours = "Monday to Friday, 8 a.m. to 5:30 p.m."
    incident.save()
    public_actions.publish_notice(manager, incident)
    return incident


def _check(client, incident, code, born):
    url = reverse("public:public-notice", args=[incident.slug])
    return client.post(url, {"reference_code": code, "date_of_birth": born})


def _page(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_wrong_key_answers_a_known_code_as_an_unknown_one(client, published, settings):
    known = RecipientFactory.create(
        individual=IndividualFactory.create(incident=published, date_of_birth=date(2012, 5, 1))
    )
    settings.FIELD_ENCRYPTION_KEYS = f"{settings.FIELD_ENCRYPTION_KEYS.partition(':')[0]}:{WRONG_KEY}"
    known_answer = _check(client, published, known.reference_code, "5/1/2012")
    unknown_answer = _check(client, published, refcode.generate(), "5/1/2012")
    assert known_answer.status_code == unknown_answer.status_code == 200
    assert NOT_CONFIRMED in known_answer.content.decode()
    assert _page(known_answer) == _page(unknown_answer)


EDGE = datetime(2026, 12, 7, 15, 0, 0, tzinfo=UTC)


def test_checks_made_before_the_hour_still_count_after_it(client, published, settings):
    """One address used its 20 checks in the last minute of an hour; the first minute of the next one does
    not give it 20 more."""
    settings.NOTICE_CHECKS_PER_IP_PER_HOUR = 20
    with time_machine.travel(EDGE - timedelta(seconds=40), tick=False):
        answers = [_check(client, published, refcode.generate(), "5/1/2012") for _ in range(20)]
    assert {answer.status_code for answer in answers} == {200}
    with time_machine.travel(EDGE + timedelta(seconds=20), tick=False):
        limited = _check(client, published, refcode.generate(), "5/1/2012")
    assert limited.status_code == 429
    assert 3540 <= int(limited["Retry-After"]) <= 3600
    assert "Too many checks" in limited.content.decode()


def test_a_wrong_date_of_birth_is_not_repeated(client, published):
    html = _check(client, published, "k7qx-m4tp", "13/45/2011").content.decode()
    assert "This is not a reference code" in html
    assert "This is not a date" in html
    assert "“13/45/2011”" not in html
    assert "“k7qx-m4tp”" not in html
