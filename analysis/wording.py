"""Plain-English sentences for officers and boards.

Numbers are rounded here, and only here (and in the other human-facing renderers):
results keep unrounded figures.
"""

from __future__ import annotations

from analysis.estimates import FISHER_EXACT, RAO_SCOTT, Change, WaveEstimate
from analysis.kpis import KpiDefinition
from analysis.rounding import (
    OFFICER_PLACES,
    format_number,
    format_percent,
    publication_text,
    round_half_away,
)
from analysis.suppression import SMALLEST_SHOWN
from analysis.targets import TargetResult, TargetStatus


def kpi_sentence(
    kpi: KpiDefinition,
    *,
    baseline: WaveEstimate,
    follow_up: WaveEstimate,
    change: Change,
    target: TargetResult | None,
    places: int = OFFICER_PLACES,
    caveat: str = "",
) -> str:
    """Describe a KPI's change and target status in plain English.

    ``places`` is 1 for officer views and 0 for publication, so the sentence shows
    the same figure as the table (one rounding rule, :mod:`analysis.rounding`).
    ``caveat`` (e.g. a weighting problem the officer accepted) ends the sentence.

    Examples
    --------
    >>> from analysis.kpis import KpiDefinition
    >>> from analysis.estimates import Change, Direction, WaveEstimate
    >>> kpi = KpiDefinition(id="k", title="Trust", question="q", positive=("agree",))
    >>> b = WaveEstimate("2023", 200, 77, 38.5, 32.0, 45.4, False, False, 200.0)
    >>> f = WaveEstimate("2024", 250, 130, 52.0, 45.8, 58.1, False, False, 250.0)
    >>> c = Change(13.5, 4.2, 22.4, "z-test", 0.004, True, Direction.IMPROVED)
    >>> text = kpi_sentence(kpi, baseline=b, follow_up=f, change=c, target=None)
    >>> print(text.split(". ")[0])
    Trust rose from 38.5% (n=200) to 52.0% (n=250), a rise of 13.5 points (95% CI 4.2 to 22.4)
    """
    name = kpi.label
    for estimate in (baseline, follow_up):
        if estimate.withheld:
            return f"{name} is not shown for {estimate.wave} to protect confidentiality."
        if estimate.suppressed or estimate.percent is None:
            return (
                f"{name} cannot be reported for {estimate.wave}: fewer than 10 valid answers "
                f"({base_words(estimate.base)}), so no percentage or change is shown."
            )
    sentences = [_change_sentence(name, baseline, follow_up, change, places=places)]
    sentences.append(_significance_sentence(change, higher_is_better=kpi.higher_is_better))
    if target is not None:
        sentences.append(target_sentence(target, places=places))
    sentences.append(caveat)
    return " ".join(sentence for sentence in sentences if sentence)


def base_words(base: int | None) -> str:
    """A base in a sentence, with the one small-number rule of every page: a count of
    1 to 4 is "fewer than 5" (``SMALLEST_SHOWN``), as the monitor and tables say it.

    Examples
    --------
    >>> base_words(9), base_words(4), base_words(0), base_words(None)
    ('n=9', 'n=fewer than 5', 'n=0', 'n withheld')
    """
    if base is None:
        return "n withheld"
    if 0 < base < SMALLEST_SHOWN:
        return f"n=fewer than {SMALLEST_SHOWN}"
    return f"n={base:,}"


def target_sentence(target: TargetResult, *, places: int = OFFICER_PLACES) -> str:
    """One sentence on a target's status.

    Examples
    --------
    >>> from analysis.targets import TargetResult, TargetStatus
    >>> t = TargetResult("baseline_plus_pp", 10.0, 48.5, 10.0, TargetStatus.MET_ON_POINT_ESTIMATE,
    ...                  "", True, None)
    >>> target_sentence(t)
    'The target of 48.5% is met on the point estimate.'
    """
    if target.target_percent is None or target.status is TargetStatus.INSUFFICIENT_DATA:
        return "The target cannot be assessed."
    level = _pct(target.target_percent, places) + ("" if target.higher_is_better else " or lower")
    phrase = {
        TargetStatus.MET_CONFIRMED: "is met, confirmed by the 95% confidence interval",
        TargetStatus.MET_ON_POINT_ESTIMATE: "is met on the point estimate",
        TargetStatus.NOT_MET: "is not met on the point estimate, but the 95% confidence "
        "interval still reaches it",
        TargetStatus.NOT_MET_CONFIRMED: "is not met, confirmed by the 95% confidence interval",
    }[target.status]
    return f"The target of {level} {phrase}."


def _change_sentence(
    name: str, baseline: WaveEstimate, follow_up: WaveEstimate, change: Change, *, places: int
) -> str:
    before = f"{_pct(baseline.percent, places)} (n={baseline.base})"
    after = f"{_pct(follow_up.percent, places)} (n={follow_up.base})"
    low, high = _num(change.change_ci_low, places), _num(change.change_ci_high, places)
    interval = f"95% CI {low} to {high}"
    points = change.change_pp if change.change_pp is not None else 0.0
    if round_half_away(points, places) == 0:
        return (
            f"{name} did not change: {before} at {baseline.wave} and {after} at "
            f"{follow_up.wave} (change {_num(0.0, places)} points, {interval})."
        )
    verb, noun = ("rose", "rise") if points > 0 else ("fell", "fall")
    return (
        f"{name} {verb} from {before} to {after}, a {noun} of {_num(abs(points), places)} points "
        f"({interval})."
    )


def _significance_sentence(change: Change, *, higher_is_better: bool) -> str:
    points = change.change_pp or 0.0
    noun = "rise" if points > 0 else "fall"
    if round_half_away(points, OFFICER_PLACES) == 0:
        noun = "change"
    if change.significant is None:
        return "At least one base is under 30: treat with caution; no significance test was made."
    how = {
        FISHER_EXACT: " (Fisher's exact test, as counts are small or a wave is at 0% or 100%)",
        RAO_SCOTT: " (Rao-Scott corrected test on weighted figures, as counts are small or a "
        "wave is at 0% or 100%)",
    }.get(change.test or "", "")
    if not change.significant:
        return f"The {noun} is not statistically significant{how}."
    sentence = f"The {noun} is statistically significant{how}."
    if not higher_is_better:
        better = points < 0
        sentence += " Lower is better for this measure, so this is " + (
            "an improvement." if better else "a decline."
        )
    return sentence


def _pct(value: float | None, places: int = OFFICER_PLACES) -> str:
    if places == 0:
        return publication_text(value)
    return format_percent(value, places)


def _num(value: float | None, places: int = OFFICER_PLACES) -> str:
    return format_number(value, places)
