"""What the answers mean: baselines, change, significance and KPI targets.

Pure functions on pandas DataFrames returning frozen dataclasses; no Flask, no
database. The method follows docs/statistics.md and every result names it.
See docs/analysis.md for the public API, the JSON schema and the command line.

Importing the package is cheap: each public name is imported from its module the
first time it is used (PEP 562), so code that needs one renderer does not load
scipy, pandas, openpyxl and textblob with it, and a web worker starts faster.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.breakdowns import Breakdown, GroupComparison
    from analysis.comparison import Comparison, KpiComparison, compare_waves
    from analysis.describe import WaveDescription, describe_wave
    from analysis.errors import AnalysisInputError
    from analysis.estimates import Change, Direction, WaveEstimate
    from analysis.free_text import ThemeReport, comment_themes, themes
    from analysis.kpis import KpiDefinition, Target, TargetRule, load_kpis, question_positive
    from analysis.method import Method
    from analysis.questions import QuestionComparison, compare_questions
    from analysis.redaction import redact
    from analysis.render_csv import to_csv
    from analysis.render_html import to_html
    from analysis.render_json import to_dict, to_json
    from analysis.render_xlsx import to_xlsx
    from analysis.responses import NOT_STATED
    from analysis.result_tables import tables_for
    from analysis.targets import TargetResult, TargetStatus
    from analysis.trends import KpiTrend, Trend, TrendStep, trend_kpis
    from analysis.wave_results import (
        Period,
        by_period,
        crosstab,
        periods_for,
        protect_counts,
    )
    from analysis.weighting import PopulationMargins, WaveWeighting, load_margins

#: Where each public name lives.
_MODULES = {
    "Period": "analysis.wave_results",
    "by_period": "analysis.wave_results",
    "crosstab": "analysis.wave_results",
    "periods_for": "analysis.wave_results",
    "protect_counts": "analysis.wave_results",
    "question_positive": "analysis.kpis",
    "tables_for": "analysis.result_tables",
    "NOT_STATED": "analysis.responses",
    "Breakdown": "analysis.breakdowns",
    "GroupComparison": "analysis.breakdowns",
    "Comparison": "analysis.comparison",
    "KpiComparison": "analysis.comparison",
    "compare_waves": "analysis.comparison",
    "WaveDescription": "analysis.describe",
    "describe_wave": "analysis.describe",
    "AnalysisInputError": "analysis.errors",
    "Change": "analysis.estimates",
    "Direction": "analysis.estimates",
    "WaveEstimate": "analysis.estimates",
    "ThemeReport": "analysis.free_text",
    "comment_themes": "analysis.free_text",
    "themes": "analysis.free_text",
    "KpiDefinition": "analysis.kpis",
    "Target": "analysis.kpis",
    "TargetRule": "analysis.kpis",
    "load_kpis": "analysis.kpis",
    "Method": "analysis.method",
    "QuestionComparison": "analysis.questions",
    "compare_questions": "analysis.questions",
    "redact": "analysis.redaction",
    "to_csv": "analysis.render_csv",
    "to_html": "analysis.render_html",
    "to_dict": "analysis.render_json",
    "to_json": "analysis.render_json",
    "to_xlsx": "analysis.render_xlsx",
    "TargetResult": "analysis.targets",
    "TargetStatus": "analysis.targets",
    "KpiTrend": "analysis.trends",
    "Trend": "analysis.trends",
    "TrendStep": "analysis.trends",
    "trend_kpis": "analysis.trends",
    "PopulationMargins": "analysis.weighting",
    "WaveWeighting": "analysis.weighting",
    "load_margins": "analysis.weighting",
}


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "NOT_STATED",
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
    "Period",
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
    "by_period",
    "comment_themes",
    "compare_questions",
    "compare_waves",
    "crosstab",
    "describe_wave",
    "load_kpis",
    "load_margins",
    "periods_for",
    "protect_counts",
    "question_positive",
    "redact",
    "tables_for",
    "themes",
    "to_csv",
    "to_dict",
    "to_html",
    "to_json",
    "to_xlsx",
    "trend_kpis",
]
