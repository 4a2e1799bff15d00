"""One wave described: how many responded, every closed question, and reach."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.disclosure import METHOD as PUBLICATION_METHOD
from analysis.distributions import METHOD as DISTRIBUTION_METHOD
from analysis.distributions import QuestionDistribution, distributions
from analysis.kpis import KpiDefinition
from analysis.reach import Reach, reach
from analysis.responses import check_table, encode_waves
from analysis.weighting import PopulationMargins


@dataclass(frozen=True, slots=True)
class WaveDescription:
    """The result of :func:`describe_wave`."""

    wave: str
    responses: int
    distributions: tuple[QuestionDistribution, ...]
    reach: Reach | None
    method: dict[str, str]
    publication: bool = False


def describe_wave(
    responses: pd.DataFrame,
    *,
    wave: str,
    questions: Sequence[str] | None = None,
    option_order: Mapping[str, Sequence[str]] | None = None,
    margins: PopulationMargins | None = None,
    publication: bool = False,
    source: str = "responses",
    kpis: Sequence[KpiDefinition] = (),
) -> WaveDescription:
    """Distributions of the closed questions in one wave and, with margins, its reach.

    Parameters
    ----------
    questions
        Columns to describe; by default every column whose answers are option codes.
    option_order
        Question -> its option codes in definition order, the order options are
        reported in (without it, whole-number codes by value, then the rest).
    margins
        Population counts by group, for the reach table.
    kpis
        With ``publication``: the KPIs whose headlines are published for this wave
        (by ``compare`` or ``trend``), so that the options hidden here cannot be
        worked out from a headline (:mod:`analysis.disclosure`).

    Examples
    --------
    >>> df = pd.DataFrame({"response_id": [1, 2, 3], "wave": ["2024"] * 3,
    ...                    "q": ["yes", "no", "yes"]})
    >>> d = describe_wave(df, wave="2024")
    >>> d.responses, [(o.option, o.count) for o in d.distributions[0].options]
    (3, [('no', 1), ('yes', 2)])
    """
    check_table(responses, source=source)
    wave_index = encode_waves(responses, [wave], source=source)
    found = distributions(
        responses,
        waves=[wave],
        wave_index=wave_index,
        questions=questions,
        option_order=option_order,
        publication=publication,
        source=source,
        kpis=kpis,
    )
    rows = wave_index == 0
    covered = (
        reach(responses, margins, wave=wave, rows=rows, publication=publication, source=source)
        if margins
        else None
    )
    method = {"distributions": DISTRIBUTION_METHOD}
    if covered is not None:
        method["reach"] = covered.method
    method["publication"] = PUBLICATION_METHOD if publication else "none (officer view)"
    return WaveDescription(
        wave=wave,
        responses=int(rows.sum()),
        distributions=found,
        reach=covered,
        method=method,
        publication=publication,
    )
