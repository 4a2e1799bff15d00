"""Every benchmark of ``make bench`` still runs, on a few rows, and records its figures.

The benchmarks are not run by CI at full size (they take an hour and their
figures mean something only on a quiet machine), so nothing else notices when
the product changes under them: the results benchmark asked for a KPI page that
had become 404 when boards began to read each area's own plan, and ``make
bench`` stopped there. Here each runs end to end on a few rows in a fresh
process, recording into a scratch folder (``BENCH_FIGURES``), and the figures
``bench/figures.py`` reads must be there. Times are not asserted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: script arguments -> the figures file it records and keys that must be in it.
SMOKE_RUNS = {
    "results": (
        ["bench/results_bench.py", "--responses", "40"],
        "results",
        "SQLite open wave: compare after a new response",
    ),
    "board_pdf": (["bench/board_pdf_bench.py", "--repeat", "1"], "board_pdf", "seconds"),
    "downloads": (
        ["bench/downloads_bench.py", "--sizes", "120", "--formats", "csv", "xlsx"],
        "downloads",
        "csv",
    ),
    "respond": (
        ["bench/respond_bench.py", "--backend", "sqlite", "--saves", "12", "--views", "12"],
        "respond_sqlite",
        "answer save",
    ),
    "analysis": (["bench/analysis_bench.py", "--rows", "3000"], "analysis", "ratio"),
}


@pytest.mark.parametrize("name", sorted(SMOKE_RUNS))
def test_the_benchmark_runs_and_records_its_figures(name: str, tmp_path: Path) -> None:
    arguments, recorded, key = SMOKE_RUNS[name]
    env = {**os.environ, "BENCH_FIGURES": str(tmp_path), "PYTHONPATH": str(ROOT)}
    if name == "results":
        env.pop("TEST_DATABASE_URL", None)  # SQLite only: PostgreSQL is the same code
    run = subprocess.run(
        [sys.executable, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    figures = json.loads((tmp_path / f"{recorded}.json").read_text())
    assert any(k.startswith(key) for k in figures), sorted(figures)
