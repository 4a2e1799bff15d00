"""The plan's board fields on KPI definitions, and other areas' averages."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import AnalysisInputError, load_kpis
from analysis.benchmarks import MIN_BASE, benchmark, kpi_estimates
from analysis.estimates import WaveEstimate
from analysis.kpis import KpiDefinition

BANK = Path(__file__).resolve().parents[2] / "surveys" / "library" / "kpis.yaml"


def test_the_bank_carries_the_plans_board_fields() -> None:
    first = load_kpis(BANK)[0]
    assert (first.reference, first.frequency, first.recorded_baseline) == (
        "KPI 4/1",
        "annually",
        38.5,
    )
    assert first.target is not None and first.target.due == "18 months"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            {"recorded_baseline": 120},
            "recorded_baseline: Input should be less than or equal to 100",
        ),
        ({"recorded_baseline": "high"}, "recorded_baseline: Input should be a valid number"),
        ({"reference": "  "}, "reference: must not be empty"),
    ],
)
def test_bad_board_fields_are_named(extra: dict[str, object], message: str) -> None:
    entry = {"id": "k", "title": "T", "question": "q", "positive": ["yes"], **extra}
    with pytest.raises(AnalysisInputError, match=message):
        load_kpis({"kpis": [entry]})


def test_board_fields_are_optional() -> None:
    kpi = load_kpis({"kpis": [{"id": "k", "title": "T", "question": "q", "positive": ["yes"]}]})[0]
    assert (kpi.reference, kpi.frequency, kpi.recorded_baseline) == (None, None, None)


def test_kpi_estimates_match_a_hand_count() -> None:
    kpi = KpiDefinition(id="k", title="T", question="q", positive=("yes",))
    answers = ["yes"] * 27 + ["no"] * 13 + ["dont_know"] * 5 + [""] * 5
    frame = pd.DataFrame(
        {
            "response_id": range(60),
            "wave": ["a"] * 50 + ["b"] * 10,
            "q": answers + ["yes"] * 10,
        }
    )
    estimate = kpi_estimates(frame, [kpi], wave="a")[0]
    assert (estimate.base, estimate.positive) == (40, 27)
    assert estimate.percent == pytest.approx(67.5)
    # Wilson 27/40: 52.0% to 79.9%.
    assert estimate.ci_low == pytest.approx(52.02, abs=0.01)
    assert estimate.ci_high == pytest.approx(79.92, abs=0.01)


def _estimate(percent: float | None, base: int) -> WaveEstimate:
    return WaveEstimate("w", base, None, percent, None, None, percent is None, base < 30, base)


def test_benchmark_is_the_unweighted_mean_of_areas_with_a_base_of_30() -> None:
    found = benchmark(
        "k",
        [_estimate(40.0, 1000), _estimate(70.0, MIN_BASE), _estimate(10.0, MIN_BASE - 1), None],
    )
    # Unweighted: 1,000 answers count no more than 30.
    assert (found.percent, found.areas, found.left_out) == (55.0, 2, 1)
    assert "unweighted" in found.method and "never named" in found.method


def test_one_counted_area_is_never_shown_as_an_average() -> None:
    found = benchmark("k", [_estimate(40.0, 500), _estimate(None, 5)])
    assert (found.percent, found.areas, found.left_out) == (None, 0, 1)
    assert benchmark("k", []).percent is None
    with pytest.raises(ValueError, match="min_areas"):
        benchmark("k", [], min_areas=0)
