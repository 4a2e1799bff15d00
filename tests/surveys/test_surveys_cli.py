"""``python -m surveys check``: output format and exit codes 0, 1 and 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from surveys.cli import check_paths, main
from surveys.library import LIBRARY_DIR, PLAN_TEMPLATES, bundled_paths

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "questionnaires"
VALID = FIXTURES / "valid"
BROKEN = FIXTURES / "broken"


def test_valid_files_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(VALID)]) == 0
    assert capsys.readouterr().out == "2 files checked, all valid\n"


def test_the_bundled_library_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    # Every bundled questionnaire, the KPI bank and the plan templates (checked as KPI
    # banks: a plan is the KPI bank format extended).
    assert main(["check", str(LIBRARY_DIR)]) == 0
    expected = len(bundled_paths()) + 1 + len(PLAN_TEMPLATES)
    assert capsys.readouterr().out == f"{expected} files checked, all valid\n"


def test_problems_exit_1_with_one_line_each(capsys: pytest.CaptureFixture[str]) -> None:
    broken = BROKEN / "kpi_unknown.yaml"
    assert main(["check", str(VALID / "minimal.yaml"), str(broken)]) == 1
    assert capsys.readouterr().out == (
        f'{broken}:24: page "trust" > question "trust_confidence" > kpis[0]: '
        "KPI 'kpi_9_9' is not in the KPI bank\n"
        "2 files checked, 1 with problems\n"
    )


def test_a_directory_of_broken_files_reports_each(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(BROKEN)]) == 1
    lines = capsys.readouterr().out.splitlines()
    count = len(list(BROKEN.iterdir()))
    assert lines[-1] == f"{count} files checked, {count} with problems"
    assert all(line.startswith(str(BROKEN)) for line in lines[:-1])


@pytest.mark.parametrize(
    "argv", [[], ["check"], ["lint", "x"], ["check", "no/such/file.yaml"]], ids=str
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_an_empty_directory_exits_2(tmp_path: Path) -> None:
    assert main(["check", str(tmp_path)]) == 2


def test_another_kpi_bank_can_be_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "kpis.yaml"
    bank.write_text("kpis: []\n")
    assert main(["check", "--kpis", str(bank), str(VALID / "minimal.yaml")]) == 1
    assert "is not in the KPI bank" in capsys.readouterr().out
    assert main(["check", "--kpis", str(tmp_path / "none.yaml"), str(VALID)]) == 2


def test_check_paths_returns_problems_for_missing_paths() -> None:
    problems = check_paths(["no/such/file.yaml", str(VALID)])
    assert [str(p) for p in problems] == ["no/such/file.yaml: file: no such file or directory"]


def test_a_broken_kpi_bank_file_is_reported(tmp_path: Path) -> None:
    bank = tmp_path / "kpis.yaml"
    bank.write_text("kpis:\n  - id: kpi_1\n    title: One\n    question: q\n    positive: []\n")
    (problem,) = check_paths([str(bank)])
    assert (problem.line, problem.where) == (5, 'KPI "kpi_1" > positive')


def test_python_dash_m_surveys() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "surveys", "check", str(BROKEN / "route_backwards.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert ":34: page \"count\" > routes[0] > goto: goes back to page 'trust'" in run.stdout
