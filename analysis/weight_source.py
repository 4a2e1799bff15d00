"""Where weights come from: none, a column of the responses, or raking to margins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.errors import AnalysisInputError
from analysis.method import RAKING, WEIGHT_COLUMN
from analysis.responses import check_columns
from analysis.weighting import (
    DEFAULT_CAP,
    PopulationMargins,
    WaveWeighting,
    kish_effective_size,
    rake,
    refuse_problems,
    weighting_caveat,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: What ``weights=`` accepts: nothing, the name of a weight column, or margins to rake to.
Weights = PopulationMargins | str | None


@dataclass(frozen=True, slots=True)
class ResolvedWeights:
    """Row weights (or ``None``), what weighting did to each wave, and the method text."""

    weights: FloatArray | None
    waves: tuple[WaveWeighting, ...]
    method: str | None

    @property
    def caveat(self) -> str:
        """The accepted-problems sentence every output carries ("" when weighting is sound)."""
        return weighting_caveat(self.waves)


def resolve_weights(
    responses: pd.DataFrame,
    weights: Weights,
    *,
    wave_index: IntArray,
    waves: Sequence[str],
    cap: float = DEFAULT_CAP,
    source: str,
    accept_problems: bool = False,
) -> ResolvedWeights:
    """Turn the ``weights`` option into one weight per row.

    Raking that fails (see :attr:`analysis.weighting.WaveWeighting.problems`) raises
    :class:`analysis.weighting.WeightingProblem` unless ``accept_problems``; then
    the method text carries the caveat, and callers put it in every sentence.

    Examples
    --------
    >>> df = pd.DataFrame({"wave": ["a", "a"], "w": [1.0, 3.0]})
    >>> r = resolve_weights(df, "w", wave_index=np.array([0, 0]), waves=["a"], source="x")
    >>> r.weights.tolist(), r.waves[0].effective_sample_size
    ([1.0, 3.0], 1.6)
    """
    if weights is None:
        return ResolvedWeights(None, (), None)
    if isinstance(weights, PopulationMargins):
        values, summary = rake(
            responses, weights, wave_index=wave_index, waves=waves, cap=cap, source=source
        )
        if not accept_problems:
            refuse_problems(summary, source=source)
        method = RAKING.format(cap=cap)
        caveat = weighting_caveat(summary)
        if caveat:
            problems = "; ".join(
                f"{s.wave}: {'; '.join(s.problems)}" for s in summary if s.problems
            )
            method = f"{method}. {caveat} Problems: {problems}"
        return ResolvedWeights(values, summary, method)
    check_columns(responses, [weights], source=source)
    numbers = pd.to_numeric(responses[weights], errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero((wave_index >= 0) & ~(numbers > 0))
    if bad.size:
        raise AnalysisInputError(
            f"{source}: row {bad[0] + 1}: column {weights!r}: weight must be a positive number"
        )
    values = np.where(wave_index >= 0, numbers, 0.0)
    summary = tuple(_column_summary(values[wave_index == w], wave) for w, wave in enumerate(waves))
    return ResolvedWeights(values, summary, WEIGHT_COLUMN.format(column=weights))


def _column_summary(values: FloatArray, wave: str) -> WaveWeighting:
    effective = kish_effective_size(values)
    n = len(values)
    return WaveWeighting(
        wave=wave,
        respondents=n,
        effective_sample_size=effective,
        design_effect=n / effective if effective > 0 else float("nan"),
        min_weight=float(values.min()) if n else float("nan"),
        max_weight=float(values.max()) if n else float("nan"),
        capped=0,
        iterations=0,
        converged=True,
        notes=(),
    )
