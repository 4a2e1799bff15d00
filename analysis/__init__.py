"""What the answers mean: baselines, change, significance and KPI targets.

Pure functions on pandas DataFrames returning frozen dataclasses; no Flask, no
database. The method follows shared/docs/statistics.md and every result names it.
See docs/analysis.md for the public API, the JSON schema and the command line.
"""

from __future__ import annotations

from analysis.breakdowns import Breakdown, GroupComparison
from analysis.comparison import Comparison, KpiComparison, compare_waves
from analysis.describe import WaveDescription, describe_wave
from analysis.errors import AnalysisInputError
from analysis.estimates import Change, Direction, WaveEstimate
from analysis.free_text import ThemeReport, comment_themes, themes
from analysis.kpis import KpiDefinition, Target, TargetRule, load_kpis
from analysis.method import Method
from analysis.questions import QuestionComparison, compare_questions
from analysis.redaction import redact
from analysis.render_csv import to_csv
from analysis.render_html import to_html
from analysis.render_json import to_dict, to_json
from analysis.render_xlsx import to_xlsx
from analysis.targets import TargetResult, TargetStatus
from analysis.trends import KpiTrend, Trend, TrendStep, trend_kpis
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
    "KpiTrend",
    "Method",
    "PopulationMargins",
    "QuestionComparison",
    "Target",
    "TargetResult",
    "TargetRule",
    "TargetStatus",
    "ThemeReport",
    "Trend",
    "TrendStep",
    "WaveDescription",
    "WaveEstimate",
    "WaveWeighting",
    "comment_themes",
    "compare_questions",
    "compare_waves",
    "describe_wave",
    "load_kpis",
    "load_margins",
    "redact",
    "themes",
    "to_csv",
    "to_dict",
    "to_html",
    "to_json",
    "to_xlsx",
    "trend_kpis",
]
