"""Other areas' average beside each KPI, where the deployment hosts several areas.

Each other area contributes its latest closed wave that asks the KPI's bank
question; ``analysis.benchmarks`` averages them (unweighted, bases of 30 or more,
at least two areas) so no area is named or can be read off. Each other area's
estimates are cached under that area, like its own board's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import KpiDefinition, WaveEstimate
from analysis.benchmarks import Benchmark, benchmark, kpi_estimates
from feedback_app.models import LocalArea
from feedback_app.results import data
from feedback_app.results.board.view_model import bank_digest, closed_waves, kpi_waves

if TYPE_CHECKING:
    import pandas as pd


def latest_estimates(
    session: Session, area: LocalArea, *, now: dt.datetime, kpis: Sequence[KpiDefinition]
) -> dict[str, WaveEstimate]:
    """Each of ``kpis``' estimate in ``area``'s latest closed wave that asks its question."""
    latest = {
        kpi_id: waves[-1]
        for kpi_id, waves in kpi_waves(session, closed_waves(session, area, now=now), kpis).items()
        if waves
    }
    if not latest:
        return {}
    used = sorted({wave.id: wave for wave in latest.values()}.values(), key=lambda w: w.id)

    labels = data.wave_labels(used)

    def estimates(frame: pd.DataFrame) -> dict[str, WaveEstimate]:
        found: dict[str, WaveEstimate] = {}
        for wave in used:
            members = [k for k in kpis if latest.get(k.id) is wave]
            for kpi, estimate in zip(
                members, kpi_estimates(frame, members, wave=labels[wave.id]), strict=True
            ):
                found[kpi.id] = estimate
        return found

    return data.cached(
        session,
        area,
        "kpi_latest_estimates",
        {"bank": bank_digest(kpis)},
        used,
        lambda: data.question_figures(session, used, sorted({k.question for k in kpis}), estimates),
        encode=lambda found: {k: asdict(v) for k, v in found.items()},
        decode=_decode,
    )


def other_areas_average(
    session: Session, area: LocalArea, *, now: dt.datetime
) -> dict[str, Benchmark]:
    """Per KPI, the other areas' average (``percent`` None when it cannot be shown)."""
    others = session.scalars(select(LocalArea).where(LocalArea.id != area.id)).all()
    if not others:
        return {}
    # The viewing area's KPI definitions, measured in each other area.
    kpis = data.area_kpis(area)
    if not kpis:
        return {}
    per_area = [latest_estimates(session, other, now=now, kpis=kpis) for other in others]
    return {kpi.id: benchmark(kpi.id, [found.get(kpi.id) for found in per_area]) for kpi in kpis}


def _decode(payload: Mapping[str, Any]) -> dict[str, WaveEstimate]:
    return {kpi_id: WaveEstimate(**item) for kpi_id, item in payload.items()}
