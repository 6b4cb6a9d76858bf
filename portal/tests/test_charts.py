"""The day charts' geometry: a scale that reads at a glance, bars in proportion, labels that fit."""

from datetime import date, timedelta

from portal.lib import charts


def _days(*values: int) -> list[tuple[date, int]]:
    return [(date(2026, 11, 1) + timedelta(days=n), value) for n, value in enumerate(values)]


def test_the_scale_tops_at_one_two_or_five_times_a_power_of_ten():
    assert [charts.nice_top(n) for n in (0, 1, 3, 7, 11, 180, 2001)] == [1, 1, 5, 10, 20, 200, 5000]


def test_bars_stand_in_proportion_on_a_common_baseline():
    chart = charts.day_chart(_days(0, 5, 10))
    zero, half, full = chart.bars
    assert zero.height == 0
    assert full.height == 2 * half.height
    assert {bar.y + bar.height for bar in chart.bars} == {chart.baseline}
    assert [value for value, _ in chart.ticks] == [0, 5, 10]
    assert chart.total == 15
    assert chart.busiest == full


def test_a_month_of_days_labels_every_seventh_ending_today():
    chart = charts.day_chart(_days(*range(30)))
    labelled = [bar.day.day for bar in chart.bars if bar.labelled]
    assert labelled == [2, 9, 16, 23, 30]
    assert all(bar.labelled for bar in charts.day_chart(_days(*range(14))).bars)


def test_a_chart_of_zeros_has_no_busiest_day():
    assert charts.day_chart(_days(0, 0)).busiest is None


def test_lockouts_count_an_ipv6_subscriber_as_one_and_a_missing_header_as_the_connection(rf, settings):
    from portal.lib.client_ip import client_ip

    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    assert client_ip(rf.get("/", HTTP_X_REAL_IP="2001:db8:1:2:3:4:5:6")) == "2001:db8:1:2::/64"
    assert client_ip(rf.get("/", REMOTE_ADDR="203.0.113.7")) == "203.0.113.7"
    assert client_ip(rf.get("/", HTTP_X_REAL_IP="198.51.100.1, 203.0.113.9")) == "203.0.113.9"
