"""The command line: outputs, one-line errors with exit code 2, atomic writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from analysis_testdata import FIXTURES

from analysis.cli import main

RESPONSES = str(FIXTURES / "responses_small.csv")
KPIS = str(FIXTURES / "kpis_small.yaml")
COMPARE = ["compare", RESPONSES, "--kpis", KPIS, "--baseline", "2023", "--follow-up", "2024"]


def test_compare_json_has_the_documented_shape(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    assert main([*COMPARE, "--by", "phase", "--output", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["baseline_wave"] == "2023" and data["follow_up_wave"] == "2024"
    assert "Wilson" in data["method"]["proportion_interval"]
    first = data["kpis"][0]
    for key in ("base", "positive", "percent", "ci_low", "ci_high", "suppressed", "caution"):
        assert key in first["baseline"] and key in first["follow_up"]
    for key in ("change_pp", "change_ci_low", "change_ci_high", "test", "p_value", "significant"):
        assert key in first
    assert first["direction"] in {
        "improved",
        "declined",
        "no significant change",
        "insufficient data",
    }
    assert set(first["target"]) >= {"rule", "value", "target_percent", "status"}
    assert isinstance(first["summary"], str) and first["summary"]
    groups = first["groups"]["phase"]
    assert {g["group"] for g in groups} >= {"primary", "secondary"}
    assert all("baseline" in g and "change_pp" in g for g in groups)


def test_percentages_are_unrounded_in_json(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert main([*COMPARE, "--output", str(out)]) == 0
    first = json.loads(out.read_text(encoding="utf-8"))["kpis"][0]
    assert first["baseline"]["percent"] == pytest.approx(
        first["baseline"]["positive"] / first["baseline"]["base"] * 100, rel=1e-12
    )
    assert first["baseline"]["percent"] != round(first["baseline"]["percent"], 1)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--baseline", "1999"], "unknown wave '1999'"),
        (["--kpis", "nope.yaml"], "nope.yaml: file not found"),
        (["--by", "no_such_column"], "missing column 'no_such_column'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = list(COMPARE)
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
    out = tmp_path / "out.json"
    assert main([*args, "--output", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert err.count("\n") == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_malformed_yaml_and_empty_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kpis: [\n  - id: x\n", encoding="utf-8")
    assert (
        main(
            ["compare", RESPONSES, "--kpis", str(bad), "--baseline", "2023", "--follow-up", "2024"]
        )
        == 2
    )
    assert "bad.yaml" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert (
        main(["compare", str(empty), "--kpis", KPIS, "--baseline", "2023", "--follow-up", "2024"])
        == 2
    )
    assert "empty.csv: the file is empty" in capsys.readouterr().err


def test_code_not_in_definition_names_the_file_and_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = (FIXTURES / "responses_small.csv").read_text(encoding="utf-8").splitlines()
    header = source[0].split(",")
    row = source[5].split(",")
    row[header.index("ehcp_satisfaction")] = "ecstatic"
    source[5] = ",".join(row)
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(source) + "\n", encoding="utf-8")
    assert (
        main(["compare", str(broken), "--kpis", KPIS, "--baseline", "2023", "--follow-up", "2024"])
        == 2
    )
    err = capsys.readouterr().err
    assert "broken.csv: row 5" in err and "'ecstatic'" in err and "'dissatisfied'" in err


def test_csv_output_neutralises_formulas_and_keeps_numbers(tmp_path: Path) -> None:
    source = (FIXTURES / "responses_small.csv").read_text(encoding="utf-8")
    hostile = tmp_path / "hostile.csv"
    hostile.write_text(source.replace(",primary,", ",=HYPERLINK(1),"), encoding="utf-8")
    out = tmp_path / "r.csv"
    assert (
        main(
            [
                *COMPARE[:1],
                str(hostile),
                *COMPARE[2:],
                "--by",
                "phase",
                "--format",
                "csv",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)" in text
    assert ",=HYPERLINK" not in text
    import csv

    rows = list(csv.DictReader(text.splitlines()))
    assert float(rows[0]["baseline_percent"]) > 0


def test_python_dash_m_runs_without_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "analysis", *COMPARE[:-1], "1999"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ")


def _three_waves(tmp_path: Path, *, submitted: bool) -> tuple[str, str]:
    """Three waves (uneven gaps: 1 month, then 2 years) with a steady rise."""
    rows = ["response_id,wave,q" + (",submitted" if submitted else "")]
    dates = {"a": "2023-01-10", "b": "2023-02-10", "c": "2025-02-10"}
    i = 0
    for wave, positive in (("a", 40), ("b", 50), ("c", 60)):
        for answer in ["yes"] * positive + ["no"] * (100 - positive):
            i += 1
            rows.append(f"{i},{wave},{answer}" + (f",{dates[wave]}" if submitted else ""))
    responses = tmp_path / "r.csv"
    responses.write_text("\n".join(rows) + "\n", encoding="utf-8")
    kpis = tmp_path / "k.yaml"
    kpis.write_text(
        "kpis:\n  - id: k\n    title: T\n    question: q\n    positive: [yes]\n", encoding="utf-8"
    )
    return str(responses), str(kpis)


@pytest.mark.parametrize(
    ("submitted", "extra", "scores"),
    [
        (False, [], "wave order"),
        (True, [], "wave dates"),  # the product's download: each wave's first submission
        (False, ["--dates", "2023-01-10", "2023-02-10", "2025-02-10"], "wave dates"),
    ],
)
def test_trend_scores_the_waves_by_their_dates_when_known(
    tmp_path: Path, submitted: bool, extra: list[str], scores: str
) -> None:
    responses, kpis = _three_waves(tmp_path, submitted=submitted)
    out = tmp_path / "t.json"
    argv = ["trend", responses, "--kpis", kpis, "--waves", "a", "b", "c", *extra]
    assert main([*argv, "--output", str(out)]) == 0
    tested = json.loads(out.read_text(encoding="utf-8"))["kpis"][0]["trend"]
    assert tested["scores"] == scores
    # By order: 10 points a wave; by date: 10 points over 1 month, 10 over 2 years.
    slope = tested["slope_pp"]
    assert (slope == pytest.approx(10, abs=0.5)) == (scores == "wave order")


def test_trend_dates_that_are_not_dates_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    responses, kpis = _three_waves(tmp_path, submitted=False)
    argv = ["trend", responses, "--kpis", kpis, "--waves", "a", "b", "c"]
    assert main([*argv, "--dates", "2023-01-10", "soon", "2025-02-10"]) == 2
    assert main([*argv, "--dates", "2023-01-10"]) == 2
    assert "Traceback" not in capsys.readouterr().err
