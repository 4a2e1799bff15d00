"""One wave on its own, a wave by period, and a cross-tabulation of two questions.

Three results issue 14 asks for, computed from the same one-row-per-response
table as everything else in ``analysis/`` (docs/analysis.md):

* :func:`wave_results`: every closed question of one wave with each option's
  percentage and 95% Wilson interval, its base and the small-number flags, and
  each KPI's estimate. The counts are ``describe_wave``'s and the KPI estimates
  are those ``compare``/``trend`` give the same wave, so no page disagrees.
* :func:`period_labels` and :func:`by_period`: a wave left open for months (or an
  event series) split into periods (month, quarter or chosen dates); each period
  is reported as if it were a wave, so the change between periods and its test
  are ``trend_kpis`` and ``compare_questions`` unchanged.
* :func:`crosstab`: any closed question by any other (milestone, role, setting,
  the area's "who are you"), with the publication rule of
  :mod:`analysis.disclosure` applied to the two-way table and its margins.

Small numbers (statistics.md): a base under 10 shows no percentage, under 30 is
"treat with caution"; with ``publication`` counts of 1 to 4 and whatever would
reveal them are withheld.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.breakdowns import overall_withheld
from analysis.describe import describe_wave
from analysis.disclosure import METHOD as PUBLICATION_METHOD
from analysis.disclosure import (
    LinkedTables,
    protect,
    publish_estimate,
    publish_percent,
    wave_question_patterns,
)
from analysis.distributions import METHOD as DISTRIBUTION_METHOD
from analysis.distributions import option_sequence
from analysis.errors import AnalysisInputError
from analysis.estimates import (
    CAUTION_BELOW,
    SUPPRESS_BELOW,
    WaveEstimate,
    count_cells,
    wave_estimates,
    withhold,
)
from analysis.kpis import KpiDefinition
from analysis.proportions import wilson_interval
from analysis.responses import (
    MULTI_SEPARATOR,
    NOT_STATED,
    WAVE,
    check_columns,
    check_table,
    classify_answers,
    encode,
    encode_waves,
)
from analysis.suppression import published_total

METHOD = (
    "percentage of respondents who answered the question (don't know included) with a "
    "95% Wilson score interval; no percentage on a base under 10, 'treat with caution' "
    "under 30"
)
PERIOD_KINDS = ("month", "quarter")


@dataclass(frozen=True, slots=True)
class OptionShare:
    """One option of a question: count, percentage and 95% interval (0-100).

    Figures are ``None`` when the base is under 10 (percentages) or the cell is
    withheld for publication (everything).
    """

    option: str
    count: int | None
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class QuestionResult:
    """One closed question in one wave (or period)."""

    question: str
    #: Respondents who answered; ``None`` when withheld for publication.
    base: int | None
    multiple_choice: bool
    suppressed: bool
    caution: bool
    options: tuple[OptionShare, ...]
    #: The share giving a positive answer, when the question marks positive options
    #: (``positive`` of :func:`wave_results`); estimated and suppressed as a KPI is.
    positive: WaveEstimate | None = None


@dataclass(frozen=True, slots=True)
class KpiResult:
    """A KPI measured in the wave."""

    kpi: KpiDefinition
    estimate: WaveEstimate


@dataclass(frozen=True, slots=True)
class WaveResults:
    """The result of :func:`wave_results`."""

    wave: str
    #: Responses counted; with ``publication``, ``None`` (withheld) when 1 to 4.
    responses: int | None
    questions: tuple[QuestionResult, ...]
    kpis: tuple[KpiResult, ...]
    method: dict[str, str]
    publication: bool = False


def wave_results(
    responses: pd.DataFrame,
    *,
    wave: str,
    questions: Sequence[str] | None = None,
    option_order: Mapping[str, Sequence[str]] | None = None,
    kpis: Sequence[KpiDefinition] = (),
    positive: Sequence[KpiDefinition] = (),
    publication: bool = False,
    source: str = "responses",
) -> WaveResults:
    """Every closed question and KPI of one wave (see the module docstring).

    ``positive`` holds, for questions that mark options as positive, a definition
    in the shape of a KPI (:func:`question_positive`): each such question's result
    then carries its "% positive", estimated, suppressed and (for publication)
    protected together with its options exactly as a KPI headline is.

    Examples
    --------
    >>> df = pd.DataFrame({"response_id": range(40), "wave": ["w"] * 40,
    ...                    "q": ["yes"] * 30 + ["no"] * 10})
    >>> r = wave_results(df, wave="w", questions=["q"])
    >>> [(o.option, o.count, round(o.percent), round(o.ci_low, 1)) for o in r.questions[0].options]
    [('no', 10, 25, 14.2), ('yes', 30, 75, 59.8)]
    >>> from analysis.kpis import question_positive
    >>> r = wave_results(df, wave="w", questions=["q"], positive=[question_positive("q", ["yes"])])
    >>> e = r.questions[0].positive
    >>> e.base, e.positive, round(e.percent), round(e.ci_low, 1)
    (40, 30, 75, 59.8)
    """
    linked = [*kpis, *positive]
    description = describe_wave(
        responses,
        wave=wave,
        questions=questions,
        option_order=option_order,
        publication=publication,
        source=source,
        kpis=linked,
    )
    wave_index = encode_waves(responses, [wave], source=source)
    rows = np.flatnonzero(wave_index == 0)
    patterns = wave_question_patterns(responses, linked, rows=rows) if publication else {}

    def estimate_of(kpi: KpiDefinition) -> WaveEstimate:
        check_columns(responses, [kpi.question], source=source)
        classes = classify_answers(responses, kpi, source=source)
        counts = count_cells(classes=classes, cell=wave_index, n_cells=1)
        estimate = wave_estimates(counts, wave=wave)[0]
        if publication:
            pattern = patterns.get(kpi.question)
            hidden = (
                kpi.id in pattern.hidden_kpis
                if pattern is not None
                else bool(overall_withheld(counts)[0])
            )
            estimate = publish_estimate(withhold(estimate) if hidden else estimate)
        return estimate

    positive_of = {d.question: estimate_of(d) for d in positive}
    found = tuple(
        _question(d, publication=publication, positive=positive_of.get(d.question))
        for d in description.distributions
    )
    measured = [KpiResult(kpi, estimate_of(kpi)) for kpi in kpis]
    method = {"questions": METHOD, "options": DISTRIBUTION_METHOD}
    method["publication"] = PUBLICATION_METHOD if publication else "none (officer view)"
    return WaveResults(
        wave=wave,
        # A total of 1 to 4 is withheld like any count (the disclosure patterns
        # already treat it as unknown, so the bases it would give are hidden too).
        responses=(
            published_total(description.responses) if publication else description.responses
        ),
        questions=found,
        kpis=tuple(measured),
        method=method,
        publication=publication,
    )


def _question(
    distribution: object, *, publication: bool, positive: WaveEstimate | None = None
) -> QuestionResult:
    from analysis.distributions import QuestionDistribution

    assert isinstance(distribution, QuestionDistribution)
    base = distribution.answered
    options = []
    for option in distribution.options:
        options.append(
            _share(
                option.option,
                option.count,
                base,
                withheld=option.withheld,
                publication=publication,
            )
        )
    # A withheld base is not described as small or not: that would narrow it.
    small = base is not None and base < SUPPRESS_BELOW
    return QuestionResult(
        question=distribution.question,
        base=base,
        multiple_choice=distribution.multiple_choice,
        suppressed=small,
        caution=base is not None and base < CAUTION_BELOW,
        options=tuple(options),
        positive=positive,
    )


def _share(
    option: str, count: int | None, base: int | None, *, withheld: bool, publication: bool
) -> OptionShare:
    if withheld or count is None:
        return OptionShare(option, None, None, None, None, True)
    if base is None or base < SUPPRESS_BELOW:
        return OptionShare(option, count, None, None, None)
    low, high = wilson_interval(count, base)
    values = [count / base * 100.0, float(low) * 100.0, float(high) * 100.0]
    if publication:
        values = [publish_percent(v) or 0.0 for v in values]
    return OptionShare(option, count, values[0], values[1], values[2])


# --- Periods -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: its label and first and last day (both included)."""

    label: str
    first: dt.date
    last: dt.date


def periods_for(
    days: Sequence[dt.date], *, every: str, labels: Mapping[str, str] | None = None
) -> list[Period]:
    """Calendar months or quarters covering ``days``, oldest first.

    ``labels`` may rename a period key (``"2026-01"``, ``"2026 Q1"``) for display.

    Examples
    --------
    >>> [p.label for p in periods_for([dt.date(2026, 2, 3), dt.date(2026, 7, 1)], every="quarter")]
    ['2026 Q1', '2026 Q2', '2026 Q3']
    """
    if every not in PERIOD_KINDS:
        raise AnalysisInputError(f"periods: 'every' must be month or quarter, not {every!r}")
    if not days:
        return []
    step = 1 if every == "month" else 3
    start, end = min(days), max(days)
    month = start.month if every == "month" else 3 * ((start.month - 1) // 3) + 1
    year = start.year
    found = []
    while dt.date(year, month, 1) <= end:
        first = dt.date(year, month, 1)
        next_year, next_month = (
            (year + 1, month + step - 12)
            if month + step > 12
            else (
                year,
                month + step,
            )
        )
        last = dt.date(next_year, next_month, 1) - dt.timedelta(days=1)
        key = f"{year}-{month:02d}" if every == "month" else f"{year} Q{(month - 1) // 3 + 1}"
        found.append(Period((labels or {}).get(key, key), first, last))
        year, month = next_year, next_month
    return found


def check_periods(periods: Sequence[Period]) -> None:
    """Refuse periods that are empty, overlap or share a label."""
    labels = [p.label for p in periods]
    if len(set(labels)) != len(labels):
        raise AnalysisInputError("periods: each period needs its own name")
    ordered = sorted(periods, key=lambda p: p.first)
    for period in ordered:
        if period.last < period.first:
            raise AnalysisInputError(f"periods: {period.label} ends before it starts")
    for earlier, later in itertools.pairwise(ordered):
        if later.first <= earlier.last:
            raise AnalysisInputError(f"periods: {earlier.label} and {later.label} overlap")


def period_labels(days: Sequence[dt.date | None], periods: Sequence[Period]) -> list[str]:
    """The period each day falls in (``""`` for none).

    Examples
    --------
    >>> p = [Period("Jan", dt.date(2026, 1, 1), dt.date(2026, 1, 31))]
    >>> period_labels([dt.date(2026, 1, 9), dt.date(2026, 2, 1), None], p)
    ['Jan', '', '']
    """
    found = []
    for day in days:
        label = ""
        if day is not None:
            for period in periods:
                if period.first <= day <= period.last:
                    label = period.label
                    break
        found.append(label)
    return found


def by_period(
    responses: pd.DataFrame, *, days: Sequence[dt.date | None], periods: Sequence[Period]
) -> pd.DataFrame:
    """``responses`` with each row's period as its ``wave`` (rows in no period dropped).

    The result is read by ``trend_kpis`` and ``compare_questions`` with the
    period labels as waves: the change between periods and its test are theirs.
    """
    check_table(responses, source="responses")
    if len(days) != len(responses):
        raise AnalysisInputError("periods: one day per response is needed")
    check_periods(periods)
    relabelled = responses.copy()
    relabelled[WAVE] = period_labels(days, periods)
    return relabelled[relabelled[WAVE] != ""].reset_index(drop=True)


# --- Cross-tabulation ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CrossRow:
    """One group of the ``by`` question: its base and each option of the question."""

    group: str
    #: Respondents in the group who answered the question; ``None`` when withheld.
    base: int | None
    suppressed: bool
    caution: bool
    options: tuple[OptionShare, ...]
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class CrossTab:
    """The result of :func:`crosstab`: ``question`` (columns) by ``by`` (rows)."""

    wave: str
    question: str
    by: str
    options: tuple[str, ...]
    rows: tuple[CrossRow, ...]
    #: The column totals (everyone who answered, per option) as one more row.
    total: CrossRow
    publication: bool = False


def crosstab(
    responses: pd.DataFrame,
    *,
    wave: str,
    question: str,
    by: str,
    option_order: Sequence[str] = (),
    group_order: Sequence[str] = (),
    publication: bool = False,
    kpis: Sequence[KpiDefinition] = (),
    source: str = "responses",
) -> CrossTab:
    """``question``'s options within each group of ``by``, in one wave.

    Percentages are of the group's respondents who answered ``question``, with a
    95% Wilson interval. With ``publication`` the table is protected as linked
    tables: cells, group totals, option totals and the grand total are related
    sums, the options the wave's ``describe`` withholds stay withheld, and
    secondary suppression continues until every hidden count could be anything over
    the protection interval (:func:`analysis.disclosure.protect`).

    Examples
    --------
    >>> df = pd.DataFrame({"response_id": range(60), "wave": ["w"] * 60,
    ...                    "q": ["yes", "no"] * 30, "g": ["a"] * 40 + ["b"] * 20})
    >>> t = crosstab(df, wave="w", question="q", by="g")
    >>> [(r.group, r.base, [o.count for o in r.options]) for r in t.rows]
    [('a', 40, [20, 20]), ('b', 20, [10, 10])]
    """
    check_table(responses, source=source)
    check_columns(responses, [question, by], source=source)
    if question == by:
        raise AnalysisInputError(
            f"{source}: choose two different questions, not {question!r} twice"
        )
    wave_index = encode_waves(responses, [wave], source=source)
    rows = wave_index == 0
    groups = encode(responses[by])
    if any(MULTI_SEPARATOR in label for label in groups.labels):
        raise AnalysisInputError(
            f"{source}: {by!r} allows several answers; break down by a single-choice question"
        )
    answers = encode(responses[question])
    split = [
        [c.strip() for c in label.split(MULTI_SEPARATOR) if c.strip()] for label in answers.labels
    ]
    multiple = any(len(c) > 1 for c in split)
    options = tuple(option_sequence({c for codes in split for c in codes}, option_order))
    position = {o: i for i, o in enumerate(options)}
    group_labels = [g for g in groups.labels if g != NOT_STATED]
    ordered_groups = option_sequence(set(group_labels), group_order)
    group_names = [*ordered_groups, NOT_STATED]
    group_position = {g: i for i, g in enumerate(group_names)}
    counts = np.zeros((len(group_names), len(options)), dtype=np.int64)
    bases = np.zeros(len(group_names), dtype=np.int64)
    for row in np.flatnonzero(rows & (answers.codes >= 0)):
        g_code = groups.codes[row]
        g_label = groups.labels[g_code] if g_code >= 0 else NOT_STATED
        g = group_position[g_label]
        bases[g] += 1
        for code in split[answers.codes[row]]:
            counts[g, position[code]] += 1
    column_totals = counts.sum(axis=0)
    grand = int(bases.sum())
    hidden_cells = np.zeros_like(counts, dtype=bool)
    hidden_bases = np.zeros(len(group_names), dtype=bool)
    hidden_columns = np.zeros(len(options), dtype=bool)
    grand_hidden = False
    if publication:
        pattern = wave_question_patterns(
            responses, kpis, rows=np.flatnonzero(rows), questions=[question]
        )[question]
        seed = {o for o in pattern.hidden_options}
        hidden_cells, hidden_bases, hidden_columns, grand_hidden = _protect_table(
            counts,
            bases,
            options=options,
            hidden_options=seed,
            hide_grand=pattern.hide_answered,
            multiple_choice=multiple,
        )
    found = []
    for g, name in enumerate(group_names):
        if name == NOT_STATED and bases[g] == 0:
            continue
        found.append(
            _cross_row(
                name,
                counts[g],
                int(bases[g]),
                hidden=hidden_cells[g],
                base_hidden=bool(hidden_bases[g]),
                options=options,
                publication=publication,
            )
        )
    total = _cross_row(
        "",
        column_totals,
        grand,
        hidden=hidden_columns,
        base_hidden=grand_hidden,
        options=options,
        publication=publication,
    )
    return CrossTab(wave, question, by, options, tuple(found), total, publication)


def _cross_row(
    name: str,
    counts: np.ndarray,
    base: int,
    *,
    hidden: np.ndarray,
    base_hidden: bool,
    options: Sequence[str],
    publication: bool,
) -> CrossRow:
    if base_hidden:
        return CrossRow(
            name,
            None,
            False,
            False,
            tuple(OptionShare(o, None, None, None, None, True) for o in options),
            withheld=True,
        )
    shares = tuple(
        _share(o, int(counts[i]), base, withheld=bool(hidden[i]), publication=publication)
        for i, o in enumerate(options)
    )
    return CrossRow(name, base, base < SUPPRESS_BELOW, base < CAUTION_BELOW, shares)


def _protect_table(
    counts: np.ndarray,
    bases: np.ndarray,
    *,
    options: Sequence[str],
    hidden_options: set[str],
    hide_grand: bool,
    multiple_choice: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Hidden cells, group bases, option totals and grand total of a two-way table."""
    tables = LinkedTables()
    n_groups, n_options = counts.shape
    # The grand total and option totals are what the wave's own results publish:
    # hidden here only where they are hidden there, so every output agrees.
    grand = tables.unit("total", [int(bases.sum())], priority=3, hideable=False)
    base_units = [tables.unit(f"base:{g}", [int(bases[g])], priority=1) for g in range(n_groups)]
    column_units = [
        tables.unit(f"option:{o}", [int(counts[:, i].sum())], priority=2, hideable=False)
        for i, o in enumerate(options)
    ]
    cell_units = [
        [tables.unit(f"cell:{g}:{i}", [int(counts[g, i])]) for i in range(n_options)]
        for g in range(n_groups)
    ]

    def var(unit: int) -> int:
        return tables.units[unit].variables[0]

    tables.relate(var(grand), [var(u) for u in base_units])
    for i in range(n_options):
        tables.relate(var(column_units[i]), [var(cell_units[g][i]) for g in range(n_groups)])
    if not multiple_choice:
        # Options of a single-choice question add up to the group's base.
        tables.relate(var(grand), [var(u) for u in column_units])
        for g in range(n_groups):
            tables.relate(var(base_units[g]), [var(u) for u in cell_units[g]])
    seed = {column_units[i] for i, o in enumerate(options) if o in hidden_options}
    if hide_grand:
        seed.add(grand)
    hidden = protect(tables, seed)
    cells = np.array(
        [[cell_units[g][i] in hidden for i in range(n_options)] for g in range(n_groups)],
        dtype=bool,
    ).reshape(n_groups, n_options)
    group_bases = np.array([u in hidden for u in base_units], dtype=bool)
    columns = np.array([u in hidden for u in column_units], dtype=bool)
    return cells, group_bases, columns, grand in hidden


def protect_counts(counts: Sequence[int]) -> list[bool]:
    """Counts to withhold in a one-way table whose total is published (responses by
    channel or language): the disclosure rule of :mod:`analysis.disclosure`.

    Examples
    --------
    >>> protect_counts([3, 40, 12, 25])
    [True, False, True, False]
    """
    tables = LinkedTables()
    total = tables.unit("total", [int(sum(counts))], hideable=False)
    units = [tables.unit(str(i), [int(c)]) for i, c in enumerate(counts)]
    tables.relate(tables.units[total].variables[0], [tables.units[u].variables[0] for u in units])
    hidden = protect(tables)
    return [u in hidden for u in units]
