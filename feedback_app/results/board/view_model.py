"""The KPI board: the picture of the area's own plan, as its Appendix A lays it out.

Every KPI of the plan (``feedback_app.plan``), survey-measured and entered alike:
reference, measure, frequency, the **agreed** baseline, latest figure, change with
its interval, direction of travel, each staged target with its due date and its
judgement, a BRAG/RAG status from :mod:`status_rules`, commentary and, where other
areas ask the same question, their average.

Which waves: the area's closed waves with counted responses whose questionnaire
asks the KPI's question, in order of closing, leaving out any that closed before
the KPI's agreed baseline date (an imported older wave never re-bases a KPI; the
board says how many were left out). The first is the measured baseline: the wave set in
``LocalArea.results_settings["baseline_wave_id"]`` when it asks the question,
else the earliest. Targets are levels worked out from the agreed baseline
(``analysis.targets.target_level``) and each is judged on the latest figure on or
before its own due date (``judge_on_date``). Every
figure comes from ``analysis.compare_waves`` (baseline against latest, with the
target) and ``analysis.trend_kpis`` (every wave), run on ``data.wave_frame`` and
kept in the result cache (``data.cached``); only the status, which depends on
today's date and the area's rules, is worked out on each view.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

import analysis
from analysis import (
    Change,
    Direction,
    KpiDefinition,
    Method,
    TargetResult,
    TargetStatus,
    WaveEstimate,
)
from analysis.benchmarks import Benchmark, kpi_estimates
from analysis.method import describe_method
from analysis.plan_benchmarks import latest_benchmarks, target_benchmark
from analysis.proportions import wilson_interval
from analysis.targets import Observation, judge_on_date, months_after, target_level
from feedback_app.definitions import questionnaire_for
from feedback_app.models import KpiCommentary, LocalArea, StaffUser, Wave, utcnow
from feedback_app.plan.statuses.service import kpi_statuses
from feedback_app.results import data
from feedback_app.results.board.status_rules import Outcome, area_rules, status_of
from feedback_app.web import local_days
from surveys import kpis as plan_format

#: Key in ``LocalArea.results_settings`` for the chosen baseline wave.
BASELINE_KEY = "baseline_wave_id"
_DUE = re.compile(r"^\s*(\d{1,3})\s*(day|week|month|year)s?\s*$", re.IGNORECASE)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, slots=True)
class WaveStep:
    """One wave of a KPI's series: its estimate and the changes to it."""

    wave_id: int
    label: str
    closed_on: str
    estimate: WaveEstimate
    against_baseline: Change | None
    against_previous: Change | None

    @property
    def closed_date(self) -> dt.date:
        """The day the wave closed, in the area's time zone."""
        return dt.date.fromisoformat(self.closed_on)


@dataclass(frozen=True, slots=True)
class KpiFigures:
    """What analysis said about one KPI (cached as JSON)."""

    kpi_id: str
    steps: tuple[WaveStep, ...]
    change: Change | None
    target: TargetResult | None
    summary: str
    method: Method
    #: The test for trend over every wave (three or more), in a sentence.
    trend_sentence: str = ""

    @property
    def baseline(self) -> WaveStep:
        """The first wave of the series."""
        return self.steps[0]

    @property
    def latest(self) -> WaveStep | None:
        """The last wave, when there is one after the baseline."""
        return self.steps[-1] if len(self.steps) > 1 else None


@dataclass(frozen=True, slots=True)
class Commentary:
    """One saved version of an officer's commentary."""

    body: str
    author: str
    created_at: dt.datetime


@dataclass(frozen=True, slots=True)
class StagedTarget:
    """One of a KPI's staged targets, judged on its own date."""

    target: plan_format.Target
    #: The level asked for, from the agreed baseline (None: no baseline yet).
    level: float | None
    due_on: dt.date | None
    due_passed: bool | None
    status: TargetStatus
    #: The figure it was judged on (None: none yet on or before its due date).
    judged_on: Observation | None
    #: For higher_of / lower_of: the benchmark value used (None: not entered yet).
    benchmark_value: float | None = None
    #: The plan's published figure that value came from (None: given by the caller).
    benchmark_figure: plan_format.BenchmarkFigure | None = None


@dataclass(frozen=True, slots=True)
class EnteredFigures:
    """An entered measure's values, oldest first, as observations."""

    points: tuple[Observation, ...]

    @property
    def latest(self) -> Observation | None:
        """The newest value."""
        return self.points[-1] if self.points else None


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One KPI of the plan as the board shows it."""

    kpi: plan_format.KpiDefinition
    figures: KpiFigures | None
    recorded_baseline_differs: bool
    due_on: dt.date | None
    due_passed: bool | None
    status: Outcome
    commentary: tuple[Commentary, ...]
    benchmark: Benchmark | None
    targets: tuple[StagedTarget, ...] = ()
    entered: EnteredFigures | None = None
    #: Waves asking the question that closed before the agreed baseline (left out).
    older_waves: int = 0
    #: The latest published figure of each comparator (England, region, neighbours).
    published: tuple[plan_format.BenchmarkFigure, ...] = ()

    @property
    def agreed_baseline(self) -> plan_format.AgreedBaseline | None:
        """The plan's agreed baseline for this KPI."""
        return self.kpi.agreed_baseline

    @property
    def latest_change(self) -> float | None:
        """Latest figure minus the agreed baseline (points or units), when both exist."""
        latest = self.latest_point
        base = self.kpi.baseline_figure
        if latest is None or latest.point is None or base is None:
            return None
        return latest.point - base

    @property
    def latest_point(self) -> Observation | None:
        """The latest follow-up figure, survey or entered."""
        if self.entered is not None:
            return self.entered.latest
        if self.figures is None or self.figures.latest is None:
            return None
        return _observation(self.figures.latest)

    @property
    def trend_points(self) -> tuple[tuple[str, float | None], ...]:
        """Every figure of the KPI, oldest first, as (label, value): the survey waves
        (the measured baseline first) or the entered values."""
        if self.entered is not None:
            return tuple((p.label, p.point) for p in self.entered.points)
        if self.figures is None:
            return ()
        return tuple((s.label, s.estimate.percent) for s in self.figures.steps)

    @property
    def reference(self) -> str:
        """The plan's reference ("KPI 4/1"), or the bank id."""
        return self.kpi.reference or self.kpi.id

    @property
    def direction(self) -> Direction:
        """Direction of travel from the baseline to the latest wave."""
        if self.figures is None or self.figures.change is None:
            return Direction.INSUFFICIENT_DATA
        return self.figures.change.direction

    @property
    def arrow(self) -> str:
        """Which way the figure moved (the words are always shown beside it)."""
        change = self.figures.change if self.figures else None
        if change is None or change.direction is Direction.INSUFFICIENT_DATA:
            return "–"
        if change.direction is Direction.NO_SIGNIFICANT_CHANGE or not change.change_pp:
            return "↔"
        return "↑" if change.change_pp > 0 else "↓"


@dataclass(frozen=True, slots=True)
class Board:
    """The board for one area."""

    rows: tuple[BoardRow, ...]
    method: Method
    today: dt.date
    problem: str | None = None


# --- which waves ------------------------------------------------------------------


def closed_waves(session: Session, area: LocalArea, *, now: dt.datetime) -> list[Wave]:
    """The area's waves that have closed, in order of closing."""
    waves = session.scalars(
        select(Wave)
        .where(Wave.area_id == area.id, Wave.closes_at.is_not(None))
        .order_by(Wave.closes_at, Wave.id)
    ).all()
    return [wave for wave in waves if _aware(wave.closes_at) <= now]  # type: ignore[arg-type]


def kpi_waves(
    session: Session, waves: Sequence[Wave], kpis: Sequence[KpiDefinition]
) -> dict[str, list[Wave]]:
    """For each KPI, the waves (with counted responses) whose questionnaire asks it."""
    counts = {row[0]: row[1] for row in data.fingerprint(session, waves)}
    asked = {
        wave.id: {question.id for question in questionnaire_for(wave.version).questions()}
        for wave in waves
    }
    return {
        kpi.id: [w for w in waves if counts.get(w.id) and kpi.question in asked[w.id]]
        for kpi in kpis
    }


def series_for(
    waves: Sequence[Wave],
    baseline_wave_id: object,
    *,
    not_before: dt.date | None = None,
    zone: ZoneInfo | None = None,
) -> list[Wave]:
    """The baseline (the chosen wave if it is among ``waves``, else the first) and later.

    ``not_before`` is the KPI's agreed baseline date: waves whose last day (in
    ``zone``) is before it are left out, so importing an older wave never makes it
    the baseline.
    """
    if not_before is not None:
        waves = [w for w in waves if _last_day(w, zone or _DEFAULT_ZONE) >= not_before]
    chosen = next((i for i, w in enumerate(waves) if w.id == baseline_wave_id), 0)
    return list(waves[chosen:])


def plan_series(
    session: Session, area: LocalArea, kpis: Sequence[KpiDefinition], *, now: dt.datetime
) -> tuple[dict[str, list[Wave]], dict[str, int]]:
    """Each survey KPI's waves (the measured baseline first) and how many waves were
    left out because they closed before the KPI's agreed baseline date."""
    plan = data.area_plan(area)
    agreed = {
        k.id: k.agreed_baseline.date
        for k in (plan.kpis if plan else ())
        if k.agreed_baseline is not None and k.agreed_baseline.date is not None
    }
    zone = _zone(area)
    baseline_id = (area.results_settings or {}).get(BASELINE_KEY)
    series: dict[str, list[Wave]] = {}
    older: dict[str, int] = {}
    for kpi_id, waves in kpi_waves(session, closed_waves(session, area, now=now), kpis).items():
        series[kpi_id] = series_for(waves, baseline_id, not_before=agreed.get(kpi_id), zone=zone)
        older[kpi_id] = sum(
            1 for w in waves if agreed.get(kpi_id) and _last_day(w, zone) < agreed[kpi_id]
        )
    return series, older


@dataclass(frozen=True, slots=True)
class WaveFigure:
    """A closed wave's figure for one survey KPI, offered as its agreed baseline."""

    wave_id: int
    label: str
    last_day: dt.date
    percent: float | None
    base: int | None


def kpi_wave_figures(
    session: Session, area: LocalArea, kpi_id: str, *, now: dt.datetime
) -> list[WaveFigure]:
    """Every closed wave asking survey KPI ``kpi_id``, older ones included, with its
    figure (officers' figures: a base under 10 gives none), oldest first."""
    kpi = next((k for k in data.area_kpis(area) if k.id == kpi_id), None)
    if kpi is None:
        return []
    waves = kpi_waves(session, closed_waves(session, area, now=now), [kpi])[kpi.id]
    if not waves:
        return []
    labels = data.wave_labels(waves)
    zone = _zone(area)

    def figures(frame: pd.DataFrame) -> list[WaveFigure]:
        found = []
        for wave in waves:
            (estimate,) = kpi_estimates(frame, [kpi], wave=labels[wave.id])
            found.append(
                WaveFigure(wave.id, labels[wave.id], _last_day(wave, zone), estimate.percent,
                           estimate.base)
            )  # fmt: skip
        return found

    return data.question_figures(session, waves, [kpi.question], figures)


# --- figures (cached) ---------------------------------------------------------------


def compute_figures(
    frame: pd.DataFrame,
    plan: Mapping[str, Sequence[Wave]],
    kpis: Sequence[KpiDefinition],
    *,
    labels: Mapping[int, str],
    zone: ZoneInfo,
) -> dict[str, KpiFigures]:
    """Run analysis for every KPI with at least one wave; KPIs sharing waves run together."""
    groups: dict[tuple[int, ...], list[KpiDefinition]] = {}
    by_id = {wave.id: wave for waves in plan.values() for wave in waves}
    for kpi in kpis:
        ids = tuple(wave.id for wave in plan.get(kpi.id, ()))
        if ids:
            groups.setdefault(ids, []).append(kpi)
    found: dict[str, KpiFigures] = {}
    for ids, members in groups.items():
        names = [labels[i] for i in ids]
        closed = [_last_day(by_id[i], zone).isoformat() for i in ids]
        if len(ids) == 1:
            for kpi, estimate in zip(
                members, kpi_estimates(frame, members, wave=names[0]), strict=True
            ):
                step = WaveStep(ids[0], names[0], closed[0], estimate, None, None)
                found[kpi.id] = KpiFigures(kpi.id, (step,), None, None, "", describe_method())
            continue
        comparison = analysis.compare_waves(frame, members, baseline=names[0], follow_up=names[-1])
        trend = analysis.trend_kpis(
            frame,
            members,
            waves=names,
            dates=[local_days.local_day(by_id[i].opens_at, zone) for i in ids],
        )
        for compared, series in zip(comparison.kpis, trend.kpis, strict=True):
            steps = tuple(
                WaveStep(i, s.wave, day, s.estimate, s.against_baseline, s.against_previous)
                for i, day, s in zip(ids, closed, series.steps, strict=True)
            )
            found[compared.kpi.id] = KpiFigures(
                compared.kpi.id,
                steps,
                compared.change,
                compared.target,
                compared.summary,
                comparison.method,
                series.trend.sentence if series.trend is not None else "",
            )
    return found


def encode_figures(figures: Mapping[str, KpiFigures]) -> dict[str, Any]:
    """JSON-able form of :func:`compute_figures`' result."""
    return {kpi_id: asdict(f) for kpi_id, f in figures.items()}


def decode_figures(payload: Mapping[str, Any]) -> dict[str, KpiFigures]:
    """Back from :func:`encode_figures`."""
    return {
        kpi_id: KpiFigures(
            kpi_id=item["kpi_id"],
            steps=tuple(
                WaveStep(
                    wave_id=s["wave_id"],
                    label=s["label"],
                    closed_on=s["closed_on"],
                    estimate=WaveEstimate(**s["estimate"]),
                    against_baseline=_change(s["against_baseline"]),
                    against_previous=_change(s["against_previous"]),
                )
                for s in item["steps"]
            ),
            change=_change(item["change"]),
            target=_target(item["target"]),
            summary=item["summary"],
            method=Method(**item["method"]),
            trend_sentence=item.get("trend_sentence", ""),
        )
        for kpi_id, item in payload.items()
    }


def _change(item: Mapping[str, Any] | None) -> Change | None:
    return None if item is None else Change(**{**item, "direction": Direction(item["direction"])})


def _target(item: Mapping[str, Any] | None) -> TargetResult | None:
    if item is None:
        return None
    return TargetResult(**{**item, "status": TargetStatus(item["status"])})


def bank_digest(kpis: Sequence[KpiDefinition]) -> str:
    """Changes when the KPI bank changes, so cached figures follow it."""
    return hashlib.sha256(repr(kpis).encode()).hexdigest()[:16]


def area_figures(
    session: Session,
    area: LocalArea,
    *,
    now: dt.datetime,
    series: Mapping[str, Sequence[Wave]] | None = None,
) -> tuple[dict[str, KpiFigures], Method]:
    """Every KPI's figures for ``area`` (from the cache when still current).

    ``series`` is :func:`plan_series`' first result when the caller has it already
    (each call reads every closed wave's counts again)."""
    kpis = data.area_kpis(area)
    baseline_id = (area.results_settings or {}).get(BASELINE_KEY)
    plan = series if series is not None else plan_series(session, area, kpis, now=now)[0]
    used = sorted({w.id: w for ws in plan.values() for w in ws}.values(), key=_closing)
    if not used:
        return {}, describe_method()
    zone = _zone(area)

    labels = data.wave_labels(used)

    def compute() -> dict[str, KpiFigures]:
        return data.question_figures(
            session,
            used,
            sorted({k.question for k in kpis}),
            lambda frame: compute_figures(frame, plan, kpis, labels=labels, zone=zone),
        )

    figures = data.cached(
        session,
        area,
        "kpi_board",
        {
            "baseline_wave_id": baseline_id,
            "bank": bank_digest(kpis),
            "zone": str(zone),
            # Which waves each KPI uses (the agreed baseline date leaves some out).
            "series": sorted([k, [w.id for w in ws]] for k, ws in plan.items()),
        },
        used,
        compute,
        encode=encode_figures,
        decode=decode_figures,
    )
    method = next(iter(figures.values())).method if figures else describe_method()
    return figures, method


# --- the board ------------------------------------------------------------------


def due_date(due: str | None, start: dt.date) -> dt.date | None:
    """``target.due`` ("18 months", "2 years", "6 weeks" or a date) as a date.

    Examples
    --------
    >>> due_date("18 months", dt.date(2019, 12, 18)), due_date("1 month", dt.date(2020, 1, 31))
    (datetime.date(2021, 6, 18), datetime.date(2020, 2, 29))
    """
    if not due:
        return None
    match = _DUE.match(due)
    if match is None:
        try:
            return dt.date.fromisoformat(due.strip())
        except ValueError:
            return None
    number, unit = int(match.group(1)), match.group(2).lower()
    if unit == "day":
        return start + dt.timedelta(days=number)
    if unit == "week":
        return start + dt.timedelta(weeks=number)
    months = number * (12 if unit == "year" else 1)
    year, month = divmod(start.month - 1 + months, 12)
    year, month = start.year + year, month + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def commentary(session: Session, area: LocalArea) -> dict[str, tuple[Commentary, ...]]:
    """Every version of every KPI's commentary, newest first."""
    rows = session.execute(
        select(KpiCommentary, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == KpiCommentary.author_id)
        .where(KpiCommentary.area_id == area.id)
        .order_by(KpiCommentary.created_at.desc(), KpiCommentary.id.desc())
    ).all()
    found: dict[str, list[Commentary]] = {}
    for row, email in rows:
        found.setdefault(row.kpi_id, []).append(
            Commentary(row.body, email or "", _aware(row.created_at))
        )
    return {kpi_id: tuple(items) for kpi_id, items in found.items()}


def build_board(
    session: Session,
    area: LocalArea,
    *,
    now: dt.datetime | None = None,
    benchmarks: Mapping[str, Benchmark] | None = None,
    benchmark_values: Mapping[tuple[str, str], float] | None = None,
) -> Board:
    """The board for ``area`` at ``now`` (figures cached, status worked out now).

    ``benchmark_values`` maps (KPI id, benchmark name) to its latest value, for
    the higher_of / lower_of targets; a benchmark not given leaves the level alone.
    """
    now = now or utcnow()
    zone = _zone(area)
    today = now.astimezone(zone).date()
    plan = data.area_plan(area)
    if plan is None or not plan.kpis:
        return Board(rows=(), method=describe_method(), today=today)
    series, older = plan_series(session, area, data.area_kpis(area), now=now)
    figures, method = area_figures(session, area, now=now, series=series)
    rules = area_rules(area.results_settings)
    notes = commentary(session, area)
    statuses = kpi_statuses(session, area)  # the area's labels and manual overrides
    rows = []
    for kpi in plan.kpis:
        found = figures.get(kpi.id) if kpi.kind == "survey" else None
        entered = _entered(kpi) if kpi.kind == "entered" else None
        targets = _staged_targets(
            kpi, plan, found=found, entered=entered, today=today,
            benchmark_values=benchmark_values or {},
        )  # fmt: skip
        current = _current(targets)
        measured = found.baseline.estimate.percent if found else None
        agreed = kpi.baseline_figure
        rows.append(
            BoardRow(
                kpi=kpi,
                figures=found,
                recorded_baseline_differs=(
                    kpi.kind == "survey"
                    and agreed is not None
                    and (measured is None or round(measured, 1) != round(agreed, 1))
                ),
                due_on=current.due_on if current else None,
                due_passed=current.due_passed if current else None,
                status=statuses.outcome(
                    kpi.reference or kpi.id,
                    status_of(
                        rules,
                        target_status=current.status.value if current else None,
                        due_passed=current.due_passed if current else None,
                    ),
                ),
                commentary=notes.get(kpi.id, ()),
                benchmark=(benchmarks or {}).get(kpi.id),
                targets=targets,
                entered=entered,
                older_waves=older.get(kpi.id, 0),
                published=latest_benchmarks(kpi.benchmarks),
            )
        )
    return Board(rows=tuple(rows), method=method, today=today)


def _observation(step: WaveStep) -> Observation:
    e = step.estimate
    return Observation(step.closed_date, step.label, e.percent, e.ci_low, e.ci_high)


def _entered(kpi: plan_format.KpiDefinition) -> EnteredFigures:
    points = []
    for value in kpi.sorted_values:
        if value.numerator is not None and value.denominator is not None:
            low, high = wilson_interval(value.numerator, value.denominator)
            points.append(
                Observation(
                    value.date, value.period, value.figure, float(low) * 100, float(high) * 100
                )
            )
        else:
            points.append(
                Observation(value.date, value.period, value.figure, value.figure, value.figure)
            )
    return EnteredFigures(tuple(points))


def target_due(
    target: plan_format.Target, *, starts_on: dt.date | None, baseline_on: dt.date | None
) -> dt.date | None:
    """A target's due date: its calendar date, or months from the plan's start, or
    (older files) its ``due`` text counted from the baseline."""
    if target.due_on is not None:
        return target.due_on
    if target.due_months is not None:
        return months_after(starts_on, target.due_months) if starts_on else None
    return due_date(target.due, baseline_on) if baseline_on else None


def _staged_targets(
    kpi: plan_format.KpiDefinition,
    plan: plan_format.KpiBank,
    *,
    found: KpiFigures | None,
    entered: EnteredFigures | None,
    today: dt.date,
    benchmark_values: Mapping[tuple[str, str], float],
) -> tuple[StagedTarget, ...]:
    agreed = kpi.agreed_baseline
    if entered is not None:
        after = agreed.date if agreed and agreed.date else None
        follow_ups = [p for p in entered.points if after is None or p.on > after]
        measured = entered.points[0].point if entered.points and agreed is None else None
        if agreed is None and follow_ups:
            follow_ups = follow_ups[1:]  # the first value is the baseline
        baseline_on = after or (entered.points[0].on if entered.points else None)
    else:
        follow_ups = [_observation(step) for step in found.steps[1:]] if found else []
        measured = found.baseline.estimate.percent if found else None
        baseline_on = (agreed.date if agreed and agreed.date else None) or (
            found.baseline.closed_date if found else None
        )
    baseline = kpi.baseline_figure if kpi.baseline_figure is not None else measured
    starts_on = plan.plan.starts_on if plan.plan else None
    staged = []
    for target in kpi.all_targets:
        due_on = target_due(target, starts_on=starts_on, baseline_on=baseline_on)
        bench = benchmark_values.get((kpi.id, target.benchmark)) if target.benchmark else None
        figure = None
        if target.benchmark and bench is None:
            figure = target_benchmark(kpi.benchmarks, target.benchmark, due_on=due_on)
            bench = figure.value if figure else None
        level = target_level(
            target.rule, target.value, baseline=baseline, higher_is_better=kpi.higher_is_better,
            percentage=kpi.is_percentage, benchmark=bench,
        )  # fmt: skip
        status, used = judge_on_date(
            level, follow_ups, due_on=due_on, today=today, higher_is_better=kpi.higher_is_better
        )
        staged.append(
            StagedTarget(
                target=target,
                level=level,
                due_on=due_on,
                due_passed=today > due_on if due_on else None,
                status=status,
                judged_on=used,
                benchmark_value=bench,
                benchmark_figure=figure,
            )
        )
    return tuple(staged)


def _current(targets: Sequence[StagedTarget]) -> StagedTarget | None:
    """The target the KPI's status follows: the next one due, else the last one."""
    if not targets:
        return None
    ordered = sorted(targets, key=lambda t: (t.due_on is None, t.due_on or dt.date.max))
    return next((t for t in ordered if t.due_passed is False), ordered[-1])


def find_row(board: Board, kpi_id: str) -> BoardRow | None:
    """The board row of one KPI."""
    return next((row for row in board.rows if row.kpi.id == kpi_id), None)


_DEFAULT_ZONE = ZoneInfo("Europe/London")


def _closing(wave: Wave) -> tuple[dt.datetime, int]:
    return (_aware(wave.closes_at or wave.opens_at), wave.id)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _zone(area: LocalArea) -> ZoneInfo:
    try:
        return ZoneInfo(area.timezone or "Europe/London")
    except (ValueError, KeyError):
        return ZoneInfo("Europe/London")


def _last_day(wave: Wave, zone: ZoneInfo) -> dt.date:
    # The board only shows closed waves; the rule for the day is local_days'.
    return local_days.last_day(wave.closes_at or utcnow(), zone)


__all__ = [
    "BASELINE_KEY",
    "Board",
    "BoardRow",
    "Commentary",
    "EnteredFigures",
    "KpiFigures",
    "StagedTarget",
    "WaveFigure",
    "WaveStep",
    "area_figures",
    "build_board",
    "closed_waves",
    "commentary",
    "compute_figures",
    "due_date",
    "find_row",
    "kpi_wave_figures",
    "plan_series",
    "target_due",
]
