"""Benchmark: a full baseline/follow-up comparison on 1,000,000 responses.

Generates a responses CSV (3 waves, 6 KPIs, 5 grouping columns, a free-text column)
under bench/out/, then prints from one run: the time pandas needs to read the file,
the time of the full comparison with all breakdowns, and peak memory. The goal
(issue 17 target 5, as ``bench/figures.py`` judges it) is a comparison taking at
most 1.5 times as long as pandas reading the file.

Run: .venv/bin/python bench/analysis_bench.py [--rows N] [--regenerate]
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import compare_waves, load_kpis

OUT = Path(__file__).resolve().parent / "out"
#: Compare time over read time, at most (issue 17 target 5).
GOAL_RATIO = 1.5
KPIS = Path(__file__).resolve().parents[1] / "surveys" / "library" / "kpis.yaml"
AGREE = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]
RATING = ["very_good", "good", "neither", "poor", "very_poor", "dont_know"]
GROUPS = {
    "phase": ["early_years", "primary", "secondary", "post16", "post19"],
    "plan_type": ["ehcp", "sen_support", "none"],
    "locality": [f"locality_{i}" for i in range(1, 9)],
    "primary_need": ["asc", "slcn", "semh", "mld", "sld", "pmld", "vi", "hi", "pd", "spld"],
    "respondent": ["parent", "carer", "young_person"],
}
COMMENTS = [
    "Waiting times for the EHC plan were far too long.",
    "The school SENCO has been brilliant and supportive.",
    "Nobody listens to us when we raise concerns.",
    "Communication from the council is poor, emails go unanswered.",
    "The Local Offer website is hard to find anything on.",
    "We waited two years for CAMHS.",
    "Great support from the short breaks team, thank you.",
    "Preparing for adulthood has not been discussed at the annual review.",
    "",
]


def generate(path: Path, rows: int, *, seed: int = 1) -> None:
    """Write a synthetic responses CSV with ``rows`` rows."""
    rng = np.random.default_rng(seed)
    kpis = load_kpis(KPIS)
    frame: dict[str, object] = {
        "response_id": np.arange(1, rows + 1),
        "wave": rng.choice(["2023", "2024", "2025"], size=rows),
    }
    for i, kpi in enumerate(kpis):
        scale = RATING if "very_good" in kpi.positive else AGREE
        weights = np.array([0.15 + 0.01 * i, 0.25, 0.2, 0.15, 0.1, 0.05])
        answers = rng.choice(
            [*scale, ""], size=rows, p=np.append(weights, 0.1) / (weights.sum() + 0.1)
        )
        frame[kpi.question] = answers
    for column, labels in GROUPS.items():
        frame[column] = rng.choice([*labels, ""], size=rows)
    frame["comments"] = rng.choice(COMMENTS, size=rows)
    pd.DataFrame(frame).to_csv(path, index=False)


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"responses_{args.rows}.csv"
    if args.regenerate or not path.exists():
        started = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {path} in {time.perf_counter() - started:.1f} s")
    kpis = load_kpis(KPIS)

    started = time.perf_counter()
    responses = pd.read_csv(path)
    read_seconds = time.perf_counter() - started

    rss_after_read = _peak_rss_mb()
    started = time.perf_counter()
    result = compare_waves(
        responses, kpis, baseline="2023", follow_up="2025", by=list(GROUPS), adjust="bh"
    )
    compare_seconds = time.perf_counter() - started
    peak_rss = _peak_rss_mb()

    groups = sum(len(b.groups) for k in result.kpis for b in k.breakdowns)
    size_mb = path.stat().st_size / 1e6
    print(f"rows: {len(responses):,}  columns: {responses.shape[1]}  file: {size_mb:.0f} MB")
    print(f"KPIs: {len(result.kpis)}  breakdown columns: {len(GROUPS)}  group rows: {groups}")
    print(f"pandas read_csv:       {read_seconds:6.2f} s")
    print(f"compare (all groups):  {compare_seconds:6.2f} s")
    print(f"ratio compare/read:    {compare_seconds / read_seconds:6.2f}")
    # tracemalloc is not used: tracing every allocation slows the comparison threefold.
    print(f"peak resident memory after read:    {rss_after_read:6.0f} MB")
    print(f"peak resident memory after compare: {peak_rss:6.0f} MB")
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from figures import record

    record(
        "analysis",
        {
            "read_s": read_seconds,
            "compare_s": compare_seconds,
            "ratio": compare_seconds / read_seconds,
        },
    )
    ratio = compare_seconds / read_seconds
    print(
        f"goal (issue 17: compare within {GOAL_RATIO}x the read) "
        + ("met" if ratio <= GOAL_RATIO else "NOT met")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
