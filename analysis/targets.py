"""Judging a follow-up against a KPI target (statistics.md, "Targets")."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Sequence
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


# --- staged targets of an area's plan ----------------------------------------------


#: How a plan target's level is derived; the first three are :class:`TargetRule`'s.
PLAN_RULES = ("baseline_plus_pp", "baseline_plus_relative", "absolute", "higher_of", "lower_of")


def target_level(
    rule: str,
    value: float,
    *,
    baseline: float | None,
    higher_is_better: bool,
    percentage: bool,
    benchmark: float | None = None,
) -> float | None:
    """The level a staged target asks for, from the **agreed** baseline.

    ``baseline_plus_pp``: ``value`` points better than the baseline (lower when lower
    is better); ``baseline_plus_relative``: ``value`` per cent better; ``absolute``:
    the level ``value``; ``higher_of``/``lower_of``: the higher (lower) of ``value``
    and ``benchmark`` (the level alone while the benchmark is not known). A
    percentage never goes outside 0 to 100. ``None`` when the rule needs a baseline
    and there is none.

    Examples
    --------
    Sefton's KPI 4/1: agreed 38.5%, targets baseline plus 10 and plus 15 points.

    >>> [target_level("baseline_plus_pp", v, baseline=38.5, higher_is_better=True,
    ...               percentage=True) for v in (10, 15)]
    [48.5, 53.5]
    >>> target_level("baseline_plus_pp", 2, baseline=9, higher_is_better=False, percentage=False)
    7
    >>> target_level("higher_of", 50, baseline=None, higher_is_better=True, percentage=True,
    ...              benchmark=58.2)
    58.2
    """
    if rule not in PLAN_RULES:
        raise ValueError(f"unknown target rule {rule!r}")
    sign = 1 if higher_is_better else -1
    level: float
    if rule == "absolute":
        level = value
    elif rule in ("higher_of", "lower_of"):
        if benchmark is None:
            level = value
        else:
            level = max(value, benchmark) if rule == "higher_of" else min(value, benchmark)
    elif baseline is None:
        return None
    elif rule == "baseline_plus_pp":
        level = baseline + sign * value
    else:
        # A relative fall of more than 100% is a fall to nothing.
        level = baseline * max(0.0, 1 + sign * value / 100.0)
    if percentage:
        level = min(100.0, max(0.0, level))
    return level


@dataclass(frozen=True, slots=True)
class LevelJudgement:
    """A staged target judged on the figure of its own date."""

    level: float | None
    status: TargetStatus
    #: Which figure and interval it was judged on, in words.
    judged_on: str


def judge_level(
    level: float | None,
    *,
    point: float | None,
    low: float | None,
    high: float | None,
    higher_is_better: bool,
) -> TargetStatus:
    """The status of one figure against a fixed target level (statistics.md, "Targets").

    ``low`` and ``high`` are the 95% interval (equal to ``point`` for a figure with
    no sampling error, such as an entered count of weeks).

    Examples
    --------
    >>> judge_level(48.5, point=49.0, low=45.1, high=52.9, higher_is_better=True).value
    'met on point estimate'
    >>> judge_level(53.5, point=49.0, low=45.1, high=52.9, higher_is_better=True).value
    'not met (confirmed)'
    """
    return _status(point, low, high, level, higher_is_better=higher_is_better)


@dataclass(frozen=True, slots=True)
class Observation:
    """One figure of a KPI on a date: a wave's estimate or an entered value.

    ``low``/``high`` are its 95% interval (``point`` itself when it has none).
    """

    on: dt.date
    label: str
    point: float | None
    low: float | None
    high: float | None


def judge_on_date(
    level: float | None,
    observations: Sequence[Observation],
    *,
    due_on: dt.date | None,
    today: dt.date,
    higher_is_better: bool,
) -> tuple[TargetStatus, Observation | None]:
    """A staged target judged on its own date: the latest figure on or before the due
    date once it has passed (the first after it when there was none by then), else
    the latest figure so far.

    ``observations`` are the follow-ups (not the baseline), in any order. Figures
    after the due date never count for it, so a later wave cannot turn a missed
    Dec-20 target into a met one.

    Examples
    --------
    >>> obs = [Observation(dt.date(2020, 11, 30), "Follow-up", 49.0, 45.1, 52.9)]
    >>> judge_on_date(48.5, obs, due_on=dt.date(2020, 12, 31), today=dt.date(2021, 3, 1),
    ...               higher_is_better=True)[0].value
    'met on point estimate'
    >>> judge_on_date(48.5, [], due_on=dt.date(2020, 6, 30), today=dt.date(2021, 3, 1),
    ...               higher_is_better=True)[0].value
    'insufficient data'
    """
    ordered = sorted(observations, key=lambda o: o.on)
    if due_on is not None and today > due_on:
        on_time = [o for o in ordered if o.on <= due_on]
        # No figure by the due date: the first one after it (the page says so).
        ordered = on_time or ordered[:1]
    if not ordered:
        return TargetStatus.INSUFFICIENT_DATA, None
    latest = ordered[-1]
    status = judge_level(
        level, point=latest.point, low=latest.low, high=latest.high,
        higher_is_better=higher_is_better,
    )  # fmt: skip
    return status, latest


def months_after(start: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter).

    >>> months_after(dt.date(2019, 6, 30), 18), months_after(dt.date(2020, 1, 31), 1)
    (datetime.date(2020, 12, 30), datetime.date(2020, 2, 29))
    """
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
