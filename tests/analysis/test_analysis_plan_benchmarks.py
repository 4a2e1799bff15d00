"""Which published benchmark the board shows and a comparator target uses."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from analysis.plan_benchmarks import latest_benchmarks, matches, target_benchmark
from surveys.kpis import BenchmarkFigure


def _figure(comparator: str, year: int, value: float, name: str | None = None,
            published: dt.date | None = None) -> BenchmarkFigure:  # fmt: skip
    return BenchmarkFigure(
        comparator=comparator, name=name, period=str(year), date=dt.date(year, 12, 31),
        value=value, source="DfE", published_on=published or dt.date(year + 1, 6, 10),
    )  # fmt: skip


def test_the_latest_of_each_comparator_in_a_fixed_order() -> None:
    figures = [
        _figure("neighbour", 2020, 40, "Wirral"),
        _figure("england", 2019, 50),
        _figure("neighbour", 2020, 50, "St Helens"),
        _figure("england", 2020, 52),
        _figure("region", 2020, 51, "North West"),
        _figure("neighbour", 2019, 30, "Wirral"),
    ]
    shown = [(f.comparator, f.name, f.value) for f in latest_benchmarks(figures)]
    assert shown == [
        ("england", None, 52),
        ("region", "North West", 51),
        ("neighbours", None, 45),  # worked out from the two named neighbours of 2020
        ("neighbour", "St Helens", 50),
        ("neighbour", "Wirral", 40),
    ]
    # An average the plan gives is used as it is, not worked out again.
    given_average = [*figures, _figure("neighbours", 2020, 47.5)]
    average = [f for f in latest_benchmarks(given_average) if f.comparator == "neighbours"]
    assert [f.value for f in average] == [47.5]


def test_a_target_names_its_comparator_in_the_plan_s_words() -> None:
    england = _figure("england", 2020, 52)
    region = _figure("region", 2020, 51, "North West")
    assert matches(england, "National average") and matches(england, "england")
    assert matches(region, "north  west") and matches(region, "Regional average")
    assert not matches(region, "National average")
    assert target_benchmark([england, region], "Statistical neighbours", due_on=None) is None


years = st.lists(st.integers(min_value=2015, max_value=2030), min_size=1, max_size=8,
                 unique=True)  # fmt: skip


@given(years=years, due_year=st.integers(min_value=2014, max_value=2031))
def test_a_target_uses_the_figure_of_its_own_date(years: list[int], due_year: int) -> None:
    figures = [_figure("england", y, float(y - 2000)) for y in years]
    due_on = dt.date(due_year, 12, 31)
    used = target_benchmark(figures, "National average", due_on=due_on)
    assert used is not None
    on_time = [y for y in years if y <= due_year]
    # The latest on or before the due date; none by then: the first after it.
    assert int(used.period) == (max(on_time) if on_time else min(years))
    # A figure published later for a later period never moves a target already due.
    later = [*figures, _figure("england", max(*years, due_year) + 1, 99.0)]
    if on_time:
        assert target_benchmark(later, "National average", due_on=due_on) == used
