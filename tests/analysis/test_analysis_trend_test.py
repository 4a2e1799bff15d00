"""Issue 18 (2): a test for trend across three or more waves, checked independently."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.contingency_tables import Table

from analysis import KpiDefinition, trend_kpis
from analysis.trend_test import cochran_armitage

KPI = KpiDefinition(id="k", title="Trust", question="q", positive=("yes",))
WAVES = ("w1", "w2", "w3", "w4", "w5")


def _frame(positives: list[int], n: int = 400) -> pd.DataFrame:
    rows = [
        (wave, answer)
        for wave, k in zip(WAVES, positives, strict=False)
        for answer in ["yes"] * k + ["no"] * (n - k)
    ]
    return pd.DataFrame(
        {"response_id": range(len(rows)), "wave": [w for w, _ in rows], "q": [a for _, a in rows]}
    )


def test_steady_rise_is_a_trend_though_no_step_is_significant() -> None:
    # 50%, 53%, 56%, 59%, 62% of 400 each (the example).
    positives = [200, 212, 224, 236, 248]
    trend = trend_kpis(_frame(positives), [KPI], waves=WAVES)
    item = trend.kpis[0]
    steps = [s.against_previous for s in item.steps[1:]]
    assert all(s is not None and not s.significant for s in steps)
    assert all(s is not None and s.p_value == pytest.approx(0.39, abs=0.01) for s in steps)
    assert item.trend is not None
    assert item.trend.p_value == pytest.approx(0.00013, abs=0.00001)
    assert item.trend.direction.value == "improved"
    assert "rising steadily over five waves" in item.trend.sentence
    assert item.trend.slope_pp == pytest.approx(3.0)
    # Independent: statsmodels' linear-by-linear association (Mantel 1963) is the same
    # statistic with N - 1 in place of N.
    table = np.array([[k, 400 - k] for k in positives])
    mantel = Table(table).test_ordinal_association(
        row_scores=np.arange(5.0), col_scores=np.array([1.0, 0.0])
    )
    n = table.sum()
    assert item.trend.z is not None
    assert item.trend.z**2 == pytest.approx(mantel.zscore**2 * n / (n - 1), rel=1e-9)
    # And logistic regression on time (Wald test) agrees closely.
    y = np.concatenate([[1] * k + [0] * (400 - k) for k in positives])
    x = np.repeat(np.arange(5.0), 400)
    fit = sm.Logit(y, sm.add_constant(x)).fit(disp=0)
    assert fit.pvalues[1] == pytest.approx(item.trend.p_value, rel=0.1)


def test_dates_space_the_waves_as_they_were() -> None:
    positives = [200, 212, 224, 236]
    dates = [dt.date(2020, 1, 1), dt.date(2021, 1, 1), dt.date(2022, 1, 1), dt.date(2026, 1, 1)]
    by_order = trend_kpis(_frame(positives), [KPI], waves=WAVES[:4]).kpis[0].trend
    by_date = trend_kpis(_frame(positives), [KPI], waves=WAVES[:4], dates=dates).kpis[0].trend
    assert by_order is not None and by_date is not None
    assert by_date.scores == "wave dates" and by_order.scores == "wave order"
    years = [(d - dates[0]).days / 365.25 for d in dates]
    _z, p, _ = cochran_armitage(
        proportions=[k / 400 for k in positives], bases=[400] * 4, scores=years
    )
    assert by_date.p_value == pytest.approx(p) and by_date.p_value != by_order.p_value


def test_weighted_trend_uses_effective_sizes() -> None:
    frame = _frame([200, 212, 224, 236, 248])
    rng = np.random.default_rng(1)
    frame["w"] = rng.uniform(0.5, 2.0, size=len(frame))
    trend = trend_kpis(frame, [KPI], waves=WAVES, weights="w")
    item = trend.kpis[0]
    assert item.trend is not None
    shares, sizes = [], []
    for wave in WAVES:
        rows = frame[frame["wave"] == wave]
        w = rows["w"].to_numpy()
        shares.append(float((w * (rows["q"] == "yes")).sum() / w.sum()))
        sizes.append(float(w.sum() ** 2 / (w**2).sum()))
    pooled = np.dot(shares, sizes) / sum(sizes)
    x = np.arange(5.0)
    centred = x - np.dot(sizes, x) / sum(sizes)
    z = np.dot(np.multiply(sizes, shares), centred) / np.sqrt(
        pooled * (1 - pooled) * np.dot(sizes, centred**2)
    )
    assert item.trend.p_value == pytest.approx(2 * stats.norm.sf(abs(z)), rel=1e-9)
    assert max(sizes) < 400  # the effective sizes, not the counts


def test_trend_table_is_in_every_output() -> None:
    trend = trend_kpis(_frame([200, 212, 224]), [KPI], waves=WAVES[:3])
    from analysis.result_tables import tables_for

    names = [t.name for t in tables_for(trend)]
    assert "trend_test" in names
    assert trend.method.trend_test.startswith("Cochran-Armitage")


def test_a_small_wave_gives_no_trend_test() -> None:
    frame = _frame([200, 212, 10], n=400)
    frame = frame[~((frame["wave"] == "w3") & (frame.index % 20 != 0))]
    item = trend_kpis(frame, [KPI], waves=WAVES[:3]).kpis[0]
    assert item.trend is not None and item.trend.p_value is None
    assert "no test for trend" in item.trend.sentence
