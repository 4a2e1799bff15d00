"""Issue 17's figures in one table: each benchmark records what it measured, this prints.

Every benchmark run by ``make bench`` calls ``record(name, figures)``, which
writes ``bench/out/figures/<name>.json``. ``python bench/figures.py`` (the last
step of ``make bench``) prints one table: each figure of issue 17 beside its
target, "not measured" where no benchmark has recorded it yet. It also measures
the one figure that needs no set-up: ``python -m analysis --help`` (wall time of
a fresh process, and its CPU time).

CPU figures are process CPU time, not wall time: on a machine shared with other
work they do not depend on how busy the neighbours are (they still rise a little
when the cores' caches are shared). Nothing here is asserted in tests.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Where figures are kept; the benchmarks' smoke test points it at a scratch folder.
FIGURES = Path(os.environ.get("BENCH_FIGURES") or ROOT / "bench" / "out" / "figures")
LOAD = ROOT / "bench" / "out" / "load.json"


def record(name: str, figures: dict[str, Any]) -> None:
    """Keep one benchmark's figures for the summary table."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    stamped = {**figures, "recorded_at": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}
    (FIGURES / f"{name}.json").write_text(json.dumps(stamped, indent=2))


def _read(name: str) -> dict[str, Any]:
    path = FIGURES / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    target: str
    figure: str
    goal: str
    value: float | None
    unit: str
    #: True when a smaller value is better (all of issue 17's figures).
    limit: float | None = None

    def cells(self) -> list[str]:
        """The row as table cells."""
        if self.value is None:
            return [self.target, self.figure, self.goal, "not measured", "-"]
        shown = f"{self.value:,.2f} {self.unit}".strip()
        met = "-" if self.limit is None else ("met" if self.value <= self.limit else "NOT met")
        return [self.target, self.figure, self.goal, shown, met]


def analysis_help_seconds() -> tuple[float, float]:
    """Wall and CPU seconds of ``python -m analysis --help`` in a fresh process (best of 3)."""
    best_wall, best_cpu = float("inf"), float("inf")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "analysis", "--help"],
            check=True,
            capture_output=True,
            cwd=ROOT,
            env=env,
        )
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        best_wall, best_cpu = min(best_wall, wall), min(best_cpu, cpu)
    return best_wall, best_cpu


def _get(data: dict[str, Any], *keys: str) -> float | None:
    value: Any = data
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return float(value) if isinstance(value, int | float) else None


def rows() -> list[Row]:
    """Every figure of issue 17 that a benchmark has recorded, beside its target."""
    table: list[Row] = []
    for backend in ("sqlite", "postgresql"):
        respond = _read(f"respond_{backend}")
        name = "SQLite" if backend == "sqlite" else "PostgreSQL"
        table.append(
            Row(
                "1",
                f"answer save, app CPU per save ({name}, inside the WSGI call)",
                "≤ 2.5 ms",
                _get(respond, "answer save"),
                "ms",
                2.5,
            )
        )
        table.append(
            Row(
                "1",
                f"page view, app CPU per view ({name}, inside the WSGI call)",
                "≤ 2 ms",
                _get(respond, "page view"),
                "ms",
                2.0,
            )
        )
    load = json.loads(LOAD.read_text()) if LOAD.exists() else {}
    for backend, name in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        table.append(
            Row(
                "1",
                f"answer save, gunicorn CPU per save at saturation ({name})",
                "≤ 2.5 ms",
                _get(load, backend, "saturation", "gunicorn_cpu_ms_per_request"),
                "ms",
                2.5,
            )
        )
    scaling = (load.get("postgresql") or {}).get("scaling") or {}
    runs = scaling.get("runs") or []
    table.append(
        Row(
            "6",
            f"saves/s, {runs[-1]['instances'] if runs else 'n'} one-worker instances over one"
            " PostgreSQL / one instance",
            "near-linear",
            _get(scaling, "factor"),
            "x",
        )
    )
    table.append(
        Row(
            "6",
            "PostgreSQL CPU per save at saturation (the next limit)",
            "-",
            runs[-1].get("postgres_cpu_ms_per_save") if runs else None,
            "ms",
        )
    )
    results = _read("results")
    for database in ("SQLite", "PostgreSQL"):
        for page in ("board", "KPI detail"):
            for state, limit in (("cold (empty result cache)", 1.0), ("warm (median of 5)", 0.1)):
                table.append(
                    Row(
                        "2",
                        f"{page} {state.split()[0]}, 2 x 50,000 ({database})",
                        f"≤ {limit:g} s",
                        _get(results, f"{database} {page} {state}"),
                        "s",
                        limit,
                    )
                )
        # Survey season: the follow-up reopened; one more response between two views.
        for state, limit in (("cold", 1.0), ("after a new response", 0.1)):
            table.append(
                Row(
                    "2",
                    f"open wave: board {state}, 2 x 50,000 ({database})",
                    f"≤ {limit:g} s",
                    _get(results, f"{database} open wave: board {state}"),
                    "s",
                    limit,
                )
            )
        compare_cold = _get(results, f"{database} open wave: compare cold")
        compare_after = _get(results, f"{database} open wave: compare after a new response")
        table.append(
            Row("2", f"open wave: compare cold, 2 x 50,000 ({database})", "-", compare_cold, "s")
        )
        table.append(
            Row(
                "2",
                f"open wave: compare after a new response / cold ({database})",
                "≤ 0.1 (not recomputed)",
                round(compare_after / compare_cold, 3)
                if compare_after is not None and compare_cold
                else None,
                "x",
                0.1,
            )
        )
    board = _read("board_pdf")
    table.append(Row("3", "board PDF, demo comparison", "≤ 3 s", _get(board, "seconds"), "s", 3))
    downloads = _read("downloads")
    csv_100k = _get(downloads, "csv", "100000", "seconds")
    table.append(Row("4", "responses CSV, 100,000 responses (wall)", "≤ 2 s", csv_100k, "s", 2))
    table.append(
        Row(
            "4",
            "responses CSV, 100,000 responses (CPU)",
            "≤ 2 s",
            _get(downloads, "csv", "100000", "cpu_seconds"),
            "s",
            2,
        )
    )
    for size in ("10000", "100000", "1000000"):
        for fmt in ("csv", "xlsx"):
            table.append(
                Row(
                    "4",
                    f"{fmt.upper()} {int(size):,} responses: peak RSS growth",
                    "flat",
                    _get(downloads, fmt, size, "rss_growth_mb"),
                    "MB",
                )
            )
        table.append(
            Row(
                "4",
                f"XLSX {int(size):,} responses: CPU",
                "no cap",
                _get(downloads, "xlsx", size, "cpu_seconds"),
                "s",
            )
        )
    analysis = _read("analysis")
    table.append(
        Row(
            "5",
            "compare 5 breakdowns, 1,000,000 rows / pandas read",
            "≤ 1.5 x",
            _get(analysis, "ratio"),
            "x",
            1.5,
        )
    )
    wall, cpu = analysis_help_seconds()
    table.append(
        Row("5", "`python -m analysis --help` (wall, best of 3)", "≤ 0.3 s", wall, "s", 0.3)
    )
    table.append(Row("5", "`python -m analysis --help` (CPU)", "≤ 0.3 s", cpu, "s", 0.3))
    return table


def main() -> int:
    print("\nIssue 17 figures (bench/out/figures/, bench/out/load.json)\n")
    print("| target | figure | goal | measured | |")
    print("|---|---|---|---:|---|")
    for row in rows():
        print("| " + " | ".join(row.cells()) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
