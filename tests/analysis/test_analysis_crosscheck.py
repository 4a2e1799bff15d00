"""Every interval and p-value against independent implementations (scipy, statsmodels)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_testdata import YES_NO, responses
from scipy.stats import binomtest, fisher_exact
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
)
from statsmodels.stats.proportion import (
    test_proportions_2indep as statsmodels_two_proportion_test,
)

from analysis import compare_waves
from analysis.proportions import wilson_interval

RNG = np.random.default_rng(7)
# Generated cases, plus the edges: 0 and n, tiny bases.
CASES = [(int(k), int(n)) for n in RNG.integers(1, 2000, size=40) for k in [RNG.integers(0, n + 1)]]
CASES += [(0, 1), (1, 1), (0, 10), (10, 10), (1, 3), (0, 500), (500, 500), (1, 2)]


@pytest.mark.parametrize(("k", "n"), CASES)
def test_wilson_matches_scipy_and_statsmodels(k: int, n: int) -> None:
    low, high = wilson_interval(k, n)
    scipy_ci = binomtest(k, n).proportion_ci(0.95, method="wilson")
    sm_low, sm_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert float(low) == pytest.approx(scipy_ci.low, abs=1e-12)
    assert float(high) == pytest.approx(scipy_ci.high, abs=1e-12)
    assert float(low) == pytest.approx(sm_low, abs=1e-12)
    assert float(high) == pytest.approx(sm_high, abs=1e-12)


PAIRS = [
    ((int(RNG.integers(0, n1 + 1)), int(n1)), (int(RNG.integers(0, n2 + 1)), int(n2)))
    for n1, n2 in RNG.integers(30, 3000, size=(30, 2))
]
PAIRS += [((0, 40), (0, 40)), ((0, 60), (5, 60)), ((40, 40), (35, 40)), ((1, 30), (29, 30))]


@pytest.mark.parametrize(("baseline", "follow_up"), PAIRS)
def test_change_interval_and_test_match_statsmodels(
    baseline: tuple[int, int], follow_up: tuple[int, int]
) -> None:
    (k1, n1), (k2, n2) = baseline, follow_up
    item = compare_waves(
        responses({"b": baseline, "f": follow_up}), [YES_NO], baseline="b", follow_up="f"
    ).kpis[0]
    change = item.change
    low, high = confint_proportions_2indep(k2, n2, k1, n1, method="newcomb", compare="diff")
    assert (change.change_ci_low or 0) / 100 == pytest.approx(low, abs=1e-9)
    assert (change.change_ci_high or 0) / 100 == pytest.approx(high, abs=1e-9)
    assert change.test in {"z-test", "fisher-exact"}
    if change.test == "z-test":
        wald = statsmodels_two_proportion_test(k2, n2, k1, n1, method="wald", compare="diff")
        assert change.p_value == pytest.approx(wald.pvalue, rel=1e-9, abs=1e-15)
        # And by hand: unpooled standard error.
        p1, p2 = k1 / n1, k2 / n2
        se = np.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
        from scipy.stats import norm

        assert change.p_value == pytest.approx(2 * norm.sf(abs(p2 - p1) / se), rel=1e-9, abs=1e-15)
    else:
        assert change.p_value == pytest.approx(fisher_exact([[k1, n1 - k1], [k2, n2 - k2]]).pvalue)


def test_weighted_estimates_use_kish_effective_sizes() -> None:
    rng = np.random.default_rng(11)
    n = 400
    frame = pd.DataFrame(
        {
            "response_id": range(2 * n),
            "wave": ["b"] * n + ["f"] * n,
            "q": rng.choice(["yes", "no", "dont_know"], size=2 * n, p=[0.45, 0.45, 0.1]),
            "w": rng.uniform(0.3, 3.0, size=2 * n),
        }
    )
    item = compare_waves(frame, [YES_NO], baseline="b", follow_up="f", weights="w").kpis[0]
    expected = {}
    for wave in ("b", "f"):
        part = frame[(frame.wave == wave) & (frame.q != "dont_know")]
        w = part.w.to_numpy()
        p = float(np.sum(w * (part.q == "yes")) / np.sum(w))
        n_eff = float(w.sum() ** 2 / np.sum(w**2))
        expected[wave] = (p, n_eff, len(part))
    for estimate, wave in ((item.baseline, "b"), (item.follow_up, "f")):
        p, n_eff, base = expected[wave]
        assert estimate.base == base
        assert estimate.effective_base == pytest.approx(n_eff)
        assert (estimate.percent or 0) / 100 == pytest.approx(p)
        low, high = proportion_confint(p * n_eff, n_eff, method="wilson")
        assert (estimate.ci_low or 0) / 100 == pytest.approx(low, abs=1e-12)
        assert (estimate.ci_high or 0) / 100 == pytest.approx(high, abs=1e-12)
    (p1, m1, _), (p2, m2, _) = expected["b"], expected["f"]
    low, high = confint_proportions_2indep(p2 * m2, m2, p1 * m1, m1, method="newcomb")
    assert (item.change.change_ci_low or 0) / 100 == pytest.approx(low, abs=1e-9)
    assert (item.change.change_ci_high or 0) / 100 == pytest.approx(high, abs=1e-9)
    wald = statsmodels_two_proportion_test(p2 * m2, m2, p1 * m1, m1, method="wald")
    assert item.change.p_value == pytest.approx(wald.pvalue, rel=1e-9)
    assert (
        "Kish" in item.change.__class__.__doc__
        or "Kish"
        in compare_waves(frame, [YES_NO], baseline="b", follow_up="f", weights="w").method.weighting
    )
