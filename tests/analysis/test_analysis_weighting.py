"""Raking to population margins, the weight cap and the Kish effective sample size."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_testdata import FIXTURES, YES_NO

from analysis import AnalysisInputError, PopulationMargins, compare_waves, load_margins
from analysis.responses import encode_waves
from analysis.weighting import kish_effective_size, rake
from tests.support.weighting_samples import two_wave_sample

#: The sample's shares: few in early years and post-16, most with a plan.
PHASES = {"early_years": 0.05, "primary": 0.6, "secondary": 0.3, "post16": 0.05}
PLANS = {"ehcp": 0.7, "sen_support": 0.25, "": 0.05}


def _frame(n: int = 800, seed: int = 5) -> pd.DataFrame:
    return two_wave_sample(n, seed, PHASES, PLANS)


MARGINS = PopulationMargins(
    counts=(
        (
            "phase",
            (("early_years", 300.0), ("primary", 1200.0), ("secondary", 1000.0), ("post16", 500.0)),
        ),
        ("plan", (("ehcp", 1000.0), ("sen_support", 2000.0))),
    )
)


def test_raking_reproduces_every_margin_in_every_wave() -> None:
    frame = _frame()
    index = encode_waves(frame, ["b", "f"], source="x")
    weights, summary = rake(frame, MARGINS, wave_index=index, waves=["b", "f"], cap=10)
    for w in range(2):
        rows = index == w
        assert summary[w].converged
        assert weights[rows].mean() == pytest.approx(1.0)
        for column, categories in MARGINS.counts:
            known = rows & (frame[column] != "").to_numpy()
            total = weights[known].sum()
            population = sum(p for _, p in categories)
            for category, count in categories:
                share = weights[known & (frame[column] == category).to_numpy()].sum() / total
                assert share == pytest.approx(count / population, abs=1e-5)
        assert summary[w].effective_sample_size == pytest.approx(kish_effective_size(weights[rows]))
        assert summary[w].design_effect == pytest.approx(
            rows.sum() / summary[w].effective_sample_size
        )


def test_weight_cap_is_respected() -> None:
    frame = _frame()
    index = encode_waves(frame, ["b", "f"], source="x")
    weights, summary = rake(frame, MARGINS, wave_index=index, waves=["b", "f"], cap=2.0)
    assert weights[index >= 0].max() <= 2.0 + 1e-9
    assert weights[index >= 0].min() >= 0.5 - 1e-9
    assert any(s.capped > 0 for s in summary)


def test_compare_with_margins_reports_weighting_and_uses_effective_base() -> None:
    result = compare_waves(_frame(), [YES_NO], baseline="b", follow_up="f", weights=MARGINS)
    assert "raking" in result.method.weighting and "Kish" in result.method.weighting
    assert len(result.weighting) == 2
    item = result.kpis[0]
    assert item.baseline.effective_base is not None and item.baseline.base is not None
    assert item.baseline.effective_base < item.baseline.base


def test_category_without_population_is_named() -> None:
    frame = _frame()
    frame.loc[7, "phase"] = "nursery"
    with pytest.raises(
        AnalysisInputError, match=r"row 8: column 'phase': category 'nursery' has no population"
    ):
        compare_waves(frame, [YES_NO], baseline="b", follow_up="f", weights=MARGINS)


def test_load_margins_fixture_and_bad_rows(tmp_path: object) -> None:
    margins = load_margins(FIXTURES / "margins_small.csv")
    assert margins.for_column("phase")["primary"] == 1200.0
    from pathlib import Path

    bad = Path(str(tmp_path)) / "m.csv"
    bad.write_text("column,category,population\nphase,primary,-3\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError, match=r"m\.csv: row 1: population '-3'"):
        load_margins(bad)
