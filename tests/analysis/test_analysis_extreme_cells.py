"""Issue 18 (4): tests that fit small and extreme cells, weighted or not."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from analysis.estimates import FISHER_EXACT, RAO_SCOTT, Z_TEST, CellCounts, changes


def _cells(
    k: int, n: int, *, effective: float | None = None, share: float | None = None
) -> CellCounts:
    return CellCounts(
        np.array([n]),
        np.array([k]),
        np.array([share if share is not None else k / n]),
        np.array([effective if effective is not None else float(n)]),
        weighted=effective is not None,
    )


def test_a_wave_at_100_percent_uses_fishers_exact_test() -> None:
    change = changes(baseline=_cells(3, 40), follow_up=_cells(35, 35), higher_is_better=True)[0]
    fisher = stats.fisher_exact([[3, 37], [35, 0]]).pvalue
    assert change.test == FISHER_EXACT
    assert change.p_value == pytest.approx(fisher, rel=1e-9)
    assert change.p_value > 1e-20  # not the unpooled z-test's 2.7e-109


def test_a_wave_at_0_percent_uses_fishers_exact_test() -> None:
    change = changes(baseline=_cells(0, 200), follow_up=_cells(12, 200), higher_is_better=True)[0]
    assert change.test == FISHER_EXACT
    assert change.p_value == pytest.approx(
        stats.fisher_exact([[0, 200], [12, 188]]).pvalue, rel=1e-9
    )


def test_ordinary_cells_keep_the_unpooled_z_test() -> None:
    change = changes(baseline=_cells(48, 80), follow_up=_cells(56, 70), higher_is_better=True)[0]
    assert change.test == Z_TEST


def test_weighted_extreme_cells_use_rao_scott_not_fisher_on_rounded_counts() -> None:
    # Weighted 10% of effective 31.7 against 100% of effective 28.4.
    baseline = _cells(4, 40, effective=31.7, share=0.10)
    follow_up = _cells(35, 35, effective=28.4, share=1.0)
    change = changes(baseline=baseline, follow_up=follow_up, higher_is_better=True)[0]
    assert change.test == RAO_SCOTT
    # Independent check: statsmodels' pooled z-test on the effective counts (the
    # Rao-Scott first-order correction is Pearson's chi-square divided by the deff).
    _, expected = proportions_ztest(
        [0.10 * 31.7, 1.0 * 28.4], [31.7, 28.4], alternative="two-sided", prop_var=False
    )
    assert change.p_value == pytest.approx(expected, rel=1e-9)
