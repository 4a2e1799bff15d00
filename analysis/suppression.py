"""Small-number suppression for published tables (statistics.md, "Small numbers").

A published table is a set of cells that add up to a total that is also shown
(the groups of a breakdown, the options of a question). Each cell has one or more
counts ("measures": e.g. positive and not positive). A cell is hidden when any of
its counts is 1 to 4 (primary suppression). Then, so that a hidden cell cannot be
worked out by subtracting the visible cells from the total, more cells are hidden
(secondary suppression) until, for every measure whose total is not zero, at least
two cells are hidden and the hidden cells together hold at least one unit of that
measure: any hidden cell could then hold anything from 0 to that sum.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

SMALLEST_SHOWN: Final[int] = 5

METHOD = (
    "publication suppression: counts of 1 to 4 hidden, with secondary suppression so that "
    "no hidden cell can be recovered from the totals"
)


def primary_suppression(counts: npt.ArrayLike) -> BoolArray:
    """Cells (rows) with any count (column) from 1 to 4.

    Examples
    --------
    >>> primary_suppression([[10, 2], [0, 12], [7, 7]]).tolist()
    [True, False, False]
    """
    table = np.atleast_2d(np.asarray(counts, dtype=np.int64))
    return np.asarray(((table >= 1) & (table < SMALLEST_SHOWN)).any(axis=1), dtype=np.bool_)


def published_total(count: int) -> int | None:
    """A count of responses as a publication shows it: ``None`` (withheld) when 1 to 4.

    A wave's number of responses is a count like any other: a report that says
    "3 responses" tells the reader who they are among. Zero and 5 or more show.

    Examples
    --------
    >>> published_total(3), published_total(0), published_total(57)
    (None, 0, 57)
    """
    return None if 0 < count < SMALLEST_SHOWN else count


def published_sum(counts: Iterable[int]) -> int | None:
    """The sum of counts as a publication shows it: withheld when any part is
    withheld (the total less the shown parts would give the hidden one) or when
    the sum itself is 1 to 4.

    Examples
    --------
    >>> published_sum([3, 120]), published_sum([0, 120]), published_sum([])
    (None, 120, 0)
    """
    parts = list(counts)
    if any(published_total(part) is None for part in parts):
        return None
    return published_total(sum(parts))


def protect_cells(counts: npt.ArrayLike) -> BoolArray:
    """Cells to hide in a table whose total is published: primary plus secondary.

    Parameters
    ----------
    counts
        One row per cell, one column per measure (a 1-D array is one measure).

    Returns
    -------
    numpy.ndarray of bool
        True for each cell to hide.

    Examples
    --------
    >>> protect_cells([3, 40, 12, 25]).tolist()
    [True, False, True, False]
    """
    table = np.asarray(counts, dtype=np.int64)
    if table.ndim == 1:
        table = table[:, np.newaxis]
    hidden = primary_suppression(table)
    relevant = table.sum(axis=0) > 0
    size = table.sum(axis=1)
    while hidden.any():
        hidden_sums = table[hidden].sum(axis=0)
        short = relevant & (hidden_sums < 1)
        if hidden.sum() >= 2 and not short.any():
            return hidden
        candidates = ~hidden & (size > 0)
        if not candidates.any():
            # Nothing left to hide with: the table cannot be protected; hide it all.
            return np.ones(len(table), dtype=np.bool_)
        helpful = candidates & (table[:, short] > 0).all(axis=1) if short.any() else candidates
        pool = helpful if helpful.any() else candidates
        # Hide the smallest eligible cell: the least information lost.
        choice = np.flatnonzero(pool)[np.argmin(size[pool])]
        hidden[choice] = True
    return hidden
