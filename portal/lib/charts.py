"""Bar charts of one figure per day, laid out for an inline SVG: the geometry here, the markup in
`portal/_day_chart.html`.

Drawn on the server rather than by a charting library. The portal's charts are a few dozen bars;
Chart.js would draw them in the browser from 200 KB of script, after the page, with no picture for a
reader without script, and pygal writes its own inline styles, which a Content Security Policy
without 'unsafe-inline' refuses. Bars and their scale are a page of arithmetic, and the result is
plain SVG styled by the portal's stylesheet, with the figures beside it as a table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

# The drawing box, in SVG units; the page scales it to the width available.
WIDTH, HEIGHT = 640, 250
LEFT, RIGHT, TOP, BOTTOM = 48, 8, 24, 44
BAR_SHARE = 0.62  # of each day's slot; the rest is the gap between bars
LABEL_EVERY_DAY = 16  # up to this many days every bar is labelled; beyond, every seventh


@dataclass(frozen=True)
class Bar:
    day: date
    value: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # its day (and value) written under (and over) it

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class DayChart:
    bars: list[Bar]
    ticks: list[tuple[int, float]]  # values on the vertical scale, with their heights
    busiest: Bar | None  # the highest bar, when any bar has a value
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: int = HEIGHT - BOTTOM

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)

    @property
    def first_day(self) -> date | None:
        return self.bars[0].day if self.bars else None

    @property
    def last_day(self) -> date | None:
        return self.bars[-1].day if self.bars else None


def nice_top(largest: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50... that is at least `largest`: the scale's top."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if multiple * step >= largest:
                return multiple * step
        step *= 10


def _ticks(top: int) -> list[tuple[int, float]]:
    """Zero, the top, and the middle when it is whole."""
    plot_height = HEIGHT - TOP - BOTTOM
    values = [0, top // 2, top] if top % 2 == 0 else [0, top]
    return [(value, TOP + plot_height - plot_height * value / top) for value in values]


def day_chart(per_day: Sequence[tuple[date, int]]) -> DayChart:
    """Bars for consecutive days, oldest first. With many days only every seventh is labelled,
    counted back from the last, so that today always is."""
    top = nice_top(max((value for _, value in per_day), default=0))
    slot = (WIDTH - LEFT - RIGHT) / max(len(per_day), 1)
    plot_height = HEIGHT - TOP - BOTTOM
    every = 1 if len(per_day) <= LABEL_EVERY_DAY else 7
    bars = []
    for n, (day, value) in enumerate(per_day):
        height = round(plot_height * value / top, 1)
        x = round(LEFT + n * slot + slot * (1 - BAR_SHARE) / 2, 1)
        labelled = (len(per_day) - 1 - n) % every == 0
        bars.append(Bar(day, value, x, TOP + plot_height - height, round(slot * BAR_SHARE, 1), height, labelled))
    busiest = max(bars, key=lambda bar: bar.value, default=None)
    return DayChart(bars, _ticks(top), busiest if busiest is not None and busiest.value else None)
