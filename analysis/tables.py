"""Results as flat tables: the one shape that CSV, XLSX and HTML all render.

Figures stay unrounded here; each renderer formats them for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from analysis.estimates import Change, WaveEstimate

if TYPE_CHECKING:  # pandas-backed modules: the web app's start-up stays light
    from analysis.comparison import Comparison, KpiComparison
    from analysis.weighting import WaveWeighting

Cell = str | int | float | bool | None

_PERCENT_FIELDS = ("percent", "ci_low", "ci_high")
WAVE_FIELDS = ("base", "positive", "percent", "ci_low", "ci_high", "flag")
CHANGE_FIELDS = (
    "change_pp",
    "change_ci_low",
    "change_ci_high",
    "test",
    "p_value",
    "p_value_adjusted",
    "significant",
    "direction",
)


@dataclass(frozen=True, slots=True)
class Table:
    """A titled table. ``percent_columns`` are 0-100 figures that renderers round."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    percent_columns: frozenset[str] = frozenset()


def method_table(method: object) -> Table:
    """The method statement as a two-column table."""
    rows = tuple((f.name, _cell(getattr(method, f.name))) for f in fields(method))  # type: ignore[arg-type]
    return Table("method", "Method", ("item", "method"), rows)


def flag(estimate: WaveEstimate) -> str:
    """Small-number flag in words: withheld, suppressed, caution or empty.

    Examples
    --------
    >>> flag(WaveEstimate("w", 20, 5, 25.0, 11.2, 46.9, False, True, 20.0))
    'caution'
    """
    if estimate.withheld:
        return "withheld"
    if estimate.suppressed:
        return "suppressed"
    return "caution" if estimate.caution else ""


def estimate_cells(estimate: WaveEstimate) -> tuple[Cell, ...]:
    """The :data:`WAVE_FIELDS` of one estimate."""
    return (
        estimate.base,
        estimate.positive,
        estimate.percent,
        estimate.ci_low,
        estimate.ci_high,
        flag(estimate),
    )


def change_cells(change: Change) -> tuple[Cell, ...]:
    """The :data:`CHANGE_FIELDS` of one change."""
    return (
        change.change_pp,
        change.change_ci_low,
        change.change_ci_high,
        change.test,
        change.p_value,
        change.p_value_adjusted,
        change.significant,
        change.direction.value,
    )


def comparison_tables(result: Comparison) -> tuple[Table, ...]:
    """A comparison of two waves: KPIs, breakdowns, questions and the method."""
    columns = (
        "kpi_id",
        "kpi",
        "breakdown",
        "group",
        *(f"baseline_{name}" for name in WAVE_FIELDS),
        *(f"follow_up_{name}" for name in WAVE_FIELDS),
        *CHANGE_FIELDS,
        "target_rule",
        "target_value",
        "target_percent",
        "target_status",
        "summary",
    )
    rows: list[tuple[Cell, ...]] = []
    for item in result.kpis:
        rows.append(_kpi_row(item))
        for breakdown in item.breakdowns:
            for group in breakdown.groups:
                rows.append(
                    (
                        item.kpi.id,
                        item.kpi.label,
                        breakdown.column,
                        group.group,
                        *estimate_cells(group.baseline),
                        *estimate_cells(group.follow_up),
                        *change_cells(group.change),
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                )
    percent = frozenset(
        {
            *(f"{w}_{f}" for w in ("baseline", "follow_up") for f in _PERCENT_FIELDS),
            "change_pp",
            "change_ci_low",
            "change_ci_high",
            "target_percent",
        }
    )
    title = f"KPIs: {result.baseline_wave} (baseline) against {result.follow_up_wave} (follow-up)"
    columns, rows = with_weighting_warning(columns, rows, result.weighting)
    tables = [Table("kpis", title, columns, tuple(rows), percent), method_table(result.method)]
    if result.weighting:
        tables.append(_weighting_table(result))
    return tuple(tables)


def with_weighting_warning(
    columns: tuple[str, ...], rows: Sequence[tuple[Cell, ...]], weighting: Sequence[WaveWeighting]
) -> tuple[tuple[str, ...], list[tuple[Cell, ...]]]:
    """Add a ``weighting_warning`` column to every row when weighting problems were accepted.

    So the CSV, which holds only the main table, says so too.
    """
    from analysis.weighting import weighting_caveat  # loads pandas: only when rendering

    caveat = weighting_caveat(weighting)
    if not caveat:
        return columns, list(rows)
    return (*columns, "weighting_warning"), [(*row, caveat) for row in rows]


def _kpi_row(item: KpiComparison) -> tuple[Cell, ...]:
    target = item.target
    return (
        item.kpi.id,
        item.kpi.label,
        "all",
        "all",
        *estimate_cells(item.baseline),
        *estimate_cells(item.follow_up),
        *change_cells(item.change),
        target.rule if target else None,
        target.value if target else None,
        target.target_percent if target else None,
        target.status.value if target else None,
        item.summary,
    )


def _weighting_table(result: Comparison) -> Table:
    columns = tuple(f.name for f in fields(result.weighting[0]))
    rows = tuple(tuple(_cell(getattr(w, name)) for name in columns) for w in result.weighting)
    return Table("weighting", "Weighting", columns, rows)


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    return str(value)
