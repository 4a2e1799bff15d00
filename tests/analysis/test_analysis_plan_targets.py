"""Staged target rules of an area's plan, as properties: monotone in the baseline,
never outside 0-100% for proportions, lower-is-better the mirror of higher."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.targets import (
    PLAN_RULES,
    Observation,
    TargetStatus,
    judge_level,
    judge_on_date,
    target_level,
)

percent = st.floats(min_value=0, max_value=100, allow_nan=False)
amount = st.floats(min_value=0, max_value=200, allow_nan=False)
rules = st.sampled_from(PLAN_RULES)
maybe_benchmark = st.none() | percent


@given(rule=rules, value=amount, low=percent, high=percent, higher=st.booleans(),
       benchmark=maybe_benchmark)  # fmt: skip
def test_monotone_in_the_baseline(
    rule: str, value: float, low: float, high: float, higher: bool, benchmark: float | None
) -> None:
    low, high = sorted((low, high))
    kwargs = {"higher_is_better": higher, "percentage": True, "benchmark": benchmark}
    a = target_level(rule, value, baseline=low, **kwargs)
    b = target_level(rule, value, baseline=high, **kwargs)
    assert a is not None and b is not None
    assert a <= b + 1e-9


@given(rule=rules, value=amount, baseline=percent, higher=st.booleans(),
       benchmark=maybe_benchmark)  # fmt: skip
def test_never_outside_0_to_100_for_proportions(
    rule: str, value: float, baseline: float, higher: bool, benchmark: float | None
) -> None:
    level = target_level(
        rule, value, baseline=baseline, higher_is_better=higher, percentage=True,
        benchmark=benchmark,
    )  # fmt: skip
    assert level is not None and 0 <= level <= 100


@given(value=st.floats(min_value=0, max_value=100), baseline=percent)
def test_lower_is_better_mirrors_points(value: float, baseline: float) -> None:
    lower = target_level("baseline_plus_pp", value, baseline=baseline, higher_is_better=False,
                         percentage=True)  # fmt: skip
    higher = target_level("baseline_plus_pp", value, baseline=100 - baseline,
                          higher_is_better=True, percentage=True)  # fmt: skip
    assert lower is not None and higher is not None
    assert lower == pytest.approx(100 - higher)


@given(level=percent, point=percent, width=st.floats(min_value=0, max_value=20))
def test_lower_is_better_judgement_is_the_mirror(level: float, point: float, width: float) -> None:
    low, high = max(0.0, point - width), min(100.0, point + width)
    mirrored = judge_level(100 - level, point=100 - point, low=100 - high, high=100 - low,
                           higher_is_better=True)  # fmt: skip
    assert judge_level(level, point=point, low=low, high=high, higher_is_better=False) is mirrored


@given(value=percent, benchmark=percent, baseline=percent)
def test_benchmark_rules_take_the_higher_or_the_lower(
    value: float, benchmark: float, baseline: float
) -> None:
    common = {"baseline": baseline, "higher_is_better": True, "percentage": True}
    assert target_level("higher_of", value, benchmark=benchmark, **common) == max(value, benchmark)
    assert target_level("lower_of", value, benchmark=benchmark, **common) == min(value, benchmark)
    # Until the benchmark is known, the level alone.
    assert target_level("higher_of", value, **common) == value


def test_sefton_targets_follow_the_agreed_baseline() -> None:
    agreed = {"baseline": 38.5, "higher_is_better": True, "percentage": True}
    assert target_level("baseline_plus_pp", 10, **agreed) == 48.5
    assert target_level("baseline_plus_pp", 15, **agreed) == 53.5
    assert target_level("baseline_plus_relative", 10, **agreed) == pytest.approx(42.35)
    # A relative fall of more than 100% when lower is better is a fall to nothing.
    assert target_level("baseline_plus_relative", 150, baseline=9, higher_is_better=False,
                        percentage=False) == 0  # fmt: skip
    assert target_level("baseline_plus_pp", 10, baseline=None, higher_is_better=True,
                        percentage=True) is None  # fmt: skip
    with pytest.raises(ValueError, match="unknown target rule"):
        target_level("plus_ten", 10, **agreed)


def test_each_target_is_judged_on_its_own_date() -> None:
    dec_19 = Observation(dt.date(2019, 12, 18), "Baseline", 38.2, 35.2, 41.3)
    nov_20 = Observation(dt.date(2020, 11, 30), "Follow-up", 49.0, 45.9, 52.1)
    jul_21 = Observation(dt.date(2021, 7, 31), "Later", 60.0, 57.0, 63.0)
    today = dt.date(2026, 1, 1)
    # Dec-20 target: the figure by its date, not the later (better) one.
    status, used = judge_on_date(48.5, [nov_20, jul_21], due_on=dt.date(2020, 12, 31),
                                 today=today, higher_is_better=True)  # fmt: skip
    assert (status, used) == (TargetStatus.MET_ON_POINT_ESTIMATE, nov_20)
    status, used = judge_on_date(53.5, [nov_20], due_on=dt.date(2021, 6, 30), today=today,
                                 higher_is_better=True)  # fmt: skip
    assert (status, used) == (TargetStatus.NOT_MET_CONFIRMED, nov_20)
    # Not due yet: the latest figure so far.
    _, used = judge_on_date(53.5, [nov_20, jul_21], due_on=dt.date(2027, 1, 1), today=today,
                            higher_is_better=True)  # fmt: skip
    assert used == jul_21
    # No figure by the due date: the first after it.
    _, used = judge_on_date(53.5, [jul_21], due_on=dt.date(2021, 6, 30), today=today,
                            higher_is_better=True)  # fmt: skip
    assert used == jul_21
    assert judge_on_date(53.5, [], due_on=None, today=today, higher_is_better=True)[0] is (
        TargetStatus.INSUFFICIENT_DATA
    )
    assert dec_19.point == 38.2


# --- benchmark-based rules ("the higher of 50% or the national average") -----------------


@given(rule=st.sampled_from(("higher_of", "lower_of")), value=percent, low=percent,
       high=percent, baseline=st.none() | percent, higher=st.booleans())  # fmt: skip
def test_benchmark_rules_are_monotone_in_the_benchmark(
    rule: str, value: float, low: float, high: float, baseline: float | None, higher: bool
) -> None:
    low, high = sorted((low, high))
    common = {"baseline": baseline, "higher_is_better": higher, "percentage": True}
    a = target_level(rule, value, benchmark=low, **common)
    b = target_level(rule, value, benchmark=high, **common)
    assert a is not None and b is not None and a <= b
    # The baseline plays no part: a comparator target is a level.
    assert target_level(rule, value, benchmark=low, **{**common, "baseline": 0.0}) == a


@given(value=percent, benchmark=maybe_benchmark, baseline=percent)
def test_lower_of_for_lower_is_better_mirrors_higher_of(
    value: float, benchmark: float | None, baseline: float
) -> None:
    lower = target_level("lower_of", value, baseline=baseline, higher_is_better=False,
                         percentage=True, benchmark=benchmark)  # fmt: skip
    higher = target_level(
        "higher_of", 100 - value, baseline=100 - baseline, higher_is_better=True,
        percentage=True, benchmark=None if benchmark is None else 100 - benchmark,
    )  # fmt: skip
    assert lower is not None and higher is not None
    assert lower == pytest.approx(100 - higher)


@given(value=amount, benchmark=st.floats(min_value=-50, max_value=250, allow_nan=False),
       higher=st.booleans())  # fmt: skip
def test_a_benchmark_rule_never_leaves_0_to_100_for_proportions(
    value: float, benchmark: float, higher: bool
) -> None:
    for rule in ("higher_of", "lower_of"):
        level = target_level(rule, value, baseline=None, higher_is_better=higher,
                             percentage=True, benchmark=benchmark)  # fmt: skip
        assert level is not None and 0 <= level <= 100
