"""The disclosure tests' attacker: what a reader can work out from published tables,
as integer programmes over the true (non-negative, whole) counts, solved by SciPy's
MILP, independent of the analysis code that withholds cells."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import Bounds, LinearConstraint, milp


def integer_ranges(
    n: int,
    rows: Sequence[np.ndarray],
    low: Sequence[float],
    high: Sequence[float],
    targets: Sequence[tuple[str, np.ndarray]],
) -> list[tuple[str, float, float]]:
    """For each named target (a sum of the ``n`` unknown counts), the least and the most
    it can be when every equation ``low <= row · counts <= high`` holds."""
    constraints = [LinearConstraint(np.array(rows), low, high)]
    bounds = Bounds(np.zeros(n), np.full(n, np.inf))
    found = []
    for name, row in targets:
        ends = []
        for sign in (1.0, -1.0):
            result = milp(
                sign * row, integrality=np.ones(n), bounds=bounds, constraints=constraints
            )
            if sign < 0 and result.status in (3, 4):  # feasible, so unbounded above
                ends.append(math.inf)
                continue
            assert result.status == 0, (name, result.message)
            ends.append(sign * result.fun)
        found.append((name, ends[0], ends[1]))
    return found


class Equations:
    """What an attacker knows about the unknown counts of ``cells``: equations
    ``low <= row · counts <= high`` from the output, and the sums it wants (targets)."""

    def __init__(self, cells: Sequence[Any]) -> None:
        self.cells = list(cells)
        self.rows: list[np.ndarray] = []
        self.low: list[float] = []
        self.high: list[float] = []
        self.targets: list[tuple[str, np.ndarray]] = []

    def known(self, row: np.ndarray, value: float) -> None:
        """A published sum."""
        self.rows.append(row)
        self.low.append(value)
        self.high.append(value)

    def at_least(self, row: np.ndarray, value: float) -> None:
        """A sum known to be ``value`` or more (a withheld cell that is listed holds
        someone: at least 1)."""
        self.rows.append(row)
        self.low.append(value)
        self.high.append(math.inf)

    def hidden(self, name: str, row: np.ndarray) -> None:
        """A withheld sum the attacker would like to know."""
        self.targets.append((name, row))

    def target_ranges(self) -> list[tuple[str, float, float]]:
        """``integer_ranges`` of every target under the equations so far."""
        return integer_ranges(len(self.cells), self.rows, self.low, self.high, self.targets)


def ward_frame(rows: Sequence[tuple[str, str, str, str]]) -> pd.DataFrame:
    """Responses from (wave, ward, locality, answer to ``q``) rows, numbered from 0."""
    return pd.DataFrame(
        {
            "response_id": [str(i) for i in range(len(rows))],
            "wave": [r[0] for r in rows],
            "ward": [r[1] for r in rows],
            "locality": [r[2] for r in rows],
            "q": [r[3] for r in rows],
        }
    )
