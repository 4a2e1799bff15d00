"""Reproduce published figures: Newcombe (1998) and the English Housing Survey."""

from __future__ import annotations

import numpy as np
import pytest
from analysis_testdata import kpi, responses

from analysis import compare_waves
from analysis.proportions import newcombe_interval, wilson_interval

# Newcombe RG (1998) "Two-sided confidence intervals for the single proportion:
# comparison of seven methods", Stat Med 17:857-872, Table I, method 3 (score).
WILSON_PUBLISHED = [
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0000, 0.1611),
    (1, 29, 0.0061, 0.1718),
]

# Newcombe RG (1998) "Interval estimation for the difference between independent
# proportions: comparison of eleven methods", Stat Med 17:873-890, Table II, method 10.
# (m/n for the first sample, which is our follow-up, minus the second, our baseline.)
NEWCOMBE_PUBLISHED = [
    ((56, 70), (48, 80), 0.0524, 0.3339),
    ((9, 10), (3, 10), 0.1705, 0.8090),
    ((6, 7), (2, 7), 0.0582, 0.8062),
    ((5, 56), (0, 29), -0.0381, 0.1926),
    ((0, 10), (0, 20), -0.1611, 0.2775),
    ((0, 10), (0, 10), -0.2775, 0.2775),
    ((10, 10), (0, 20), 0.6791, 1.0000),
    ((10, 10), (0, 10), 0.6075, 1.0000),
]


@pytest.mark.parametrize(("k", "n", "low", "high"), WILSON_PUBLISHED)
def test_wilson_matches_newcombe_1998_table(k: int, n: int, low: float, high: float) -> None:
    got_low, got_high = wilson_interval(k, n)
    assert round(float(got_low), 4) == low
    assert round(float(got_high), 4) == high


@pytest.mark.parametrize(("follow_up", "baseline", "low", "high"), NEWCOMBE_PUBLISHED)
def test_newcombe_method_10_matches_published_table(
    follow_up: tuple[int, int], baseline: tuple[int, int], low: float, high: float
) -> None:
    (k2, n2), (k1, n1) = follow_up, baseline
    b = (np.array(k1 / n1), *wilson_interval(k1, n1))
    f = (np.array(k2 / n2), *wilson_interval(k2, n2))
    got_low, got_high = newcombe_interval(baseline=b, follow_up=f)
    assert round(float(got_low), 4) == low
    assert round(float(got_high), 4) == high


def test_newcombe_worked_example_through_compare_waves() -> None:
    result = compare_waves(
        responses({"b": (48, 80), "f": (56, 70)}), [kpi()], baseline="b", follow_up="f"
    )
    item = result.kpis[0]
    assert item.change.change_pp == pytest.approx(20.0)
    assert round(item.change.change_ci_low or 0, 2) == 5.24
    assert round(item.change.change_ci_high or 0, 2) == 33.39


# English Housing Survey between-year significance note: 2001 33.3% of 17,532;
# 2002/03 31.2% of 16,648; 2003/04 29.2% of 16,502; both changes significant at 95%.
EHS = {"2001": (0.333, 17532), "2002/03": (0.312, 16648), "2003/04": (0.292, 16502)}


def _ehs_counts() -> dict[str, tuple[int, int]]:
    return {wave: (round(p * n), n) for wave, (p, n) in EHS.items()}


@pytest.mark.parametrize(("baseline", "follow_up"), [("2001", "2002/03"), ("2002/03", "2003/04")])
def test_english_housing_survey_between_year_changes_are_significant(
    baseline: str, follow_up: str
) -> None:
    table = responses(_ehs_counts())
    item = compare_waves(table, [kpi()], baseline=baseline, follow_up=follow_up).kpis[0]
    p1, n1 = EHS[baseline]
    p2, n2 = EHS[follow_up]
    assert item.baseline.base == n1
    assert item.follow_up.base == n2
    assert item.baseline.percent == pytest.approx(p1 * 100, abs=0.01)
    assert item.follow_up.percent == pytest.approx(p2 * 100, abs=0.01)
    # The EHS formula: unpooled SE, 1.96 * SE as the margin for the difference.
    se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    assert abs(p2 - p1) > 1.96 * se
    assert item.change.test == "z-test"
    assert item.change.significant is True
    assert item.change.p_value is not None and item.change.p_value < 0.05
    assert item.change.direction.value == "declined"
    assert item.change.change_pp == pytest.approx((p2 - p1) * 100, abs=0.01)


def test_ehs_2001_to_2003_04_is_significant_and_z_matches_hand_computation() -> None:
    table = responses(_ehs_counts())
    item = compare_waves(table, [kpi()], baseline="2001", follow_up="2003/04").kpis[0]
    (k1, n1), (k2, n2) = _ehs_counts()["2001"], _ehs_counts()["2003/04"]
    p1, p2 = k1 / n1, k2 / n2
    z = (p2 - p1) / np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    from scipy.stats import norm

    assert item.change.p_value == pytest.approx(2 * norm.sf(abs(z)), rel=1e-9)
    assert item.change.significant is True
