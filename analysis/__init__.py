"""What the answers mean: baselines, change, significance and KPI targets.

Pure functions on pandas DataFrames returning frozen dataclasses; no Flask, no
database. The method follows shared/docs/statistics.md and every result names it.
See docs/analysis.md for the public API, the JSON schema and the command line.
"""

from __future__ import annotations

from analysis.breakdowns import Breakdown, GroupComparison
from analysis.comparison import Comparison, KpiComparison, compare_waves
from analysis.errors import AnalysisInputError
from analysis.estimates import Change, Direction, WaveEstimate
from analysis.kpis import KpiDefinition, Target, TargetRule, load_kpis
from analysis.method import Method
from analysis.render_csv import to_csv
from analysis.render_json import to_dict, to_json
from analysis.targets import TargetResult, TargetStatus
from analysis.weighting import PopulationMargins, WaveWeighting, load_margins

__all__ = [
    "AnalysisInputError",
    "Breakdown",
    "Change",
    "Comparison",
    "Direction",
    "GroupComparison",
    "KpiComparison",
    "KpiDefinition",
    "Method",
    "PopulationMargins",
    "Target",
    "TargetResult",
    "TargetRule",
    "TargetStatus",
    "WaveEstimate",
    "WaveWeighting",
    "compare_waves",
    "load_kpis",
    "load_margins",
    "to_csv",
    "to_dict",
    "to_json",
]
