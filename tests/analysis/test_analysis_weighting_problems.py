"""Issue 18 (3): weighting says when it failed, and refuses impossible numbers."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest
from analysis_testdata import YES_NO

from analysis import PopulationMargins, compare_waves, to_csv, trend_kpis
from analysis.cli import main
from analysis.responses import encode_waves
from analysis.weighting import WeightingProblem, rake
from tests.support.weighting_samples import two_wave_sample


def _frame(n: int = 600, seed: int = 3) -> pd.DataFrame:
    """A sample that is 90% primary, 10% secondary."""
    return two_wave_sample(n, seed, {"primary": 0.9, "secondary": 0.1})


SKEWED = PopulationMargins(counts=(("phase", (("primary", 100.0), ("secondary", 900.0))),))
EMPTY = PopulationMargins(
    counts=(("phase", (("primary", 500.0), ("secondary", 400.0), ("post16", 100.0))),)
)


def test_a_binding_cap_is_an_error_unless_accepted() -> None:
    # 10% secondary in the sample, 90% in the population: a cap of 2 cannot reach it.
    frame = _frame()
    with pytest.raises(WeightingProblem, match=r"wave 'b'.*binding weight cap.*miss"):
        compare_waves(frame, [YES_NO], baseline="b", follow_up="f", weights=SKEWED, weight_cap=2)
    result = compare_waves(
        frame,
        [YES_NO],
        baseline="b",
        follow_up="f",
        weights=SKEWED,
        weight_cap=2,
        accept_weighting_problems=True,
    )
    assert all(w.problems and not w.converged for w in result.weighting)
    assert all(w.max_margin_gap_pp > 20 for w in result.weighting)
    assert "weighting failed" in result.kpis[0].summary
    assert "weighting failed" in result.method.weighting
    header, first = to_csv(result).splitlines()[:2]
    assert header.endswith("weighting_warning") and "weighting failed" in first
    trend = trend_kpis(
        frame, [YES_NO], weights=SKEWED, weight_cap=2, accept_weighting_problems=True
    )
    assert "weighting_warning" in to_csv(trend).splitlines()[0]


def test_an_empty_margin_category_is_an_error() -> None:
    with pytest.raises(WeightingProblem, match=r"phase=post16 \(empty margin category\)"):
        compare_waves(_frame(), [YES_NO], baseline="b", follow_up="f", weights=EMPTY)


def test_a_wave_with_a_blank_margin_column_raises_no_numpy_warning() -> None:
    frame = _frame()
    frame.loc[frame["wave"] == "f", "phase"] = ""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(WeightingProblem, match=r"wave 'f': no respondent answered phase"):
            compare_waves(
                frame, [YES_NO], baseline="b", follow_up="f", weights=SKEWED, weight_cap=20
            )


def test_iterations_are_counted_per_wave() -> None:
    # Wave b is an exact product of the margins (one sweep); wave f is correlated.
    rows = []
    for wave, cells in (
        ("b", {("p", "x"): 25, ("p", "y"): 25, ("s", "x"): 25, ("s", "y"): 25}),
        ("f", {("p", "x"): 60, ("p", "y"): 5, ("s", "x"): 5, ("s", "y"): 30}),
    ):
        for (phase, plan), count in cells.items():
            rows += [(wave, phase, plan)] * count
    frame = pd.DataFrame(
        {
            "response_id": range(len(rows)),
            "wave": [r[0] for r in rows],
            "phase": [r[1] for r in rows],
            "plan": [r[2] for r in rows],
        }
    )
    margins = PopulationMargins(
        counts=(("phase", (("p", 300.0), ("s", 700.0))), ("plan", (("x", 400.0), ("y", 600.0))))
    )
    index = encode_waves(frame, ["b", "f"], source="x")
    _, summary = rake(frame, margins, wave_index=index, waves=["b", "f"], cap=20)
    assert summary[0].iterations <= 2 < summary[1].iterations
    assert all(s.converged and not s.problems for s in summary)


@pytest.mark.parametrize("cap", ["nan", "inf", "-1", "0.5", "abc"])
def test_impossible_weight_caps_exit_2(
    cap: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    responses = tmp_path / "r.csv"
    _frame().to_csv(responses, index=False)
    kpis = tmp_path / "k.yaml"
    kpis.write_text("kpis:\n- {id: k, title: T, question: q, positive: [yes]}\n", "utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["trend", str(responses), "--kpis", str(kpis), f"--weight-cap={cap}"])
    assert stop.value.code == 2
    assert "weight cap must be a finite number above 1" in capsys.readouterr().err


def test_cli_weighting_failure_exits_2_and_the_flag_accepts_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    responses = tmp_path / "r.csv"
    _frame().to_csv(responses, index=False)
    kpis = tmp_path / "k.yaml"
    kpis.write_text("kpis:\n- {id: k, title: T, question: q, positive: [yes]}\n", "utf-8")
    margins = tmp_path / "m.csv"
    margins.write_text("column,category,population\nphase,primary,100\nphase,secondary,900\n")
    argv = [
        "compare",
        str(responses),
        "--kpis",
        str(kpis),
        "--baseline",
        "b",
        "--follow-up",
        "f",
        "--weights",
        str(margins),
        "--weight-cap",
        "2",
        "--format",
        "csv",
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "--accept-weighting-problems" in err
    assert main([*argv, "--accept-weighting-problems"]) == 0
    assert "weighting_warning" in capsys.readouterr().out
