"""Per-wave estimates and baseline/follow-up changes, built from cell counts.

A *cell* is one KPI in one wave (optionally within one group). Counting produces
arrays with one element per cell; this module turns them into the frozen result
objects, applying the small-number rules of statistics.md on the way.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import numpy.typing as npt

from analysis.proportions import (
    ALPHA,
    MIN_EXPECTED,
    fisher_exact_p,
    min_expected_count,
    newcombe_interval,
    rao_scott_p,
    unpooled_z_test,
    wilson_interval,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Base under this: no percentage (statistics.md, "Small numbers").
SUPPRESS_BELOW: Final[int] = 10
#: Base under this: "treat with caution" and no significance test.
CAUTION_BELOW: Final[int] = 30

Z_TEST = "z-test"
FISHER_EXACT = "fisher-exact"
RAO_SCOTT = "rao-scott"


class Direction(enum.StrEnum):
    """Direction of travel, always respecting whether higher or lower is better."""

    IMPROVED = "improved"
    DECLINED = "declined"
    NO_SIGNIFICANT_CHANGE = "no significant change"
    INSUFFICIENT_DATA = "insufficient data"


@dataclass(frozen=True, slots=True)
class CellCounts:
    """Counts for a set of cells, one array element per cell.

    ``proportion`` is weighted when weights are used; ``effective_base`` is then the
    Kish effective sample size of the cell's base, otherwise it equals ``base``.
    """

    base: IntArray
    positive: IntArray
    proportion: FloatArray
    effective_base: FloatArray
    weighted: bool = False


@dataclass(frozen=True, slots=True)
class WaveEstimate:
    """One KPI in one wave: base, positive count, percentage and 95% Wilson interval.

    ``base`` is always the unweighted number of valid answers. ``percent``, ``ci_low``
    and ``ci_high`` are 0-100 and ``None`` when suppressed (base under 10).
    ``withheld`` marks a cell hidden by publication suppression (counts 1-4 or
    secondary suppression); then every figure, including the base, is ``None``.
    """

    wave: str
    base: int | None
    positive: int | None
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    caution: bool
    effective_base: float | None
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class Change:
    """Follow-up minus baseline, in percentage points, with its test and direction."""

    change_pp: float | None
    change_ci_low: float | None
    change_ci_high: float | None
    test: str | None
    p_value: float | None
    significant: bool | None
    direction: Direction
    p_value_adjusted: float | None = None


def count_cells(
    *,
    classes: IntArray,
    cell: IntArray,
    n_cells: int,
    weights: FloatArray | None = None,
) -> CellCounts:
    """Count base and positives per cell; rows with ``cell < 0`` or ``classes < 0`` drop out.

    Examples
    --------
    >>> import numpy as np
    >>> c = count_cells(classes=np.array([1, 0, -1, 1]), cell=np.array([0, 0, 0, 1]), n_cells=2)
    >>> c.base.tolist(), c.positive.tolist(), c.proportion.tolist()
    ([2, 1], [1, 1], [0.5, 1.0])
    """
    in_base = (classes >= 0) & (cell >= 0)
    index = cell[in_base]
    is_positive = (classes[in_base] == 1).astype(np.float64)
    base = np.bincount(index, minlength=n_cells).astype(np.int64)
    positive = np.bincount(index, weights=is_positive, minlength=n_cells).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if weights is None:
            proportion = positive / base
            effective = base.astype(np.float64)
        else:
            w = weights[in_base]
            total = np.bincount(index, weights=w, minlength=n_cells)
            squares = np.bincount(index, weights=w * w, minlength=n_cells)
            weighted_positive = np.bincount(index, weights=w * is_positive, minlength=n_cells)
            proportion = weighted_positive / total
            effective = np.where(squares > 0, total * total / squares, 0.0)
    return CellCounts(
        base=base,
        positive=positive,
        proportion=np.asarray(proportion, dtype=np.float64),
        effective_base=np.asarray(effective, dtype=np.float64),
        weighted=weights is not None,
    )


def wave_estimates(counts: CellCounts, *, wave: str) -> list[WaveEstimate]:
    """One :class:`WaveEstimate` per cell, with suppression and caution flags applied.

    Examples
    --------
    >>> import numpy as np
    >>> c = CellCounts(np.array([263, 9]), np.array([81, 3]), np.array([81 / 263, 3 / 9]),
    ...                np.array([263.0, 9.0]))
    >>> [e.percent is None for e in wave_estimates(c, wave="2024")]
    [False, True]
    """
    low, high = wilson_interval(counts.proportion * counts.effective_base, counts.effective_base)
    estimates = []
    for i in range(len(counts.base)):
        base = int(counts.base[i])
        suppressed = base < SUPPRESS_BELOW
        shown = not suppressed
        estimates.append(
            WaveEstimate(
                wave=wave,
                base=base,
                positive=int(counts.positive[i]) if shown else None,
                percent=_percent(counts.proportion[i]) if shown else None,
                ci_low=_percent(low[i]) if shown else None,
                ci_high=_percent(high[i]) if shown else None,
                suppressed=suppressed,
                caution=base < CAUTION_BELOW,
                effective_base=float(counts.effective_base[i]),
            )
        )
    return estimates


def changes(*, baseline: CellCounts, follow_up: CellCounts, higher_is_better: bool) -> list[Change]:
    """Change, Newcombe interval, test and direction for each pair of cells.

    The unpooled z-test is used unless an expected cell of the 2x2 table is below 5
    or a wave is at 0% or 100% (where the unpooled standard error collapses and the
    z-test is wildly anti-conservative: 3/40 against 35/35 would give p = 3e-109).
    There, unweighted data use Fisher's exact test; weighted data use the Rao-Scott
    first-order corrected test (:func:`analysis.proportions.rao_scott_p`) on the
    weighted proportions and Kish effective sizes, since Fisher's test needs whole
    counts. No test when either base is under 30.

    Examples
    --------
    >>> import numpy as np
    >>> b = CellCounts(np.array([80]), np.array([48]), np.array([0.6]), np.array([80.0]))
    >>> f = CellCounts(np.array([70]), np.array([56]), np.array([0.8]), np.array([70.0]))
    >>> c = changes(baseline=b, follow_up=f, higher_is_better=True)[0]
    >>> round(c.change_pp, 1), round(c.change_ci_low, 2), c.test, c.direction.value
    (20.0, 5.24, 'z-test', 'improved')
    """
    p1, n1 = baseline.proportion, baseline.effective_base
    p2, n2 = follow_up.proportion, follow_up.effective_base
    b_low, b_high = wilson_interval(p1 * n1, n1)
    f_low, f_high = wilson_interval(p2 * n2, n2)
    low, high = newcombe_interval(baseline=(p1, b_low, b_high), follow_up=(p2, f_low, f_high))
    _, z_p = unpooled_z_test(p1=p1, n1=n1, p2=p2, n2=n2)
    expected = min_expected_count(k1=p1 * n1, n1=n1, k2=p2 * n2, n2=n2)
    extreme = (p1 <= 0) | (p1 >= 1) | (p2 <= 0) | (p2 >= 1)
    weighted = baseline.weighted or follow_up.weighted
    fallback = rao_scott_p(p1=p1, n1=n1, p2=p2, n2=n2) if weighted else None
    results = []
    for i in range(len(baseline.base)):
        bases = (int(baseline.base[i]), int(follow_up.base[i]))
        if min(bases) < SUPPRESS_BELOW:
            results.append(_no_change())
            continue
        change = _percent(p2[i] - p1[i])
        interval = (_percent(low[i]), _percent(high[i]))
        if min(bases) < CAUTION_BELOW:
            results.append(Change(change, *interval, None, None, None, Direction.INSUFFICIENT_DATA))
            continue
        if expected[i] < MIN_EXPECTED or extreme[i] or math.isnan(z_p[i]):
            if fallback is not None:
                test, p_value = RAO_SCOTT, float(fallback[i])
            else:
                test, p_value = FISHER_EXACT, _fisher(p1[i], n1[i], p2[i], n2[i])
        else:
            test, p_value = Z_TEST, float(z_p[i])
        significant = p_value < ALPHA
        results.append(
            Change(
                change,
                *interval,
                test,
                p_value,
                significant,
                direction_of_travel(
                    change, significant=significant, higher_is_better=higher_is_better
                ),
            )
        )
    return results


def direction_of_travel(
    change_pp: float, *, significant: bool | None, higher_is_better: bool
) -> Direction:
    """Improved or declined only when significant; respects ``higher_is_better``.

    Examples
    --------
    >>> direction_of_travel(-4.0, significant=True, higher_is_better=False).value
    'improved'
    """
    if significant is None:
        return Direction.INSUFFICIENT_DATA
    if not significant or change_pp == 0:
        return Direction.NO_SIGNIFICANT_CHANGE
    better = (change_pp > 0) == higher_is_better
    return Direction.IMPROVED if better else Direction.DECLINED


def withhold(estimate: WaveEstimate) -> WaveEstimate:
    """The estimate with every figure hidden, for publication suppression.

    Examples
    --------
    >>> e = WaveEstimate("w", 40, 3, 7.5, 2.6, 19.9, False, False, 40.0)
    >>> withhold(e).base, withhold(e).withheld
    (None, True)
    """
    return replace(
        estimate,
        base=None,
        positive=None,
        percent=None,
        ci_low=None,
        ci_high=None,
        # The flags would say whether the hidden base is under 10 or 30.
        suppressed=False,
        caution=False,
        effective_base=None,
        withheld=True,
    )


def withheld_change() -> Change:
    """A change that cannot be shown because one of its cells is withheld."""
    return _no_change()


def _no_change() -> Change:
    return Change(None, None, None, None, None, None, Direction.INSUFFICIENT_DATA)


def _fisher(p1: float, n1: float, p2: float, n2: float) -> float:
    # Unweighted only: p * n is the whole count (rint removes float noise).
    base1, base2 = int(np.rint(n1)), int(np.rint(n2))
    return fisher_exact_p(k1=int(np.rint(p1 * n1)), n1=base1, k2=int(np.rint(p2 * n2)), n2=base2)


def _percent(value: float | np.floating[npt.NBitBase]) -> float:
    return float(value) * 100.0
