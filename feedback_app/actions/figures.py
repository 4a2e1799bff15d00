"""The headline KPI figures for the public page, from ``analysis`` via the results
data layer: the baseline wave against the latest closed wave, with publication
suppression (``compare_waves(..., publication=True)``), cached until answers change.

Nothing is computed here: percentages, changes and directions are analysis's; this
module only picks the waves and keeps what the public page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import AnalysisInputError, compare_waves
from feedback_app import journey
from feedback_app.models import LocalArea, Wave, utcnow
from feedback_app.results.data import area_kpis, cached, wave_frame, wave_labels


@dataclass(frozen=True)
class PublicKpi:
    """One KPI as the public sees it; percentages None when not shown."""

    kpi_id: str
    reference: str
    #: The question as respondents read it (an English message id).
    question: str
    baseline_percent: float | None
    latest_percent: float | None
    #: analysis.Direction value: improved, declined, no significant change, ...
    direction: str
    change_pp: float | None


@dataclass(frozen=True)
class PublicFigures:
    """The baseline and latest waves compared, KPI by KPI."""

    baseline_closed: dt.datetime
    latest_closed: dt.datetime
    kpis: tuple[PublicKpi, ...]


def kpi_waves(session: Session, area: LocalArea, now: dt.datetime | None = None) -> list[Wave]:
    """The area's closed waves that ask at least one KPI question, oldest first."""
    now = now or utcnow()
    waves = session.scalars(
        select(Wave).where(Wave.area_id == area.id, Wave.closes_at.is_not(None))
    ).all()
    kpi_questions = {kpi.question for kpi in area_kpis()}
    closed = [
        w for w in waves if not w.is_open(now) and not w.is_scheduled(now) and w.closes_at
    ]
    asking = [
        w
        for w in closed
        if kpi_questions & {q.id for q in journey.questionnaire_for(w.version).questions()}
    ]
    return sorted(asking, key=lambda w: (_aware(w.closes_at), w.id))


def _aware(moment: dt.datetime | None) -> dt.datetime:
    assert moment is not None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _baseline(area: LocalArea, waves: list[Wave]) -> Wave:
    settings = area.results_settings or {}
    chosen = settings.get("baseline_wave_id")
    return next((w for w in waves if w.id == chosen), waves[0])


def public_figures(session: Session, area: LocalArea) -> PublicFigures | None:
    """Baseline against the latest closed wave, suppressed for publication.

    None when the area has fewer than two closed waves asking KPI questions.
    """
    waves = kpi_waves(session, area)
    if len(waves) < 2:
        return None
    baseline, latest = _baseline(area, waves), waves[-1]
    if baseline.id == latest.id:
        return None
    asked_before = {q.id for q in journey.questionnaire_for(baseline.version).questions()}
    latest_questionnaire = journey.questionnaire_for(latest.version)
    asked_now = {q.id for q in latest_questionnaire.questions()}
    kpis = [k for k in area_kpis() if k.question in asked_before & asked_now]
    if not kpis:
        return None
    pair = [baseline, latest]

    def compute() -> list[dict[str, Any]]:
        labels = wave_labels(pair)
        frame = wave_frame(session, pair, questions=[k.question for k in kpis])
        try:
            result = compare_waves(
                frame,
                kpis,
                baseline=labels[baseline.id],
                follow_up=labels[latest.id],
                publication=True,
            )
        except AnalysisInputError:
            # Answers analysis cannot read (e.g. a code outside the KPI's scale):
            # show no figures rather than wrong ones.
            return []
        rows = []
        for item in result.kpis:
            question = latest_questionnaire.question(item.kpi.question)
            rows.append(
                asdict(
                    PublicKpi(
                        kpi_id=item.kpi.id,
                        reference=_reference(item.kpi.id),
                        question=question.text if question is not None else item.kpi.title,
                        baseline_percent=item.baseline.percent,
                        latest_percent=item.follow_up.percent,
                        direction=str(item.change.direction),
                        change_pp=item.change.change_pp,
                    )
                )
            )
        return rows

    rows = cached(
        session,
        area,
        "public_kpis",
        {"baseline": baseline.id, "latest": latest.id, "kpis": [k.id for k in kpis]},
        pair,
        compute,
    )
    return PublicFigures(
        baseline_closed=_aware(baseline.closes_at),
        latest_closed=_aware(latest.closes_at),
        kpis=tuple(PublicKpi(**row) for row in rows),
    )


def _reference(kpi_id: str) -> str:
    from surveys.library import kpi_bank

    kpi = kpi_bank().get(kpi_id)
    return (kpi.reference if kpi is not None else None) or kpi_id
