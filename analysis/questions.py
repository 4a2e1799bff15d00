"""Every option of the closed questions two waves share: percentages, change, significance.

A KPI says whether one group of options (e.g. "agree" and "strongly agree") moved.
Officers also ask what happened to each answer: did "strongly disagree" shrink, or
did people move to "neither"? This compares each option of each question on its
own, with the same method as the KPIs (Wilson intervals, Newcombe interval for the
change, the unpooled z-test or Fisher's exact test).

The base is everyone in the wave who answered the question, "don't know" included,
as in :mod:`analysis.distributions`, so the options of a single-choice question add
up to 100%. For a multiple-choice question an option's percentage is the share of
respondents who chose it, so the options can add up to more than 100.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.breakdowns import slice_counts
from analysis.disclosure import question_pattern
from analysis.errors import AnalysisInputError
from analysis.estimates import (
    FISHER_EXACT,
    Change,
    WaveEstimate,
    changes,
    count_cells,
    wave_estimates,
    withheld_change,
    withhold,
)
from analysis.method import describe_method
from analysis.responses import (
    MULTI_SEPARATOR,
    RESPONSE_ID,
    check_columns,
    check_table,
    encode,
    encode_waves,
)
from analysis.rounding import format_number, format_percent
from analysis.suppression import METHOD as PUBLICATION_METHOD
from analysis.suppression import primary_suppression

IntArray = npt.NDArray[np.int64]

ROSE = "rose"
FELL = "fell"
NO_SIGNIFICANT_CHANGE = "no significant change"
INSUFFICIENT_DATA = "insufficient data"

BASE_METHOD = (
    "respondents in the wave who answered the question, 'don't know' included (no answer, "
    "including people routed past the question, is left out); for a multiple-choice question "
    "each option is the share of respondents who chose it, so options can add up to more than 100"
)


@dataclass(frozen=True, slots=True)
class OptionChange:
    """One option in both waves: ``positive`` of each estimate is the number choosing it.

    ``movement`` is "rose", "fell", "no significant change" or "insufficient data":
    more people choosing an option is not in itself good or bad.
    """

    option: str
    baseline: WaveEstimate
    follow_up: WaveEstimate
    change: Change
    movement: str


@dataclass(frozen=True, slots=True)
class QuestionChange:
    """A closed question in both waves, one row per option in the definition's order."""

    question: str
    multiple_choice: bool
    baseline_answered: int
    follow_up_answered: int
    options: tuple[OptionChange, ...]
    summary: str


@dataclass(frozen=True, slots=True)
class QuestionComparison:
    """The result of :func:`compare_questions`."""

    baseline_wave: str
    follow_up_wave: str
    questions: tuple[QuestionChange, ...]
    method: dict[str, str]
    publication: bool = False


def compare_questions(
    responses: pd.DataFrame,
    questions: Mapping[str, Sequence[str]],
    *,
    baseline: str,
    follow_up: str,
    multiple_choice: Collection[str] = (),
    publication: bool = False,
    source: str = "responses",
    option_labels: Mapping[str, Mapping[str, str]] | None = None,
) -> QuestionComparison:
    """Compare every option of each closed question between a baseline and a follow-up.

    Parameters
    ----------
    responses
        One row per response: ``response_id``, ``wave`` and one column per question
        holding option codes (multiple choice joined with ``;``).
    questions
        Question id -> its option codes, in the order to report them.
    baseline, follow_up
        Wave labels as they appear in the ``wave`` column.
    multiple_choice
        Questions that allow several answers (also detected from the answers).
    option_labels
        Question -> option code -> its label, for the sentences (``summary``): an
        officer reads "'Don't know' rose", never "'dont_know' rose". Codes stay in
        the ``option`` fields.
    publication
        Withhold counts of 1 to 4: for a single-choice question with secondary
        suppression across its options (they add up to the base); for multiple
        choice only the small counts themselves (its options have no total).

    Raises
    ------
    AnalysisInputError
        Same wave twice, unknown wave, missing column, or a code not among the options
        (naming the row and response_id).

    Examples
    --------
    >>> rows = [("a", "yes")] * 30 + [("a", "no")] * 70 + [("b", "yes")] * 50 + [
    ...     ("b", "no")] * 50
    >>> df = pd.DataFrame({"response_id": range(200), "wave": [w for w, _ in rows],
    ...                    "q": [a for _, a in rows]})
    >>> result = compare_questions(df, {"q": ("yes", "no")}, baseline="a", follow_up="b")
    >>> [(o.option, round(o.change.change_pp, 1), o.movement) for o in result.questions[0].options]
    [('yes', 20.0, 'rose'), ('no', -20.0, 'fell')]
    """
    if baseline == follow_up:
        raise AnalysisInputError(f"{source}: baseline and follow-up are the same wave {baseline!r}")
    check_table(responses, source=source)
    check_columns(responses, list(questions), source=source)
    wave_index = encode_waves(responses, (baseline, follow_up), source=source)
    selected = np.flatnonzero(wave_index >= 0)
    waves = wave_index[selected]
    found = []
    for question, options in questions.items():
        if not options:
            raise AnalysisInputError(f"{source}: question {question!r} has no options")
        chosen, answered = _choices(
            responses, question, tuple(options), rows=selected, source=source
        )
        multiple = question in multiple_choice or bool((chosen.sum(axis=1) > 1).any())
        found.append(
            _question_change(
                question,
                tuple(options),
                chosen=chosen,
                answered=answered,
                waves=waves,
                labels=(baseline, follow_up),
                multiple=multiple,
                publication=publication,
                names=(option_labels or {}).get(question, {}),
            )
        )
    method = describe_method(publication=publication)
    return QuestionComparison(
        baseline_wave=baseline,
        follow_up_wave=follow_up,
        questions=tuple(found),
        method={
            "base": BASE_METHOD,
            "proportion_interval": method.proportion_interval,
            "change": method.change,
            "change_interval": method.change_interval,
            "significance_test": method.significance_test,
            "suppression": method.suppression,
            "caution": method.caution,
            "publication": PUBLICATION_METHOD if publication else method.publication,
        },
        publication=publication,
    )


def _choices(
    responses: pd.DataFrame,
    question: str,
    options: tuple[str, ...],
    *,
    rows: IntArray,
    source: str,
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Per selected row: which options were chosen (rows x options), and whether answered."""
    encoded = encode(responses[question], rows)
    position = {option: i for i, option in enumerate(options)}
    # Unique answers -> options: a small labels x options 0/1 matrix, gathered per row.
    membership = np.zeros((len(encoded.labels) + 1, len(options)), dtype=np.bool_)
    for index, label in enumerate(encoded.labels):
        for code in (c.strip() for c in label.split(MULTI_SEPARATOR)):
            if not code:
                continue
            if code not in position:
                at = int(rows[int(np.flatnonzero(encoded.codes == index)[0])])
                response_id = responses[RESPONSE_ID].iloc[at]
                raise AnalysisInputError(
                    f"{source}: row {at + 1} (response_id {response_id}): column {question!r}: "
                    f"code {code!r} is not an option of the question"
                )
            membership[index, position[code]] = True
    chosen = membership[encoded.codes]  # code -1 picks the last, all-False row
    return chosen, np.asarray(chosen.any(axis=1), dtype=np.bool_)


def _question_change(
    question: str,
    options: tuple[str, ...],
    *,
    chosen: npt.NDArray[np.bool_],
    answered: npt.NDArray[np.bool_],
    waves: IntArray,
    labels: tuple[str, str],
    multiple: bool,
    publication: bool,
    names: Mapping[str, str],
) -> QuestionChange:
    in_wave = [waves == 0, waves == 1]
    answered_n = (int((answered & in_wave[0]).sum()), int((answered & in_wave[1]).sum()))
    estimates: list[tuple[WaveEstimate, WaveEstimate, Change]] = []
    for i in range(len(options)):
        classes = np.where(answered, chosen[:, i].astype(np.int64), -1).astype(np.int64)
        counts = count_cells(classes=classes, cell=waves, n_cells=2)
        first, second = slice_counts(counts, 0, 1), slice_counts(counts, 1, 2)
        change = changes(baseline=first, follow_up=second, higher_is_better=True)[0]
        estimates.append(
            (
                wave_estimates(first, wave=labels[0])[0],
                wave_estimates(second, wave=labels[1])[0],
                change,
            )
        )
    if publication:
        hidden = [
            _withheld(np.array([b.positive or 0 for b, _, _ in estimates]), multiple=multiple),
            _withheld(np.array([f.positive or 0 for _, f, _ in estimates]), multiple=multiple),
        ]
        estimates = [
            (
                withhold(b) if hidden[0][i] else b,
                withhold(f) if hidden[1][i] else f,
                withheld_change() if hidden[0][i] or hidden[1][i] else c,
            )
            for i, (b, f, c) in enumerate(estimates)
        ]
    rows = tuple(
        OptionChange(option, b, f, c, _movement(c))
        for option, (b, f, c) in zip(options, estimates, strict=True)
    )
    return QuestionChange(
        question=question,
        multiple_choice=multiple,
        baseline_answered=answered_n[0],
        follow_up_answered=answered_n[1],
        options=rows,
        summary=question_sentence(rows, labels=labels, names=names),
    )


def _withheld(counts: IntArray, *, multiple: bool) -> npt.NDArray[np.bool_]:
    if multiple:
        # Options of a multiple-choice question have no total to subtract from.
        return primary_suppression(counts[:, np.newaxis])
    # The one disclosure rule (protection interval), the options adding up to answered.
    pattern = question_pattern({str(i): int(c) for i, c in enumerate(counts)}, kpis=[])
    return np.array([str(i) in pattern.hidden_options for i in range(len(counts))], dtype=bool)


def _movement(change: Change) -> str:
    if change.significant is None or change.change_pp is None:
        return INSUFFICIENT_DATA
    if not change.significant or change.change_pp == 0:
        return NO_SIGNIFICANT_CHANGE
    return ROSE if change.change_pp > 0 else FELL


def question_sentence(
    options: Sequence[OptionChange],
    *,
    labels: tuple[str, str],
    names: Mapping[str, str] | None = None,
) -> str:
    """Which options changed significantly, in plain English (options named by
    ``names``, their labels, where given; else by code).

    Examples
    --------
    >>> from analysis.estimates import Direction
    >>> b = WaveEstimate("a", 100, 30, 30.0, 21.9, 39.6, False, False, 100.0)
    >>> f = WaveEstimate("b", 100, 50, 50.0, 40.4, 59.6, False, False, 100.0)
    >>> c = Change(20.0, 6.5, 32.5, "z-test", 0.003, True, Direction.IMPROVED)
    >>> question_sentence([OptionChange("yes", b, f, c, ROSE)], labels=("a", "b"))
    "Between a and b, 'yes' rose from 30% to 50% (+20 points, 95% CI 7 to 33)."
    """
    moved = [o for o in options if o.movement in (ROSE, FELL)]
    if not any(o.change.change_pp is not None for o in options):
        return (
            f"Too few answers to compare {labels[0]} with {labels[1]} "
            "(or figures withheld to protect confidentiality)."
        )
    if not moved:
        return f"No option changed significantly between {labels[0]} and {labels[1]}."
    parts = []
    for o in moved:
        change = o.change
        if change.change_pp is None:  # moved options always have a change
            continue
        fisher = " (Fisher's exact test)" if change.test == FISHER_EXACT else ""
        name = (names or {}).get(o.option, o.option)
        parts.append(
            f"'{name}' {o.movement} from {_whole(o.baseline.percent)} to "
            f"{_whole(o.follow_up.percent)} ({change.change_pp:+.0f} points, 95% CI "
            f"{_number(change.change_ci_low)} to {_number(change.change_ci_high)}){fisher}"
        )
    return f"Between {labels[0]} and {labels[1]}, " + "; ".join(parts) + "."


def _whole(percent: float | None) -> str:
    return "–" if percent is None else format_percent(percent, 0)


def _number(value: float | None) -> str:
    return "–" if value is None else format_number(value, 0)


__all__ = ["OptionChange", "QuestionChange", "QuestionComparison", "compare_questions"]
