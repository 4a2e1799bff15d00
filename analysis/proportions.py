"""Interval estimates and tests for proportions (statistics.md, "One proportion", "Change").

All functions work on numpy arrays (one element per KPI, wave or group) so that a
breakdown with many groups costs a handful of array operations, not a Python loop.
Proportions are on the 0-1 scale here; callers turn them into percentages.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

#: Two-sided 95% normal quantile: ``scipy.stats.norm.ppf(0.975)``, written out so
#: that importing this module does not load scipy.stats (0.4 s);
#: tests/project/test_startup_imports.py checks the two agree.
Z_95: Final[float] = 1.959963984540054
ALPHA: Final[float] = 0.05
#: Below this expected count in any cell of the 2x2 table, Fisher's exact test is used.
MIN_EXPECTED: Final[float] = 5.0


def wilson_interval(
    positive: npt.ArrayLike, base: npt.ArrayLike, z: float = Z_95
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a proportion, closed form (Newcombe 1998, method 3).

    ``base`` may be a Kish effective sample size (not an integer) when weights are used;
    then ``positive`` is the weighted proportion times the effective base.

    Parameters
    ----------
    positive, base
        Counts (arrays or scalars). Where ``base`` is 0 the bounds are NaN.
    z
        Normal quantile; the default gives a 95% interval.

    Returns
    -------
    (low, high)
        Bounds on the 0-1 scale, as float arrays.

    Examples
    --------
    >>> low, high = wilson_interval(81, 263)
    >>> round(float(low), 4), round(float(high), 4)
    (0.2553, 0.3662)
    """
    k = np.asarray(positive, dtype=np.float64)
    n = np.asarray(base, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        z2 = z * z
        denominator = 1.0 + z2 / n
        centre = (p + z2 / (2.0 * n)) / denominator
        half = (z / denominator) * np.sqrt(np.maximum(p * (1.0 - p) / n + z2 / (4.0 * n * n), 0.0))
    low = np.where(n > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(n > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # At k = 0 (or k = n) the bound is exactly 0 (or 1); remove rounding noise.
    low = np.where(k <= 0, 0.0, low)
    high = np.where(k >= n, 1.0, high)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return low, high


def newcombe_interval(
    *,
    baseline: tuple[FloatArray, FloatArray, FloatArray],
    follow_up: tuple[FloatArray, FloatArray, FloatArray],
) -> tuple[FloatArray, FloatArray]:
    """Newcombe hybrid score interval (method 10) for follow-up minus baseline.

    Each argument is ``(p, wilson_low, wilson_high)`` on the 0-1 scale.

    Examples
    --------
    >>> import numpy as np
    >>> b = (np.array(48 / 80), *wilson_interval(48, 80))
    >>> f = (np.array(56 / 70), *wilson_interval(56, 70))
    >>> low, high = newcombe_interval(baseline=b, follow_up=f)
    >>> round(float(low), 4), round(float(high), 4)
    (0.0524, 0.3339)
    """
    p1, l1, u1 = baseline
    p2, l2, u2 = follow_up
    difference = p2 - p1
    low = difference - np.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2)
    high = difference + np.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2)
    return np.asarray(low, dtype=np.float64), np.asarray(high, dtype=np.float64)


def unpooled_z_test(
    *, p1: npt.ArrayLike, n1: npt.ArrayLike, p2: npt.ArrayLike, n2: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Two-sided two-proportion z-test with the unpooled standard error.

    ``SE = sqrt(p1(1-p1)/n1 + p2(1-p2)/n2)`` as in the English Housing Survey, the
    Scottish surveys and Active Lives. Where SE is 0 the result is NaN (callers use
    Fisher's exact test there).

    Returns
    -------
    (z, p_value)

    Examples
    --------
    >>> z, p = unpooled_z_test(p1=0.333, n1=17532, p2=0.312, n2=16648)
    >>> round(float(z), 2), bool(p < 0.05)
    (-4.15, True)
    """
    from scipy import stats  # on first use: importing scipy.stats takes 0.4 s

    a1 = np.asarray(p1, dtype=np.float64)
    a2 = np.asarray(p2, dtype=np.float64)
    m1 = np.asarray(n1, dtype=np.float64)
    m2 = np.asarray(n2, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(a1 * (1.0 - a1) / m1 + a2 * (1.0 - a2) / m2)
        z = np.where(se > 0, (a2 - a1) / se, np.nan)
    p_value = np.where(np.isnan(z), np.nan, 2.0 * stats.norm.sf(np.abs(z)))
    return np.asarray(z, dtype=np.float64), np.asarray(p_value, dtype=np.float64)


def min_expected_count(
    *, k1: npt.ArrayLike, n1: npt.ArrayLike, k2: npt.ArrayLike, n2: npt.ArrayLike
) -> FloatArray:
    """Smallest expected cell count of the 2x2 table (wave x positive/not) under no change.

    Examples
    --------
    >>> float(min_expected_count(k1=2, n1=40, k2=6, n2=40))
    4.0
    """
    a1 = np.asarray(k1, dtype=np.float64)
    b1 = np.asarray(n1, dtype=np.float64)
    a2 = np.asarray(k2, dtype=np.float64)
    b2 = np.asarray(n2, dtype=np.float64)
    total = b1 + b2
    positive = a1 + a2
    negative = total - positive
    with np.errstate(divide="ignore", invalid="ignore"):
        smallest_row = np.minimum(b1, b2)
        smallest_column = np.minimum(positive, negative)
        expected = smallest_row * smallest_column / total
    return np.asarray(np.where(total > 0, expected, np.nan), dtype=np.float64)


def fisher_exact_p(*, k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided Fisher's exact test p-value for the 2x2 table of two waves.

    Examples
    --------
    >>> round(fisher_exact_p(k1=1, n1=40, k2=7, n2=40), 4)
    0.0568
    """
    from scipy import stats

    table = np.array([[k1, n1 - k1], [k2, n2 - k2]], dtype=np.int64)
    return float(stats.fisher_exact(table, alternative="two-sided").pvalue)


def rao_scott_p(
    *, p1: npt.ArrayLike, n1: npt.ArrayLike, p2: npt.ArrayLike, n2: npt.ArrayLike
) -> FloatArray:
    """Two-sided p-value of the Rao-Scott first-order corrected test for weighted data.

    The Pearson chi-square of the 2x2 table divided by the design effect (Rao and
    Scott 1981, 1984), written as a pooled-variance z-test on the weighted
    proportions with each wave's Kish effective sample size in place of its
    count. The pooled variance stays positive at 0% or 100% in one wave, where the
    unpooled z-test breaks down. Both at 0% (or both at 100%) gives p = 1.

    Examples
    --------
    >>> round(float(rao_scott_p(p1=0.4, n1=100.0, p2=0.6, n2=100.0)), 4)
    0.0047
    >>> float(rao_scott_p(p1=0.0, n1=50.0, p2=0.0, n2=60.0))
    1.0
    """
    a1 = np.asarray(p1, dtype=np.float64)
    a2 = np.asarray(p2, dtype=np.float64)
    m1 = np.asarray(n1, dtype=np.float64)
    m2 = np.asarray(n2, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (a1 * m1 + a2 * m2) / (m1 + m2)
        se = np.sqrt(pooled * (1.0 - pooled) * (1.0 / m1 + 1.0 / m2))
        z = np.where(se > 0, (a2 - a1) / se, 0.0)
    from scipy import stats  # on first use: importing scipy.stats takes 0.4 s

    return np.asarray(2.0 * stats.norm.sf(np.abs(z)), dtype=np.float64)


def benjamini_hochberg(p_values: npt.ArrayLike) -> FloatArray:
    """Benjamini-Hochberg adjusted p-values; NaN entries are left out and stay NaN.

    Examples
    --------
    >>> [round(float(p), 3) for p in benjamini_hochberg([0.01, 0.04, float("nan"), 0.03])]
    [0.03, 0.04, nan, 0.04]
    """
    values = np.asarray(p_values, dtype=np.float64)
    adjusted = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    if present.any():
        from scipy import stats

        adjusted[present] = stats.false_discovery_control(values[present], method="bh")
    return adjusted
