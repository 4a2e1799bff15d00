"""An area's KPIs beside the average of other areas, without naming or exposing any of them.

Method (the ``METHOD`` text is shown with every benchmark):

* Each other area contributes its percentage for the KPI from one wave (the caller
  chooses: usually its latest closed wave that asked the question).
* An area counts only when its base is at least :data:`MIN_BASE` (30): below
  that, a percentage is too uncertain to stand for the area.
* The benchmark is the **unweighted** mean of the counted areas' percentages:
  every area counts once, however many families answered there. The question it
  answers is "how does a typical other area do?"; weighting by responses would
  let the largest area decide the figure and would reward response volume rather
  than reflect areas.
* It is shown only when at least :data:`MIN_AREAS` (2) areas count, so the figure
  is never one other area's result under another name.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

from analysis.estimates import WaveEstimate, count_cells, wave_estimates
from analysis.kpis import KpiDefinition

if TYPE_CHECKING:
    import pandas as pd

#: An area's percentage counts towards the benchmark only from this base up.
MIN_BASE: Final[int] = 30
#: The benchmark is shown only when this many other areas count.
MIN_AREAS: Final[int] = 2

METHOD: Final[str] = (
    "unweighted mean of other areas' percentages (each area counts once), each from "
    f"one wave; an area counts only with a base of at least {MIN_BASE}; shown only when at "
    f"least {MIN_AREAS} areas count; areas are never named"
)


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The other areas' average for one KPI.

    ``percent`` is ``None`` when fewer than ``MIN_AREAS`` areas count. ``areas`` is
    how many areas were averaged; ``left_out`` how many had the KPI but a base
    under ``MIN_BASE`` (or no percentage).
    """

    kpi_id: str
    percent: float | None
    areas: int
    left_out: int
    method: str = METHOD


def kpi_estimates(
    responses: pd.DataFrame,
    kpis: Sequence[KpiDefinition],
    *,
    wave: str,
    source: str = "responses",
) -> tuple[WaveEstimate, ...]:
    """Each KPI's estimate (base, percentage, 95% Wilson interval) in one wave.

    Examples
    --------
    >>> import pandas as pd
    >>> kpi = KpiDefinition(id="k", title="T", question="q", positive=("yes",))
    >>> df = pd.DataFrame({"response_id": range(4), "wave": ["w"] * 4,
    ...                    "q": ["yes", "no", "dont_know", "yes"]})
    >>> e = kpi_estimates(df, [kpi], wave="w")[0]
    >>> e.base, e.positive, e.percent is None
    (3, None, True)
    """
    # pandas is loaded here, not on import: the KPI board's module starts the web app
    from analysis.responses import check_table, classify_answers, encode_waves

    check_table(responses, source=source)
    wave_index = encode_waves(responses, [wave], source=source)
    found = []
    for kpi in kpis:
        classes = classify_answers(responses, kpi, source=source)
        counts = count_cells(classes=classes, cell=wave_index, n_cells=1)
        found.append(wave_estimates(counts, wave=wave)[0])
    return tuple(found)


def benchmark(
    kpi_id: str,
    estimates: Sequence[WaveEstimate | None],
    *,
    min_base: int = MIN_BASE,
    min_areas: int = MIN_AREAS,
) -> Benchmark:
    """The unweighted mean of other areas' percentages (one estimate per area).

    ``None`` stands for an area that does not ask the KPI question: it is neither
    averaged nor counted as left out.

    Examples
    --------
    >>> def e(percent, base):
    ...     return WaveEstimate("w", base, None, percent, None, None, False, base < 30, base)
    >>> b = benchmark("k", [e(40.0, 100), e(60.0, 30), e(90.0, 29), None])
    >>> b.percent, b.areas, b.left_out
    (50.0, 2, 1)
    >>> benchmark("k", [e(40.0, 100), e(90.0, 12)]).percent is None
    True
    """
    if min_areas < 1:
        raise ValueError("min_areas must be at least 1")
    asked = [estimate for estimate in estimates if estimate is not None]
    counted = [
        estimate.percent
        for estimate in asked
        if estimate.percent is not None and estimate.base is not None and estimate.base >= min_base
    ]
    percent = float(np.mean(counted)) if len(counted) >= min_areas else None
    return Benchmark(
        kpi_id=kpi_id,
        percent=percent,
        areas=len(counted) if percent is not None else 0,
        left_out=len(asked) - len(counted),
    )


__all__ = ["METHOD", "MIN_AREAS", "MIN_BASE", "Benchmark", "benchmark", "kpi_estimates"]
