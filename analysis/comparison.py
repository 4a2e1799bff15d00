"""Baseline against follow-up for every KPI: the figures officers take to their board."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.breakdowns import (
    ADJUSTMENTS,
    Breakdown,
    kpi_breakdown,
    slice_counts,
)
from analysis.disclosure import (
    publish_change,
    publish_estimate,
    publish_percent,
    wave_group_patterns,
    wave_question_patterns,
)
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
from analysis.responses import (
    Encoded,
    check_table,
    classify_answers,
    encode_groups,
    encode_waves,
)
from analysis.rounding import OFFICER_PLACES
from analysis.targets import TargetResult, judge_target
from analysis.weight_source import Weights, resolve_weights
from analysis.weighting import DEFAULT_CAP, WaveWeighting
from analysis.wording import kpi_sentence


@dataclass(frozen=True, slots=True)
class KpiComparison:
    """One KPI: both waves, the change, the target and a plain-English summary."""

    kpi: KpiDefinition
    baseline: WaveEstimate
    follow_up: WaveEstimate
    change: Change
    target: TargetResult | None
    summary: str
    breakdowns: tuple[Breakdown, ...] = ()


@dataclass(frozen=True, slots=True)
class Comparison:
    """The result of :func:`compare_waves`."""

    baseline_wave: str
    follow_up_wave: str
    method: Method
    kpis: tuple[KpiComparison, ...]
    weighting: tuple[WaveWeighting, ...] = ()
    publication: bool = False


def compare_waves(
    responses: pd.DataFrame,
    kpis: Sequence[KpiDefinition],
    *,
    baseline: str,
    follow_up: str,
    by: Sequence[str] = (),
    weights: Weights = None,
    weight_cap: float = DEFAULT_CAP,
    publication: bool = False,
    adjust: str = "none",
    source: str = "responses",
    accept_weighting_problems: bool = False,
) -> Comparison:
    """Compare a follow-up wave with the baseline for every KPI.

    Parameters
    ----------
    responses
        One row per response: ``response_id``, ``wave`` and one column per question.
    kpis
        Definitions, e.g. from :func:`analysis.load_kpis`.
    baseline, follow_up
        Wave labels as they appear in the ``wave`` column.
    by
        Grouping columns for breakdowns (one breakdown per column).
    weights
        ``None``; the name of a column of weights; or
        :class:`analysis.PopulationMargins` to rake each wave to.
    weight_cap
        Cap on raking weights, as a multiple of the mean weight.
    publication
        Apply publication suppression (counts 1-4 and secondary suppression).
    adjust
        ``"none"`` or ``"bh"`` (Benjamini-Hochberg across the groups of a breakdown).
    source
        Name of the input used in error messages (e.g. the CSV path).
    accept_weighting_problems
        Go on when raking fails (no convergence, binding cap, empty margin category,
        a margin missed by more than the tolerance); every output then says so.
        Otherwise :class:`analysis.weighting.WeightingProblem` is raised.

    Returns
    -------
    Comparison

    Raises
    ------
    AnalysisInputError
        Unknown wave, missing column, an option code not in a KPI definition, ...

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.kpis import KpiDefinition
    >>> kpi = KpiDefinition(id="k", title="Trust", question="q", positive=("agree",),
    ...                     options=("agree", "disagree"))
    >>> rows = [("a", "agree")] * 40 + [("a", "disagree")] * 60 + [("b", "agree")] * 60 + [
    ...     ("b", "disagree")] * 40
    >>> df = pd.DataFrame({"response_id": range(200), "wave": [w for w, _ in rows],
    ...                    "q": [q for _, q in rows]})
    >>> result = compare_waves(df, [kpi], baseline="a", follow_up="b")
    >>> print(result.kpis[0].summary.split(". ")[0])
    Trust rose from 40.0% (n=100) to 60.0% (n=100), a rise of 20.0 points (95% CI 6.1 to 32.8)
    """
    if baseline == follow_up:
        raise AnalysisInputError(f"{source}: baseline and follow-up are the same wave {baseline!r}")
    if adjust not in ADJUSTMENTS:
        raise AnalysisInputError(f"adjust must be one of {', '.join(ADJUSTMENTS)}, not {adjust!r}")
    if not kpis:
        raise AnalysisInputError("no KPI definitions given")
    check_table(responses, source=source)
    waves = (baseline, follow_up)
    wave_index = encode_waves(responses, waves, source=source)
    resolved = resolve_weights(
        responses,
        weights,
        wave_index=wave_index,
        waves=waves,
        cap=weight_cap,
        source=source,
        accept_problems=accept_weighting_problems,
    )
    # Only the rows of the two waves are read from here on: a third less hashing
    # when the file holds three waves.
    selected = np.flatnonzero(wave_index >= 0)
    selected_waves = wave_index[selected]
    selected_weights = resolved.weights[selected] if resolved.weights is not None else None
    groups = {
        column: encode_groups(responses, column, source=source, rows=selected) for column in by
    }
    # Publication: the disclosure rule of each wave, shared with describe and trend.
    patterns = (
        [
            wave_question_patterns(responses, kpis, rows=np.flatnonzero(wave_index == w))
            for w in range(2)
        ]
        if publication
        else []
    )
    # Every KPI on a question is protected together, breakdowns included.
    wave_groups = (
        [
            wave_group_patterns(
                responses,
                kpis,
                rows=selected[selected_waves == w],
                groups={
                    column: (encoded.codes[selected_waves == w], len(encoded.labels))
                    for column, encoded in groups.items()
                },
                patterns=patterns[w],
            )
            for w in range(2)
        ]
        if publication and groups
        else []
    )
    results = []
    for kpi in kpis:
        classes = classify_answers(responses, kpi, source=source, rows=selected)
        # Every count below only needs the rows in the KPI's base in the two waves:
        # select them once, so each grouping column costs a gather and two bincounts.
        rows = np.flatnonzero(classes >= 0)
        row_weights = selected_weights[rows] if selected_weights is not None else None
        row_classes, row_waves = classes[rows], selected_waves[rows]
        counts = count_cells(classes=row_classes, cell=row_waves, n_cells=2, weights=row_weights)
        first, second = slice_counts(counts, 0, 1), slice_counts(counts, 1, 2)
        estimate_b = wave_estimates(first, wave=baseline)[0]
        estimate_f = wave_estimates(second, wave=follow_up)[0]
        change = changes(baseline=first, follow_up=second, higher_is_better=kpi.higher_is_better)[0]
        group_hidden: list[dict[str, npt.NDArray[np.bool_]]] = []
        if publication:
            hidden = [kpi.id in patterns[w][kpi.question].hidden_kpis for w in range(2)]
            estimate_b = withhold(estimate_b) if hidden[0] else estimate_b
            estimate_f = withhold(estimate_f) if hidden[1] else estimate_f
            change = withheld_change() if any(hidden) else change
            group_hidden = [found[kpi.id] for found in wave_groups]
        target = judge_target(kpi, baseline=estimate_b, follow_up=estimate_f, change=change)
        if publication:
            estimate_b, estimate_f = publish_estimate(estimate_b), publish_estimate(estimate_f)
            change = publish_change(change)
            if target is not None:
                target = replace(target, target_percent=publish_percent(target.target_percent))
        breakdowns = tuple(
            kpi_breakdown(
                classes=row_classes,
                wave_index=row_waves,
                groups=Encoded(codes=encoded.codes[rows], labels=encoded.labels),
                column=column,
                waves=waves,
                weights=row_weights,
                higher_is_better=kpi.higher_is_better,
                publication=publication,
                adjust=adjust,
                hidden=(group_hidden[0][column], group_hidden[1][column]) if publication else None,
            )
            for column, encoded in groups.items()
        )
        summary = kpi_sentence(
            kpi,
            baseline=estimate_b,
            follow_up=estimate_f,
            change=change,
            target=target,
            places=0 if publication else OFFICER_PLACES,
            caveat=resolved.caveat,
        )
        results.append(
            KpiComparison(kpi, estimate_b, estimate_f, change, target, summary, breakdowns)
        )
    return Comparison(
        baseline_wave=baseline,
        follow_up_wave=follow_up,
        method=describe_method(adjust=adjust, weighting=resolved.method, publication=publication),
        kpis=tuple(results),
        weighting=resolved.waves,
        publication=publication,
    )


__all__ = ["Comparison", "KpiComparison", "compare_waves"]
