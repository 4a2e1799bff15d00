"""A test for trend across three or more waves of a KPI (Cochran-Armitage).

Pairwise tests between neighbouring waves miss a steady change: a rise of 3
points a wave with 400 answers each is "no significant change" at every step
(p = 0.39), while over five waves the Cochran-Armitage test for trend gives
p = 0.00013. The test asks whether the proportion positive moves linearly with
time, using each wave's date as its score (or its position when no dates are
given), so unevenly spaced waves are spaced as they were.

With weights, each wave's weighted proportion and Kish effective sample size
stand in for the count and the base (a first-order design-effect correction in
the manner of Rao and Scott). The statistic is the score test of the logistic
regression of the answer on the wave's score, so it can be checked against
statsmodels (``tests/analysis/test_analysis_trend_test.py``).

References: Armitage P. (1955) Tests for linear trends in proportions and
frequencies, Biometrics 11:375-386; Cochran W.G. (1954) Some methods for
strengthening the common chi-squared tests, Biometrics 10:417-451; Agresti A.
(2013) Categorical Data Analysis, 3rd ed., section 5.3.5.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from analysis.estimates import CAUTION_BELOW, Direction, WaveEstimate
from analysis.proportions import ALPHA
from analysis.rounding import OFFICER_PLACES, format_percent, publication_text

COCHRAN_ARMITAGE: Final[str] = "cochran-armitage"
MIN_WAVES: Final[int] = 3
METHOD: Final[str] = (
    "Cochran-Armitage test for trend across all the waves (Armitage 1955), scored by the "
    "waves' dates (or their order); weighted waves use weighted proportions and Kish "
    "effective sizes; needs 3 or more waves, each with a base of 30 or more"
)
_WORDS = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}


@dataclass(frozen=True, slots=True)
class TrendTest:
    """The test for trend of one KPI across its waves.

    ``slope_pp`` is the change in percentage points per unit of score (per year when
    scored by date, per wave otherwise), from the weighted least-squares line.
    """

    test: str
    scores: str
    waves: int
    slope_pp: float | None
    z: float | None
    p_value: float | None
    significant: bool | None
    direction: Direction
    sentence: str


def cochran_armitage(
    *, proportions: Sequence[float], bases: Sequence[float], scores: Sequence[float]
) -> tuple[float, float, float]:
    """Cochran-Armitage z, two-sided p-value and slope (proportion per unit score).

    Examples
    --------
    >>> z, p, slope = cochran_armitage(proportions=[0.5, 0.53, 0.56, 0.59, 0.62],
    ...                                bases=[400] * 5, scores=[0, 1, 2, 3, 4])
    >>> round(z, 2), round(p, 5), round(slope, 3)
    (3.82, 0.00013, 0.03)
    """
    p = np.asarray(proportions, dtype=np.float64)
    n = np.asarray(bases, dtype=np.float64)
    x = np.asarray(scores, dtype=np.float64)
    total = n.sum()
    pooled = float((n * p).sum() / total)
    centred = x - (n * x).sum() / total
    spread = float((n * centred**2).sum())
    if spread <= 0 or pooled <= 0 or pooled >= 1:
        return 0.0, 1.0, 0.0
    statistic = float((n * p * centred).sum())
    z = statistic / math.sqrt(pooled * (1.0 - pooled) * spread)
    from scipy import stats  # on first use: importing scipy.stats takes 0.4 s

    return z, float(2.0 * stats.norm.sf(abs(z))), statistic / spread


def trend_test(
    *,
    label: str,
    estimates: Sequence[WaveEstimate],
    proportions: Sequence[float],
    effective_bases: Sequence[float],
    scores: Sequence[float] | None,
    higher_is_better: bool,
    publication: bool = False,
) -> TrendTest | None:
    """The trend test of one KPI, or ``None`` with fewer than three waves.

    ``estimates`` are what is shown (withheld or suppressed ones stop the test, so
    nothing hidden enters it); ``proportions`` and ``effective_bases`` are the
    unrounded weighted (or plain) figures of the same waves.
    """
    k = len(estimates)
    if k < MIN_WAVES:
        return None
    by_date = scores is not None
    x = list(scores) if scores is not None else [float(i) for i in range(k)]
    how = "wave dates" if by_date else "wave order"
    span = _WORDS.get(k, str(k))
    if any(e.withheld or e.percent is None or (e.base or 0) < CAUTION_BELOW for e in estimates):
        return TrendTest(
            COCHRAN_ARMITAGE,
            how,
            k,
            None,
            None,
            None,
            None,
            Direction.INSUFFICIENT_DATA,
            f"{label}: no test for trend over {span} waves, as a wave has a base under 30 "
            "or is not shown.",
        )
    z, p_value, slope = cochran_armitage(proportions=proportions, bases=effective_bases, scores=x)
    significant = p_value < ALPHA
    if not significant or slope == 0:
        direction = Direction.NO_SIGNIFICANT_CHANGE
    else:
        direction = Direction.IMPROVED if (slope > 0) == higher_is_better else Direction.DECLINED
    first, last = estimates[0].percent, estimates[-1].percent
    shown = publication_text if publication else (lambda v: format_percent(v, OFFICER_PLACES))
    where = f"from {shown(first)} to {shown(last)}"
    quoted = "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"
    if significant:
        verb = "rising" if slope > 0 else "falling"
        sentence = (
            f"{label} is {verb} steadily over {span} waves ({where}; test for trend, {quoted})."
        )
    else:
        sentence = (
            f"{label} shows no significant trend over {span} waves ({where}; test for trend, "
            f"{quoted})."
        )
    return TrendTest(
        COCHRAN_ARMITAGE, how, k, slope * 100.0, z, p_value, significant, direction, sentence
    )
