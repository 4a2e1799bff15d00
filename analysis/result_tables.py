"""The flat tables of every kind of result, for CSV, XLSX and HTML, in one place.

``tables_for`` is a single-dispatch function: each result type (comparison,
trend, wave description, themes) registers how it becomes tables here, so the
result classes need no ``tables()`` method that imports back into this module.
"""

from __future__ import annotations

from dataclasses import fields
from functools import singledispatch

from analysis.comparison import Comparison
from analysis.describe import WaveDescription
from analysis.free_text import ThemeReport
from analysis.suppression import published_total
from analysis.tables import (
    CHANGE_FIELDS,
    WAVE_FIELDS,
    Cell,
    Table,
    change_cells,
    comparison_tables,
    estimate_cells,
    with_weighting_warning,
)
from analysis.tables import method_table as _method_table
from analysis.trends import Trend


def trend_tables(trend: Trend) -> tuple[Table, ...]:
    """Trend: one row per KPI and wave, with changes against baseline and previous wave."""
    columns = (
        "kpi_id",
        "kpi",
        "wave",
        *WAVE_FIELDS,
        *(f"vs_baseline_{c}" for c in CHANGE_FIELDS),
        *(f"vs_previous_{c}" for c in CHANGE_FIELDS),
    )
    blank: tuple[Cell, ...] = (None,) * len(CHANGE_FIELDS)
    rows = tuple(
        (
            item.kpi.id,
            item.kpi.label,
            step.wave,
            *estimate_cells(step.estimate),
            *(change_cells(step.against_baseline) if step.against_baseline else blank),
            *(change_cells(step.against_previous) if step.against_previous else blank),
        )
        for item in trend.kpis
        for step in item.steps
    )
    percent = frozenset(
        {"percent", "ci_low", "ci_high"}
        | {f"{p}_{c}" for p in ("vs_baseline", "vs_previous") for c in CHANGE_FIELDS[:3]}
    )
    title = "KPI trend: " + ", ".join(trend.waves)
    columns, warned = with_weighting_warning(columns, rows, trend.weighting)
    tested = [item for item in trend.kpis if item.trend is not None]
    tests = Table(
        "trend_test",
        "Test for trend across all the waves",
        (
            "kpi_id",
            "kpi",
            "test",
            "scores",
            "waves",
            "slope_pp",
            "z",
            "p_value",
            "significant",
            "direction",
            "sentence",
        ),
        tuple(
            (
                item.kpi.id,
                item.kpi.label,
                t.test,
                t.scores,
                t.waves,
                t.slope_pp,
                t.z,
                t.p_value,
                t.significant,
                t.direction.value,
                t.sentence,
            )
            for item in tested
            if (t := item.trend) is not None
        ),
        frozenset({"slope_pp"}),
    )
    main = Table("trend", title, columns, tuple(warned), percent)
    if not tested:
        return (main, _method_table(trend.method))
    return (main, tests, _method_table(trend.method))


def description_tables(description: WaveDescription) -> tuple[Table, ...]:
    """Distributions (main table), then reach and method."""
    rows = tuple(
        (
            d.question,
            d.wave,
            d.answered,
            "yes" if d.multiple_choice else "no",
            o.option,
            o.count,
            o.percent,
        )
        for d in description.distributions
        for o in d.options
    )
    shown = (
        published_total(description.responses) if description.publication else description.responses
    )
    counted = "number of responses withheld" if shown is None else f"{shown} responses"
    tables = [
        Table(
            "distributions",
            f"Answers to closed questions, wave {description.wave} ({counted})",
            ("question", "wave", "answered", "multiple_choice", "option", "count", "percent"),
            rows,
            frozenset({"percent"}),
        )
    ]
    if description.reach is not None:
        reach = description.reach
        names = tuple(f.name for f in fields(reach.rows[0])) if reach.rows else ("column",)
        tables.append(
            Table(
                "reach",
                f"Reach, wave {reach.wave}: responses against population",
                names,
                tuple(tuple(getattr(r, n) for n in names) for r in reach.rows),
                frozenset(
                    {
                        "response_percent",
                        "response_ci_low",
                        "response_ci_high",
                        "population_percent",
                        "response_rate",
                    }
                ),
            )
        )
    tables.append(_mapping_table(description.method))
    return tuple(tables)


def theme_tables(report: ThemeReport) -> tuple[Table, ...]:
    """Theme counts per wave (main table), change, sentiment, quotes and method."""
    counts = Table(
        "themes",
        f"Themes in '{report.column}' by wave",
        ("theme", "label", "wave", "comments", "mentions", "percent"),
        tuple((c.theme, c.label, c.wave, c.comments, c.mentions, c.percent) for c in report.counts),
        frozenset({"percent"}),
    )
    change_names = (
        tuple(f.name for f in fields(report.changes[0])) if report.changes else ("theme",)
    )
    change = Table(
        "theme_change",
        f"Change in themes, {report.waves[0]} to {report.waves[-1]}",
        change_names,
        tuple(tuple(getattr(c, n) for n in change_names) for c in report.changes),
        frozenset({"change_pp", "change_ci_low", "change_ci_high"}),
    )
    sentiment_names = (
        tuple(f.name for f in fields(report.sentiment[0])) if report.sentiment else ("wave",)
    )
    sentiment = Table(
        "sentiment",
        "Sentiment of English comments (distribution only)",
        sentiment_names,
        tuple(tuple(getattr(s, n) for n in sentiment_names) for s in report.sentiment),
        frozenset({"negative_percent", "neutral_percent", "positive_percent"}),
    )
    quotes = Table(
        "quotes",
        "Example quotes (redacted)",
        ("theme", "quote"),
        tuple((theme, quote) for theme, texts in report.quotes for quote in texts),
    )
    return (counts, change, sentiment, quotes, _mapping_table(report.method))


def _mapping_table(method: dict[str, str]) -> Table:
    return Table("method", "Method", ("item", "method"), tuple(method.items()))


@singledispatch
def tables_for(result: object) -> tuple[Table, ...]:
    """The tables of a result, main table first.

    Examples
    --------
    >>> from analysis.method import Method
    >>> [t.name for t in tables_for(Comparison("a", "b", Method(), ()))]
    ['kpis', 'method']
    """
    raise TypeError(f"cannot render {type(result).__name__} as tables")


tables_for.register(Comparison, comparison_tables)
tables_for.register(Trend, trend_tables)
tables_for.register(WaveDescription, description_tables)
tables_for.register(ThemeReport, theme_tables)
