"""Trends over three or more waves: each wave against the baseline and the previous wave."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analysis.breakdowns import slice_counts
from analysis.disclosure import publish_change, publish_estimate, wave_question_patterns
from analysis.errors import AnalysisInputError
from analysis.estimates import (
    Change,
    WaveEstimate,
    changes,
    count_cells,
    wave_estimates,
    withheld_change,
    withhold,
)
from analysis.kpis import KpiDefinition
from analysis.method import Method, describe_method
from analysis.responses import check_table, classify_answers, encode_waves, waves_in_order
from analysis.trend_test import METHOD as TREND_METHOD
from analysis.trend_test import TrendTest, trend_test
from analysis.weight_source import Weights, resolve_weights
from analysis.weighting import DEFAULT_CAP, WaveWeighting


@dataclass(frozen=True, slots=True)
class TrendStep:
    """One wave of a series; the first wave (the baseline) has no changes."""

    wave: str
    estimate: WaveEstimate
    against_baseline: Change | None
    against_previous: Change | None


@dataclass(frozen=True, slots=True)
class KpiTrend:
    """A KPI's series over the waves, in order."""

    kpi: KpiDefinition
    steps: tuple[TrendStep, ...]
    #: The test for trend across all the waves (three or more), with its sentence.
    trend: TrendTest | None = None


@dataclass(frozen=True, slots=True)
class Trend:
    """The result of :func:`trend_kpis`."""

    waves: tuple[str, ...]
    method: Method
    kpis: tuple[KpiTrend, ...]
    weighting: tuple[WaveWeighting, ...] = ()
    publication: bool = False


def trend_kpis(
    responses: pd.DataFrame,
    kpis: Sequence[KpiDefinition],
    *,
    waves: Sequence[str] = (),
    weights: Weights = None,
    weight_cap: float = DEFAULT_CAP,
    publication: bool = False,
    source: str = "responses",
    accept_weighting_problems: bool = False,
    dates: Sequence[dt.date] | None = None,
) -> Trend:
    """Each KPI over several waves; the first wave is the baseline.

    Parameters
    ----------
    waves
        Wave labels in time order; by default, in order of first appearance.
    dates
        One date per wave (e.g. when it opened): the test for trend scores the
        waves by years since the first, so uneven gaps count as they were.

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.kpis import KpiDefinition
    >>> kpi = KpiDefinition(id="k", title="T", question="q", positive=("yes",))
    >>> rows = [(w, a) for w, k in (("a", 40), ("b", 50), ("c", 60))
    ...         for a in ["yes"] * k + ["no"] * (100 - k)]
    >>> df = pd.DataFrame({"response_id": range(300), "wave": [w for w, _ in rows],
    ...                    "q": [a for _, a in rows]})
    >>> t = trend_kpis(df, [kpi])
    >>> [round(s.against_baseline.change_pp, 1) for s in t.kpis[0].steps[1:]]
    [10.0, 20.0]
    """
    check_table(responses, source=source)
    order = tuple(waves) or waves_in_order(responses)
    if len(order) < 2:
        raise AnalysisInputError(f"{source}: a trend needs at least two waves, got {len(order)}")
    if len(set(order)) != len(order):
        raise AnalysisInputError(f"{source}: a wave is listed twice in {list(order)}")
    if dates is not None and len(dates) != len(order):
        raise AnalysisInputError(f"{source}: {len(dates)} dates for {len(order)} waves")
    scores = [(d - dates[0]).days / 365.25 for d in dates] if dates is not None else None
    wave_index = encode_waves(responses, order, source=source)
    resolved = resolve_weights(
        responses,
        weights,
        wave_index=wave_index,
        waves=order,
        cap=weight_cap,
        source=source,
        accept_problems=accept_weighting_problems,
    )
    patterns = (
        [
            wave_question_patterns(responses, kpis, rows=np.flatnonzero(wave_index == w))
            for w in range(len(order))
        ]
        if publication
        else []
    )
    results = []
    for kpi in kpis:
        classes = classify_answers(responses, kpi, source=source)
        counts = count_cells(
            classes=classes, cell=wave_index, n_cells=len(order), weights=resolved.weights
        )
        cells = [slice_counts(counts, i, i + 1) for i in range(len(order))]
        hidden = [
            publication and kpi.id in patterns[w][kpi.question].hidden_kpis
            for w in range(len(order))
        ]
        steps = []
        for i, wave in enumerate(order):
            estimate = wave_estimates(cells[i], wave=wave)[0]
            if i == 0:
                first = withhold(estimate) if hidden[0] else estimate
                steps.append(
                    TrendStep(wave, publish_estimate(first) if publication else first, None, None)
                )
                continue
            pairs = ((0, i), (i - 1, i))
            found = [
                withheld_change()
                if hidden[a] or hidden[b]
                else changes(
                    baseline=cells[a], follow_up=cells[b], higher_is_better=kpi.higher_is_better
                )[0]
                for a, b in pairs
            ]
            shown = withhold(estimate) if hidden[i] else estimate
            if publication:
                shown = publish_estimate(shown)
                found = [publish_change(c) for c in found]
            steps.append(TrendStep(wave, shown, found[0], found[1]))
        tested = trend_test(
            label=kpi.label,
            estimates=[step.estimate for step in steps],
            proportions=counts.proportion.tolist(),
            effective_bases=counts.effective_base.tolist(),
            scores=scores,
            higher_is_better=kpi.higher_is_better,
            publication=publication,
        )
        if tested is not None and resolved.caveat:
            tested = replace(tested, sentence=f"{tested.sentence} {resolved.caveat}")
        results.append(KpiTrend(kpi, tuple(steps), tested))
    method = describe_method(weighting=resolved.method, publication=publication)
    return Trend(
        waves=order,
        method=replace(method, trend_test=TREND_METHOD) if len(order) >= 3 else method,
        kpis=tuple(results),
        weighting=resolved.waves,
        publication=publication,
    )
