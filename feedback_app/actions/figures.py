"""The headline KPI figures for the public page, from ``analysis`` via the results
data layer: each KPI's baseline wave against its latest closed wave (the waves the
KPI board uses), with publication suppression (``compare_waves(...,
publication=True)``), cached until answers change.

Nothing is computed here: percentages, changes and directions are analysis's; this
module only picks the waves and keeps what the public page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

import analysis
from analysis import AnalysisInputError, KpiDefinition
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Wave, utcnow
from feedback_app.results.board import view_model as board
from feedback_app.results.data import area_kpis, cached, wave_frame, wave_labels
from feedback_app.web import local_days


@dataclass(frozen=True)
class PublicKpi:
    """One KPI as the public sees it; percentages None when not shown."""

    kpi_id: str
    #: The question as respondents read it (an English message id).
    question: str
    baseline_percent: float | None
    latest_percent: float | None
    #: analysis.Direction value: improved, declined, no significant change, ...
    direction: str
    change_pp: float | None
    #: Days the two waves closed, in the area's time zone (ISO dates).
    baseline_closed: str
    latest_closed: str

    @property
    def baseline_day(self) -> dt.date:
        """The day the baseline wave closed."""
        return dt.date.fromisoformat(self.baseline_closed)

    @property
    def latest_day(self) -> dt.date:
        """The day the latest wave closed."""
        return dt.date.fromisoformat(self.latest_closed)


@dataclass(frozen=True)
class PublicFigures:
    """Each KPI's baseline against its latest wave, in KPI bank order."""

    kpis: tuple[PublicKpi, ...]

    @property
    def common_dates(self) -> tuple[dt.date, dt.date] | None:
        """The baseline and latest closing days when every KPI shares them."""
        pairs = {(k.baseline_closed, k.latest_closed) for k in self.kpis}
        if len(pairs) != 1:
            return None
        ((first, last),) = pairs
        return dt.date.fromisoformat(first), dt.date.fromisoformat(last)


def public_figures(session: Session, area: LocalArea) -> PublicFigures | None:
    """Every KPI's baseline against its latest closed wave, suppressed for publication.

    The waves are the KPI board's (``results.board``): closed waves with counted
    responses that ask the KPI's question, from the area's chosen baseline on.
    None when no KPI has two such waves.
    """
    kpis = area_kpis(area)
    plan, _older = board.plan_series(session, area, kpis, now=utcnow())
    pairs: dict[tuple[int, int], list[KpiDefinition]] = {}
    by_id: dict[int, Wave] = {}
    for kpi in kpis:
        series = plan[kpi.id]
        if len(series) >= 2:
            pairs.setdefault((series[0].id, series[-1].id), []).append(kpi)
            by_id.update({series[0].id: series[0], series[-1].id: series[-1]})
    if not pairs:
        return None
    used = sorted(by_id.values(), key=lambda w: (_aware(w.closes_at), w.id))
    zone = _zone(area)

    def compute() -> list[dict[str, Any]]:
        labels = wave_labels(used)
        frame = wave_frame(session, used, questions=sorted({k.question for k in kpis}))
        rows: list[dict[str, Any]] = []
        for (first_id, last_id), members in pairs.items():
            try:
                result = analysis.compare_waves(  # imports pandas on first use
                    frame,
                    members,
                    baseline=labels[first_id],
                    follow_up=labels[last_id],
                    publication=True,
                )
            except AnalysisInputError:
                # Answers analysis cannot read: no figures rather than wrong ones.
                continue
            latest = questionnaire_for(by_id[last_id].version)
            for item in result.kpis:
                question = latest.question(item.kpi.question)
                rows.append(
                    asdict(
                        PublicKpi(
                            kpi_id=item.kpi.id,
                            question=question.text if question is not None else item.kpi.title,
                            baseline_percent=item.baseline.percent,
                            latest_percent=item.follow_up.percent,
                            direction=str(item.change.direction),
                            change_pp=item.change.change_pp,
                            baseline_closed=_local_day(by_id[first_id], zone),
                            latest_closed=_local_day(by_id[last_id], zone),
                        )
                    )
                )
        order = [k.id for k in kpis]
        return sorted(rows, key=lambda row: order.index(row["kpi_id"]))

    rows = cached(
        session,
        area,
        "public_kpis",
        {
            "pairs": sorted([list(pair), [k.id for k in ks]] for pair, ks in pairs.items()),
            "bank": board.bank_digest(kpis),
        },
        used,
        compute,
    )
    return PublicFigures(kpis=tuple(PublicKpi(**row) for row in rows))


def _aware(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _zone(area: LocalArea) -> ZoneInfo:
    try:
        return ZoneInfo(area.timezone or "Europe/London")
    except (ValueError, KeyError):
        return ZoneInfo("Europe/London")


def _local_day(wave: Wave, zone: ZoneInfo) -> str:
    # A wave closing at local midnight closed at the end of the day before.
    return local_days.last_day(_aware(wave.closes_at), zone).isoformat()
