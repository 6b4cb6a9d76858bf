"""The agent's search limit holds over any hour, not per clock hour: searches run just before an hour
begins still count just after it."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from audit.models import AuditEvent
from portal.testing.callers import search

pytestmark = pytest.mark.django_db
EDGE = datetime(2026, 12, 7, 15, 0, 0, tzinfo=UTC)


def test_searches_run_before_the_hour_still_count_after_it(client, agent, incident, grace, settings):
    settings.CALLCENTER_SEARCHES_PER_HOUR = 3
    with time_machine.travel(EDGE - timedelta(seconds=30), tick=False):
        client.force_login(agent)
        for _ in range(3):
            assert 'data-results="1"' in search(client, incident, reference_code=grace.reference_code).content.decode()
    with time_machine.travel(EDGE + timedelta(seconds=30), tick=False):
        html = search(client, incident, reference_code=grace.reference_code).content.decode()
    assert "You have run 3 searches in the past hour, the most allowed" in html
    assert "Searching opens again in about 60 minutes" in html
    assert "data-results" not in html
    assert AuditEvent.objects.filter(action="lookup.searched").count() == 3
