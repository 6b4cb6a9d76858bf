"""Sliding windows: no span of the window ever holds more than the limit, around a clock hour's edge
included, and a refusal says truly when the next hit will be let in. Run on the configured cache (files
when embedded, Redis with REDIS_URL)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from portal.lib.ratelimit import SlidingWindow

EDGE = datetime(2026, 12, 7, 11, 0, 0, tzinfo=UTC)  # a clock hour begins


@pytest.fixture
def window():
    return SlidingWindow(f"test.{uuid.uuid4().hex}", limit=20, seconds=3600)


def _at(moment: datetime):
    return time_machine.travel(moment, tick=False)


def test_the_limit_spent_before_the_hour_is_still_spent_after_it(window):
    with _at(EDGE - timedelta(seconds=1)):
        assert all(window.hit("198.51.100.7").allowed for _ in range(20))
        refused = window.hit("198.51.100.7")
    assert not refused.allowed
    with _at(EDGE + timedelta(seconds=1)):  # a fixed window would start counting afresh here
        assert not window.hit("198.51.100.7").allowed
    with _at(EDGE + timedelta(minutes=58)):
        assert not window.hit("198.51.100.7").allowed
    assert window.hit("203.0.113.9").allowed  # others are counted apart


def test_a_refusal_says_when_the_next_hit_is_let_in(window):
    with _at(EDGE - timedelta(minutes=10)):
        assert all(window.hit("agent-7").allowed for _ in range(20))
    with _at(EDGE + timedelta(minutes=20)):
        refused = window.hit("agent-7")
    assert not refused.allowed
    reopens = EDGE + timedelta(minutes=20, seconds=refused.retry_after)
    assert EDGE + timedelta(minutes=50) <= reopens <= EDGE + timedelta(minutes=51)  # an hour on, a slot at most
    with _at(reopens - timedelta(seconds=2)):
        assert not window.hit("agent-7").allowed
    with _at(reopens):
        assert window.hit("agent-7").allowed


def test_twice_the_limit_never_lands_within_an_hour(window):
    """Someone who tries every 30 seconds for three hours: within any hour at most 20 are let in."""
    accepted = []
    for step in range(6 * 60):
        moment = EDGE - timedelta(minutes=90) + timedelta(seconds=30 * step)
        with _at(moment):
            if window.hit("198.51.100.7").allowed:
                accepted.append(moment)
    for first in accepted:
        assert sum(1 for moment in accepted if first <= moment < first + timedelta(hours=1)) <= 20
    assert len(accepted) >= 50  # and the limit is not stricter than it says: about 20 an hour go through


def test_only_the_first_refusal_is_marked_for_the_audit_trail(window):
    with _at(EDGE):
        for _ in range(20):
            window.hit("198.51.100.7")
        refusals = [window.hit("198.51.100.7") for _ in range(5)]
    assert [r.first_refusal for r in refusals] == [True, False, False, False, False]
