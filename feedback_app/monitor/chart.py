"""A server-rendered SVG bar chart of responses per day: geometry only, no JavaScript.

Counts of 1 to 4 must not be readable from a bar's height either, so those days
are drawn at the height of 4, in a paler "fewer than 5" style.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from feedback_app.monitor.counts import DayCount
from feedback_app.monitor.representation import SMALL_COUNT, is_small

WIDTH, HEIGHT, AXIS = 600, 220, 24
#: Room above the tallest bar for the "highest" label, so it never sits on a bar.
TOP = 24
#: At most this many dates are written under the axis.
MAX_TICKS = 6


@dataclass(frozen=True)
class Bar:
    """One bar: position, size and whether it stands for "fewer than 5"."""

    x: float
    y: float
    width: float
    height: float
    series: str
    few: bool


@dataclass(frozen=True)
class Tick:
    """A date written under the axis, centred on its day's bars."""

    x: float
    day: dt.date
    anchor: str


@dataclass(frozen=True)
class Chart:
    """The bars, the dates under the axis and the largest value on the scale."""

    bars: tuple[Bar, ...]
    scale_max: int
    ticks: tuple[Tick, ...] = ()
    width: int = WIDTH
    height: int = HEIGHT
    axis: int = AXIS


def _drawn(count: int) -> int:
    return SMALL_COUNT - 1 if is_small(count) else count


def day_chart(days: Sequence[DayCount]) -> Chart:
    """Two bars per day (started, submitted) scaled to the busiest day."""
    scale_max = max([_drawn(d.started) for d in days] + [_drawn(d.submitted) for d in days] + [1])
    slot = WIDTH / max(len(days), 1)
    bar_width = slot * 0.4
    plot_height = HEIGHT - AXIS - TOP
    bars = []
    for index, day in enumerate(days):
        for offset, series, count in (
            (0.1, "started", day.started),
            (0.5, "submitted", day.submitted),
        ):
            height = plot_height * _drawn(count) / scale_max
            bars.append(
                Bar(
                    x=round(index * slot + slot * offset, 2),
                    y=round(TOP + plot_height - height, 2),
                    width=round(bar_width, 2),
                    height=round(height, 2),
                    series=series,
                    few=is_small(count),
                )
            )
    return Chart(bars=tuple(bars), scale_max=scale_max, ticks=_ticks(days, slot))


def _ticks(days: Sequence[DayCount], slot: float) -> tuple[Tick, ...]:
    # The first and last day always; evenly spaced days between, at most MAX_TICKS.
    if not days:
        return ()
    step = max(1, math.ceil((len(days) - 1) / (MAX_TICKS - 1)))
    indexes = sorted({*range(0, len(days), step), len(days) - 1})
    if len(indexes) > 1 and indexes[-1] - indexes[-2] < step:
        indexes.pop(-2)  # keep the last day's date clear of its neighbour's
    ticks = []
    for index in indexes:
        anchor = "start" if index == 0 else "end" if index == len(days) - 1 else "middle"
        x = (
            index * slot
            if anchor == "start"
            else (index + 1) * slot
            if anchor == "end"
            else ((index + 0.5) * slot)
        )
        ticks.append(Tick(x=round(x, 2), day=days[index].day, anchor=anchor))
    return tuple(ticks)
