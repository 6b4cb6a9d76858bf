import pytest

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
    """Ada Nguyen's record, whose letter goes to her guardian Grace Okafor (see helpers.family)."""
    return family(incident)


@pytest.fixture
def signed_in(client, agent):
    client.force_login(agent)
    return client
