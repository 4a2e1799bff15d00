"""Breakdowns of a KPI by a grouping column, with publication suppression and BH."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from analysis.disclosure import breakdown_pattern, publish_change, publish_estimate
from analysis.estimates import (
    CellCounts,
    Change,
    WaveEstimate,
    changes,
    count_cells,
    direction_of_travel,
    wave_estimates,
    withheld_change,
    withhold,
)
from analysis.proportions import ALPHA, benjamini_hochberg
from analysis.responses import NOT_STATED, Encoded
from analysis.suppression import primary_suppression

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

ADJUSTMENTS = ("none", "bh")


@dataclass(frozen=True, slots=True)
class GroupComparison:
    """One group of a breakdown: its baseline, follow-up and change."""

    group: str
    baseline: WaveEstimate
    follow_up: WaveEstimate
    change: Change


@dataclass(frozen=True, slots=True)
class Breakdown:
    """A KPI broken down by one grouping column (one row per group)."""

    column: str
    groups: tuple[GroupComparison, ...]


def slice_counts(counts: CellCounts, start: int, stop: int) -> CellCounts:
    """The cells ``start:stop`` of ``counts``.

    Examples
    --------
    >>> import numpy as np
    >>> c = CellCounts(np.array([1, 2]), np.array([0, 1]), np.array([0.0, 0.5]),
    ...                np.array([1.0, 2.0]))
    >>> slice_counts(c, 1, 2).base.tolist()
    [2]
    """
    return CellCounts(
        base=counts.base[start:stop],
        positive=counts.positive[start:stop],
        proportion=counts.proportion[start:stop],
        effective_base=counts.effective_base[start:stop],
        weighted=counts.weighted,
    )


def kpi_breakdown(
    *,
    classes: IntArray,
    wave_index: IntArray,
    groups: Encoded,
    column: str,
    waves: tuple[str, str],
    weights: FloatArray | None,
    higher_is_better: bool,
    publication: bool = False,
    adjust: str = "none",
    hidden: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]] | None = None,
) -> Breakdown:
    """Baseline/follow-up comparison within each group of ``column``.

    ``wave_index`` is 0 for baseline rows, 1 for follow-up rows and -1 otherwise.
    With ``publication`` the groups in ``hidden`` (one mask per wave, from
    :func:`analysis.disclosure.group_pattern`) are withheld and the published
    figures rounded; with ``adjust="bh"`` the p-values of the groups that are shown
    (after suppression) are Benjamini-Hochberg adjusted and significance uses the
    adjusted value.

    Examples
    --------
    >>> import numpy as np
    >>> from analysis.responses import Encoded
    >>> g = Encoded(np.array([0, 0, 1, 1]), ("a", "b", "(not stated)"))
    >>> b = kpi_breakdown(classes=np.array([1, 0, 1, 1]), wave_index=np.array([0, 1, 0, 1]),
    ...                   groups=g, column="x", waves=("w1", "w2"), weights=None,
    ...                   higher_is_better=True)
    >>> [(row.group, row.baseline.base) for row in b.groups]
    [('a', 1), ('b', 1)]
    """
    n_groups = len(groups.labels)
    cell = np.where(wave_index >= 0, wave_index * n_groups + groups.codes, -1)
    counts = count_cells(classes=classes, cell=cell, n_cells=2 * n_groups, weights=weights)
    first = slice_counts(counts, 0, n_groups)
    second = slice_counts(counts, n_groups, 2 * n_groups)
    baseline = wave_estimates(first, wave=waves[0])
    follow_up = wave_estimates(second, wave=waves[1])
    change = changes(baseline=first, follow_up=second, higher_is_better=higher_is_better)
    if publication:
        hide_first, hide_second = (
            hidden if hidden is not None else (_hidden(first), _hidden(second))
        )
        baseline = [withhold(e) if h else e for e, h in zip(baseline, hide_first, strict=True)]
        follow_up = [withhold(e) if h else e for e, h in zip(follow_up, hide_second, strict=True)]
        change = [
            withheld_change() if a or b else c
            for c, a, b in zip(change, hide_first, hide_second, strict=True)
        ]
    if adjust == "bh":
        # After suppression: a withheld group's p-value takes no part in the adjustment.
        change = _adjust_bh(change, higher_is_better=higher_is_better)
    if publication:
        baseline = [publish_estimate(e) for e in baseline]
        follow_up = [publish_estimate(e) for e in follow_up]
        change = [publish_change(c) for c in change]
    rows = []
    for i, label in enumerate(groups.labels):
        empty = first.base[i] == 0 and second.base[i] == 0
        if label == NOT_STATED and empty:
            continue
        rows.append(GroupComparison(label, baseline[i], follow_up[i], change[i]))
    return Breakdown(column=column, groups=tuple(rows))


def overall_withheld(counts: CellCounts) -> npt.NDArray[np.bool_]:
    """Primary suppression of headline cells (no total to protect them against).

    Examples
    --------
    >>> import numpy as np
    >>> c = CellCounts(np.array([40, 40]), np.array([3, 20]), np.array([0.075, 0.5]),
    ...                np.array([40.0, 40.0]))
    >>> overall_withheld(c).tolist()
    [True, False]
    """
    return primary_suppression(np.column_stack([counts.positive, counts.base - counts.positive]))


def _hidden(counts: CellCounts) -> npt.NDArray[np.bool_]:
    pos = counts.positive.tolist()
    neg = (counts.base - counts.positive).tolist()
    return breakdown_pattern((sum(pos), sum(neg)), {"column": (pos, neg)})["column"]


def _adjust_bh(change: list[Change], *, higher_is_better: bool) -> list[Change]:
    raw = np.array([np.nan if c.p_value is None else c.p_value for c in change], dtype=np.float64)
    adjusted = benjamini_hochberg(raw)
    result = []
    for c, q in zip(change, adjusted, strict=True):
        if c.p_value is None or c.change_pp is None:
            result.append(c)
            continue
        significant = bool(q < ALPHA)
        result.append(
            replace(
                c,
                p_value_adjusted=float(q),
                significant=significant,
                direction=direction_of_travel(
                    c.change_pp, significant=significant, higher_is_better=higher_is_better
                ),
            )
        )
    return result
