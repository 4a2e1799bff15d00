"""Breakdowns by grouping columns, Benjamini-Hochberg, and trends over three waves."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_testdata import YES_NO, responses
from scipy.stats import false_discovery_control

from analysis import compare_waves
from analysis.trends import trend_kpis


def _frame(seed: int = 3, n: int = 600) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "response_id": range(2 * n),
            "wave": ["b"] * n + ["f"] * n,
            "q": np.concatenate(
                [
                    rng.choice(["yes", "no"], size=n, p=[0.4, 0.6]),
                    rng.choice(["yes", "no"], size=n, p=[0.55, 0.45]),
                ]
            ),
            "phase": rng.choice(["early", "primary", "secondary", ""], size=2 * n),
            "plan": rng.choice(["ehcp", "sen_support"], size=2 * n),
        }
    )


def test_groups_add_up_to_the_total_including_not_stated() -> None:
    item = compare_waves(
        _frame(), [YES_NO], baseline="b", follow_up="f", by=["phase", "plan"]
    ).kpis[0]
    phase = item.breakdowns[0]
    assert phase.column == "phase"
    assert [g.group for g in phase.groups] == ["early", "primary", "secondary", "(not stated)"]
    assert sum(g.baseline.base or 0 for g in phase.groups) == item.baseline.base
    assert sum(g.follow_up.positive or 0 for g in phase.groups) == item.follow_up.positive
    assert item.breakdowns[1].column == "plan"


def test_group_figures_equal_a_comparison_of_that_group_alone() -> None:
    frame = _frame()
    item = compare_waves(frame, [YES_NO], baseline="b", follow_up="f", by=["plan"]).kpis[0]
    alone = compare_waves(frame[frame.plan == "ehcp"], [YES_NO], baseline="b", follow_up="f").kpis[
        0
    ]
    group = item.breakdowns[0].groups[0]
    assert group.group == "ehcp"
    assert group.baseline == alone.baseline
    assert group.change == alone.change


def test_benjamini_hochberg_adjusts_group_p_values() -> None:
    frame = _frame()
    plain = compare_waves(frame, [YES_NO], baseline="b", follow_up="f", by=["phase"]).kpis[0]
    adjusted = compare_waves(
        frame, [YES_NO], baseline="b", follow_up="f", by=["phase"], adjust="bh"
    )
    raw = [g.change.p_value for g in plain.breakdowns[0].groups]
    expected = false_discovery_control(raw, method="bh")
    got = [g.change.p_value_adjusted for g in adjusted.kpis[0].breakdowns[0].groups]
    assert got == pytest.approx(list(expected))
    assert "Benjamini-Hochberg" in adjusted.method.multiple_comparisons
    for g, q in zip(adjusted.kpis[0].breakdowns[0].groups, expected, strict=True):
        assert g.change.significant == (q < 0.05)


def test_publication_withholds_small_counts_and_their_partner() -> None:
    table = responses({"b": (50, 100), "f": (60, 100)}, groups={"g": ["a"] * 9 + ["b"]})
    # Group "b" has 10 rows per wave, some of them "yes": counts of 1-4 follow.
    item = compare_waves(
        table, [YES_NO], baseline="b", follow_up="f", by=["g"], publication=True
    ).kpis[0]
    rows = {g.group: g for g in item.breakdowns[0].groups}
    assert rows["b"].baseline.withheld or rows["b"].follow_up.withheld
    hidden_baseline = [g for g in rows.values() if g.baseline.withheld]
    assert len(hidden_baseline) in (0, 2)
    assert all(g.change.change_pp is None for g in rows.values() if g.baseline.withheld)


def test_trend_compares_each_wave_with_baseline_and_previous() -> None:
    table = responses({"w1": (40, 100), "w2": (50, 100), "w3": (45, 100)})
    trend = trend_kpis(table, [YES_NO], waves=["w1", "w2", "w3"])
    steps = trend.kpis[0].steps
    assert [s.wave for s in steps] == ["w1", "w2", "w3"]
    assert steps[0].against_baseline is None
    assert steps[2].against_baseline is not None and steps[2].against_previous is not None
    assert steps[2].against_baseline.change_pp == pytest.approx(5.0)
    assert steps[2].against_previous.change_pp == pytest.approx(-5.0)
    pair = compare_waves(table, [YES_NO], baseline="w2", follow_up="w3").kpis[0]
    assert steps[2].against_previous == pair.change
