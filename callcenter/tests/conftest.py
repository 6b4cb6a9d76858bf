import pytest


@pytest.fixture(autouse=True)
def _own_cache(settings, request):
    """Each test counts searches afresh: rate-limit counters keyed by user id would otherwise carry over
    between tests that reuse ids (no worker reads this cache)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }
