"""A plan KPI's published benchmarks: England, region and statistical neighbours.

The figures are entered or uploaded with the plan (``surveys.kpis.BenchmarkFigure``).
This module says which of them the board shows (the latest figure of each
comparator, with the statistical neighbours' average worked out from the named
neighbours when the plan does not give it) and which one a "higher (or lower) of a
level and a benchmark" target uses (the latest published for a period ending on
or before the target's due date, else the earliest after it: a later figure never
moves a target that has already fallen due, as with the area's own figures).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from surveys.kpis import BenchmarkFigure

#: What a target may call a comparator besides its name ("the national average").
ALIASES: dict[str, tuple[str, ...]] = {
    "england": ("england", "national", "national average", "england average"),
    "neighbours": (
        "statistical neighbours",
        "statistical neighbours average",
        "statistical neighbour average",
        "neighbours",
        "neighbours average",
    ),
    "region": ("region", "regional average", "region average"),
}

_ORDER = {"england": 0, "region": 1, "neighbours": 2, "neighbour": 3}


def _norm(text: str) -> str:
    return " ".join(text.replace("'", "").split()).casefold()


def neighbours_average(figures: Iterable[BenchmarkFigure]) -> tuple[BenchmarkFigure, ...]:
    """The statistical neighbours' average for each period that has named neighbours
    but no average given: their unweighted mean, sourced from them.

    >>> from surveys.kpis import BenchmarkFigure as F
    >>> rows = [F(comparator="neighbour", name=n, period="2020", date="2020-12-31", value=v,
    ...           source="DfE", published_on="2021-06-10") for n, v in (("A", 40), ("B", 50))]
    >>> [(f.comparator, f.value, f.source) for f in neighbours_average(rows)]
    [('neighbours', 45.0, 'Mean of 2 statistical neighbours (DfE)')]
    """
    figures = list(figures)
    given = {f.period.strip().casefold() for f in figures if f.comparator == "neighbours"}
    periods: dict[str, list[BenchmarkFigure]] = {}
    for figure in figures:
        if figure.comparator == "neighbour" and figure.period.strip().casefold() not in given:
            periods.setdefault(figure.period.strip().casefold(), []).append(figure)
    found = []
    for named in periods.values():
        sources = ", ".join(sorted({f.source for f in named}))
        found.append(
            BenchmarkFigure(
                comparator="neighbours",
                period=named[0].period,
                date=max(f.date for f in named),
                value=sum(f.value for f in named) / len(named),
                source=f"Mean of {len(named)} statistical neighbours ({sources})",
                published_on=max(f.published_on for f in named),
            )
        )
    return tuple(sorted(found, key=lambda f: f.date))


def latest_benchmarks(figures: Sequence[BenchmarkFigure]) -> tuple[BenchmarkFigure, ...]:
    """The newest figure of each comparator (by period end, then publication), in the
    order England, region, neighbours' average, named neighbours."""
    latest: dict[tuple[str, str], BenchmarkFigure] = {}
    for figure in (*figures, *neighbours_average(figures)):
        held = latest.get(figure.key)
        if held is None or (figure.date, figure.published_on) > (held.date, held.published_on):
            latest[figure.key] = figure
    return tuple(sorted(latest.values(), key=lambda f: (_ORDER[f.comparator], f.key[1])))


def matches(figure: BenchmarkFigure, name: str) -> bool:
    """True when a target's ``benchmark`` text names this figure's comparator.

    >>> from surveys.kpis import BenchmarkFigure as F
    >>> england = F(comparator="england", period="2020", date="2020-12-31", value=58.2,
    ...             source="DfE", published_on="2021-06-10")
    >>> matches(england, "National average"), matches(england, "North West")
    (True, False)
    """
    wanted = _norm(name)
    if figure.name is not None and _norm(figure.name) == wanted:
        return True
    return wanted in ALIASES.get(figure.comparator, ())


def target_benchmark(
    figures: Sequence[BenchmarkFigure], name: str, *, due_on: dt.date | None
) -> BenchmarkFigure | None:
    """The figure a target naming ``name`` uses: the latest for a period ending on or
    before ``due_on`` (the latest of all when it has no due date), else the earliest
    after it; None when the plan has no figure of that comparator.

    >>> from surveys.kpis import BenchmarkFigure as F
    >>> rows = [F(comparator="england", period=str(y), date=f"{y}-12-31", value=v,
    ...           source="DfE", published_on=f"{y + 1}-06-10")
    ...         for y, v in ((2019, 52.0), (2020, 58.2), (2021, 61.0))]
    >>> target_benchmark(rows, "National average", due_on=dt.date(2021, 6, 30)).value
    58.2
    >>> target_benchmark(rows, "National average", due_on=None).value
    61.0
    """
    named = sorted(
        (f for f in (*figures, *neighbours_average(figures)) if matches(f, name)),
        key=lambda f: (f.date, f.published_on),
    )
    if not named:
        return None
    if due_on is None:
        return named[-1]
    on_time = [f for f in named if f.date <= due_on]
    return on_time[-1] if on_time else named[0]


__all__ = ["ALIASES", "latest_benchmarks", "matches", "neighbours_average", "target_benchmark"]
