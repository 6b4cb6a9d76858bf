from datetime import timedelta

import pytest
from django.utils import timezone

from callcenter import actions
from callcenter.models import Call
from callcenter.tests.screens import NEW_ADDRESS, _call, _verified_call
from portal.testing import RecipientFactory
from portal.testing.callers import family


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    """Each test counts searches afresh: rate-limit counters keyed by user id would otherwise carry over
    between tests that reuse ids (no worker reads this cache)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }


@pytest.fixture
def grace(incident):
    """Ada Nguyen's record, whose letter goes to her guardian Grace Okafor (see portal.testing.callers.family)."""
    return family(incident)


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def recipient(incident):
    return RecipientFactory.create(individual__incident=incident, name="Grace Testparent")


@pytest.fixture
def escalation(incident, agent, manager, recipient):
    started = timezone.now() - timedelta(hours=3)
    call = _call(incident, agent, started, caller_name="Casey Caller", recipient=recipient)
    escalation = actions.escalate(agent, call, manager, "Wants to know why the nurse's records were in the files.")
    Call.objects.filter(pk=call.pk).update(ended_at=started + timedelta(minutes=5))  # escalated during the call
    return escalation


@pytest.fixture
def change(agent, incident, recipient):
    return actions.request_address_change(agent, _verified_call(agent, incident, recipient), NEW_ADDRESS)
