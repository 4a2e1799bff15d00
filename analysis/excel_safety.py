"""Making cells safe to open in a spreadsheet (CSV/formula injection)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from analysis.tables import Cell

#: A text cell starting with one of these could be run as a formula by Excel.
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """Prefix ``'`` to text that a spreadsheet could treat as a formula; numbers untouched.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise(-3.5), neutralise("fine")
    ("'=HYPERLINK(1)", -3.5, 'fine')
    """
    if isinstance(value, str) and value.startswith(DANGEROUS_STARTS):
        return "'" + value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
