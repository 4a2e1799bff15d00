"""Judging a follow-up against a KPI target (statistics.md, "Targets")."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from analysis.estimates import Change, WaveEstimate
from analysis.kpis import KpiDefinition, TargetRule

_TOLERANCE = 1e-9


class TargetStatus(enum.StrEnum):
    """Status of a target, from the point estimate and the 95% interval."""

    MET_CONFIRMED = "met (confirmed)"
    MET_ON_POINT_ESTIMATE = "met on point estimate"
    NOT_MET = "not met"
    NOT_MET_CONFIRMED = "not met (confirmed)"
    INSUFFICIENT_DATA = "insufficient data"


@dataclass(frozen=True, slots=True)
class TargetResult:
    """A target judged at the follow-up.

    ``target_percent`` is the level (0-100) the follow-up is judged against.
    ``required_change_pp`` is set for the baseline-relative rules, which are judged on
    the Newcombe interval of the change; ``absolute`` is judged on the follow-up's
    Wilson interval. ``judged_on`` says which, in words.
    """

    rule: str
    value: float
    target_percent: float | None
    required_change_pp: float | None
    status: TargetStatus
    judged_on: str
    higher_is_better: bool
    due: str | None


def judge_target(
    kpi: KpiDefinition, *, baseline: WaveEstimate, follow_up: WaveEstimate, change: Change
) -> TargetResult | None:
    """Status of the KPI's target at the follow-up, or ``None`` when it has no target.

    Examples
    --------
    The worked example of statistics.md: 20% to 36% (n = 50 each) against +10 points.

    >>> from analysis.kpis import KpiDefinition, Target, TargetRule
    >>> from analysis.estimates import Change, Direction, WaveEstimate
    >>> kpi = KpiDefinition(id="k", title="T", question="q", positive=("yes",),
    ...                     target=Target(TargetRule.BASELINE_PLUS_PP, 10.0))
    >>> b = WaveEstimate("b", 50, 10, 20.0, 11.2, 33.0, False, False, 50.0)
    >>> f = WaveEstimate("f", 50, 18, 36.0, 24.1, 49.9, False, False, 50.0)
    >>> c = Change(16.0, -1.4, 32.0, "z-test", 0.07, False, Direction.NO_SIGNIFICANT_CHANGE)
    >>> r = judge_target(kpi, baseline=b, follow_up=f, change=c)
    >>> r.target_percent, r.status.value
    (30.0, 'met on point estimate')
    """
    target = kpi.target
    if target is None:
        return None
    higher = kpi.higher_is_better
    if target.rule is TargetRule.ABSOLUTE:
        level: float | None = target.value
        required: float | None = None
        judged_on = "follow-up 95% Wilson interval against the target level"
        bounds = (follow_up.percent, follow_up.ci_low, follow_up.ci_high, level)
    else:
        judged_on = "95% Newcombe interval of the change against the required change"
        if baseline.percent is None:
            level, required = None, None
        elif target.rule is TargetRule.BASELINE_PLUS_PP:
            required = target.value
            level = baseline.percent + required
        else:
            required = baseline.percent * target.value / 100.0
            level = baseline.percent + required
        bounds = (change.change_pp, change.change_ci_low, change.change_ci_high, required)
    return TargetResult(
        rule=target.rule.value,
        value=target.value,
        target_percent=level,
        required_change_pp=required,
        status=_status(*bounds, higher_is_better=higher),
        judged_on=judged_on,
        higher_is_better=higher,
        due=target.due,
    )


def _status(
    point: float | None,
    low: float | None,
    high: float | None,
    aim: float | None,
    *,
    higher_is_better: bool,
) -> TargetStatus:
    if point is None or low is None or high is None or aim is None:
        return TargetStatus.INSUFFICIENT_DATA
    if not higher_is_better:
        # Mirror the scale so that "at or below the target" reads as "at or above".
        point, low, high, aim = -point, -high, -low, -aim
    # Percentages are differences of floats: 30% - 20% is 9.999999999999998 points,
    # which must still meet a +10 target.
    aim -= _TOLERANCE
    if low >= aim:
        return TargetStatus.MET_CONFIRMED
    if point >= aim:
        return TargetStatus.MET_ON_POINT_ESTIMATE
    if high >= aim:
        return TargetStatus.NOT_MET
    return TargetStatus.NOT_MET_CONFIRMED
