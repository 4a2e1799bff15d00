"""The KPI board: each KPI as the plan's Appendix A lays it out, with figures from analysis.

Per KPI: reference, measure, frequency, baseline (wave and %), latest (wave and %),
change with its interval, direction of travel, target and when it is due, the
target status, a BRAG/RAG status from :mod:`status_rules`, commentary and, where
other areas ask the same bank question, their average.

Which waves: the area's closed waves with counted responses whose questionnaire
asks the KPI's question, in order of closing. The baseline is the wave set in
``LocalArea.results_settings["baseline_wave_id"]`` when it asks the question,
else the earliest; waves that closed before the baseline are left out. Every
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
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import (
    Change,
    Direction,
    KpiDefinition,
    Method,
    TargetResult,
    TargetStatus,
    WaveEstimate,
    compare_waves,
    trend_kpis,
)
from analysis.benchmarks import Benchmark, kpi_estimates
from analysis.method import describe_method
from feedback_app.definitions import questionnaire_for
from feedback_app.models import KpiCommentary, LocalArea, StaffUser, Wave, utcnow
from feedback_app.plan.statuses.service import kpi_statuses
from feedback_app.results import data
from feedback_app.results.board.status_rules import Outcome, area_rules, status_of
from feedback_app.web import local_days

#: Key in ``LocalArea.results_settings`` for the chosen baseline wave.
BASELINE_KEY = "baseline_wave_id"
_DUE = re.compile(r"^\s*(\d{1,3})\s*(day|week|month|year)s?\s*$", re.IGNORECASE)


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
class BoardRow:
    """One KPI as the board shows it."""

    kpi: KpiDefinition
    figures: KpiFigures | None
    recorded_baseline_differs: bool
    due_on: dt.date | None
    due_passed: bool | None
    status: Outcome
    commentary: tuple[Commentary, ...]
    benchmark: Benchmark | None

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


def series_for(waves: Sequence[Wave], baseline_wave_id: object) -> list[Wave]:
    """The baseline (the chosen wave if it is among ``waves``, else the first) and later."""
    chosen = next((i for i, w in enumerate(waves) if w.id == baseline_wave_id), 0)
    return list(waves[chosen:])


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
        comparison = compare_waves(frame, members, baseline=names[0], follow_up=names[-1])
        trend = trend_kpis(
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
    session: Session, area: LocalArea, *, now: dt.datetime
) -> tuple[dict[str, KpiFigures], Method]:
    """Every KPI's figures for ``area`` (from the cache when still current)."""
    kpis = data.area_kpis()
    baseline_id = (area.results_settings or {}).get(BASELINE_KEY)
    plan = {
        kpi_id: series_for(waves, baseline_id)
        for kpi_id, waves in kpi_waves(session, closed_waves(session, area, now=now), kpis).items()
    }
    used = sorted({w.id: w for ws in plan.values() for w in ws}.values(), key=_closing)
    if not used:
        return {}, describe_method()
    zone = _zone(area)

    def compute() -> dict[str, KpiFigures]:
        frame = data.wave_frame(session, used, questions=sorted({k.question for k in kpis}))
        return compute_figures(frame, plan, kpis, labels=data.wave_labels(used), zone=zone)

    figures = data.cached(
        session,
        area,
        "kpi_board",
        {"baseline_wave_id": baseline_id, "bank": bank_digest(kpis), "zone": str(zone)},
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
) -> Board:
    """The board for ``area`` at ``now`` (figures cached, status worked out now)."""
    now = now or utcnow()
    zone = _zone(area)
    today = now.astimezone(zone).date()
    figures, method = area_figures(session, area, now=now)
    rules = area_rules(area.results_settings)
    notes = commentary(session, area)
    statuses = kpi_statuses(session, area)  # the area's labels and manual overrides
    rows = []
    for kpi in data.area_kpis():
        found = figures.get(kpi.id)
        start = dt.date.fromisoformat(found.baseline.closed_on) if found else None
        due_on = due_date(kpi.target.due if kpi.target else None, start) if start else None
        due_passed = today > due_on if due_on else None
        status = found.target.status.value if found and found.target else None
        measured = found.baseline.estimate.percent if found else None
        rows.append(
            BoardRow(
                kpi=kpi,
                figures=found,
                recorded_baseline_differs=(
                    kpi.recorded_baseline is not None
                    and (measured is None or round(measured, 1) != round(kpi.recorded_baseline, 1))
                ),
                due_on=due_on,
                due_passed=due_passed,
                status=statuses.outcome(
                    kpi.reference or kpi.id,
                    status_of(rules, target_status=status, due_passed=due_passed),
                ),
                commentary=notes.get(kpi.id, ()),
                benchmark=(benchmarks or {}).get(kpi.id),
            )
        )
    return Board(rows=tuple(rows), method=method, today=today)


def find_row(board: Board, kpi_id: str) -> BoardRow | None:
    """The board row of one KPI."""
    return next((row for row in board.rows if row.kpi.id == kpi_id), None)


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
    "KpiFigures",
    "WaveStep",
    "area_figures",
    "build_board",
    "closed_waves",
    "commentary",
    "compute_figures",
    "due_date",
    "find_row",
]
