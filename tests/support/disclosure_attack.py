"""The disclosure tests' attacker: what a reader can work out from published tables,
as integer programmes over the true (non-negative, whole) counts, solved by SciPy's
MILP, independent of the analysis code that withholds cells."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
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
