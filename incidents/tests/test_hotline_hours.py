from datetime import UTC, datetime, time

import pytest

from incidents.models import Incident


def _incident(**fields):
    defaults = {
        "hotline_days": "01234",
        "hotline_opens_at": time(8),
        "hotline_closes_at": time(17, 30),
        "hotline_time_zone": "America/Chicago",
    }
    return Incident(**{**defaults, **fields})


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (datetime(2026, 11, 30, 14, 0, tzinfo=UTC), True),  # Monday 8:00 Central
        (datetime(2026, 11, 30, 13, 59, tzinfo=UTC), False),  # Monday 7:59 Central
        (datetime(2026, 11, 30, 23, 29, tzinfo=UTC), True),  # Monday 17:29 Central
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), False),  # Monday 17:30 Central: closed
        (datetime(2026, 11, 28, 16, 0, tzinfo=UTC), False),  # Saturday 10:00 Central
        (datetime(2026, 12, 1, 3, 0, tzinfo=UTC), False),  # Monday 21:00 Central, Tuesday in UTC
    ],
)
def test_hotline_is_open_in_its_own_time_zone(moment, is_open):
    assert _incident().hotline_is_open(moment) is is_open


def test_hours_not_set_say_nothing():
    assert _incident(hotline_opens_at=None, hotline_closes_at=None).hotline_is_open(datetime.now(UTC)) is None
