"""Reach: who responded, against population counts, to find under-represented groups."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.disclosure import LinkedTables, protect, publish_percent
from analysis.proportions import wilson_interval
from analysis.responses import NOT_STATED, encode_groups
from analysis.weighting import PopulationMargins

METHOD = (
    "share of responses (among those stating the group) against share of the population; "
    "under-represented when the population share is above the 95% Wilson interval of the "
    "response share, over-represented when below it"
)

UNDER = "under-represented"
OVER = "over-represented"
IN_LINE = "in line"


@dataclass(frozen=True, slots=True)
class ReachRow:
    """One group: responses and population, their shares (0-100) and the verdict."""

    column: str
    category: str
    responses: int | None
    response_percent: float | None
    response_ci_low: float | None
    response_ci_high: float | None
    population: float | None
    population_percent: float | None
    representation: float | None
    response_rate: float | None
    status: str | None


@dataclass(frozen=True, slots=True)
class Reach:
    """Reach of one wave against the population margins."""

    wave: str
    responses: int
    rows: tuple[ReachRow, ...]
    method: str = METHOD


def reach(
    responses: pd.DataFrame,
    margins: PopulationMargins,
    *,
    wave: str,
    rows: npt.NDArray[np.bool_],
    publication: bool = False,
    source: str = "responses",
) -> Reach:
    """Responses by group in one wave (``rows`` selects its rows) against population counts.

    ``representation`` is response share / population share (1 = in proportion);
    ``response_rate`` is responses per 100 people in the population. With
    ``publication``, groups are withheld under the disclosure rule
    (:mod:`analysis.disclosure`: 1-4 responses, and secondary suppression until no
    withheld group can be narrowed from the published totals) and figures rounded.

    Examples
    --------
    >>> df = pd.DataFrame({"phase": ["a"] * 90 + ["b"] * 10})
    >>> m = PopulationMargins(counts=(("phase", (("a", 500.0), ("b", 500.0))),))
    >>> r = reach(df, m, wave="w", rows=np.ones(100, dtype=bool))
    >>> [(row.category, row.status) for row in r.rows]
    [('a', 'over-represented'), ('b', 'under-represented')]
    """
    found = []
    for column in margins.columns():
        population = margins.for_column(column)
        groups = encode_groups(responses, column, source=source)
        counts = np.bincount(groups.codes[rows], minlength=len(groups.labels))
        hidden = (
            _protected_groups(groups.labels, counts.tolist(), responses=int(rows.sum()))
            if publication
            else np.zeros(len(counts), dtype=bool)
        )
        withheld = {label for label, h in zip(groups.labels, hidden, strict=True) if h}
        by_label = dict(zip(groups.labels, counts.tolist(), strict=True))
        stated = sum(count for label, count in by_label.items() if label != NOT_STATED)
        total_population = sum(population.values())
        categories = list(population) + [c for c in groups.labels if c not in population]
        for category in categories:
            n = int(by_label.get(category, 0))
            if category in withheld:
                found.append(
                    ReachRow(
                        column, category, None, None, None, None, None, None, None, None, "withheld"
                    )
                )
                continue
            if category == NOT_STATED:
                if n:
                    found.append(ReachRow(column, category, n, *([None] * 8)))
                continue
            row = _row(column, category, n, stated, population.get(category), total_population)
            found.append(_published(row) if publication else row)
    return Reach(wave=wave, responses=int(rows.sum()), rows=tuple(found))


def _protected_groups(
    labels: tuple[str, ...], counts: list[int], *, responses: int
) -> npt.NDArray[np.bool_]:
    """Groups to withhold under the disclosure rule (:mod:`analysis.disclosure`).

    The wave's number of responses is published, and so (through the shown
    shares) is the number who stated a group: both are totals of the groups.
    """
    tables = LinkedTables()
    units = [
        tables.unit(label, [count], base=False) for label, count in zip(labels, counts, strict=True)
    ]
    variables = [tables.units[u].variables[0] for u in units]
    tables.relate(tables.variable(responses), variables)
    stated = [v for v, label in zip(variables, labels, strict=True) if label != NOT_STATED]
    if len(stated) < len(variables):
        tables.relate(tables.variable(sum(tables.values[v] for v in stated)), stated)
    hidden = protect(tables)
    return np.array([u in hidden for u in units], dtype=np.bool_)


def _published(row: ReachRow) -> ReachRow:
    """Shares and rates rounded once, as everything published is."""
    return replace(
        row,
        response_percent=publish_percent(row.response_percent),
        response_ci_low=publish_percent(row.response_ci_low),
        response_ci_high=publish_percent(row.response_ci_high),
        population_percent=publish_percent(row.population_percent),
        representation=None if row.representation is None else round(row.representation, 2),
        response_rate=publish_percent(row.response_rate),
    )


def _row(
    column: str, category: str, n: int, stated: int, population: float | None, total: float
) -> ReachRow:
    if stated == 0:
        return ReachRow(column, category, n, None, None, None, population, None, None, None, None)
    low, high = wilson_interval(n, stated)
    share = n / stated * 100.0
    population_share = population / total * 100.0 if population else None
    status = None
    if population_share is not None:
        status = (
            UNDER
            if population_share > high * 100
            else OVER
            if population_share < low * 100
            else IN_LINE
        )
    return ReachRow(
        column=column,
        category=category,
        responses=n,
        response_percent=share,
        response_ci_low=float(low) * 100.0,
        response_ci_high=float(high) * 100.0,
        population=population,
        population_percent=population_share,
        representation=share / population_share if population_share else None,
        response_rate=n / population * 100.0 if population else None,
        status=status,
    )
