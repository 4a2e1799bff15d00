"""The monitor chart: dates under the axis, the "highest" label above every bar,
and started and submitted in two hues."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from feedback_app.monitor.chart import TOP, day_chart
from feedback_app.monitor.counts import DayCount

ROOT = Path(__file__).resolve().parents[3]


def _days(count: int) -> list[DayCount]:
    first = dt.date(2026, 10, 1)
    return [DayCount(first + dt.timedelta(days=i), 54 if i == 3 else 6, 5) for i in range(count)]


def test_dates_under_the_axis_and_room_for_the_highest_label() -> None:
    days = _days(40)
    chart = day_chart(days)
    assert chart.ticks[0].day == days[0].day and chart.ticks[0].anchor == "start"
    assert chart.ticks[-1].day == days[-1].day and chart.ticks[-1].anchor == "end"
    assert 2 <= len(chart.ticks) <= 6
    assert [t.x for t in chart.ticks] == sorted(t.x for t in chart.ticks)
    # The busiest day's bar starts below the label's line.
    assert min(bar.y for bar in chart.bars) >= TOP
    one = day_chart(_days(1))
    assert [t.day for t in one.ticks] == [dt.date(2026, 10, 1)]


def test_started_and_submitted_are_different_hues() -> None:
    scss = (ROOT / "feedback_app/static/src/_product.scss").read_text(encoding="utf-8")
    started = scss.split(".app-chart__bar--started {", 1)[1].split("}", 1)[0]
    submitted = scss.split(".app-chart__bar--submitted {", 1)[1].split("}", 1)[0]
    assert '"blue"' in submitted and '"blue"' not in started
