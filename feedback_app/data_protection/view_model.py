"""What the data protection page shows about each wave's retention."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback_app.data_protection.retention import DEFAULT_RETENTION_YEARS, add_years, years_for
from feedback_app.models import LocalArea, Response, Wave


@dataclass(frozen=True)
class WaveRetentionRow:
    """One row of the retention table."""

    wave: Wave
    years: int
    #: Where the period comes from: the wave, the area or the product default.
    source: str
    #: When the answers will be deleted; None while the wave has no close date.
    deleted_from: dt.datetime | None
    responses: int


def _source(wave: Wave) -> str:
    if wave.retention_years is not None:
        return str(_l("Set for this wave"))
    if wave.area.retention_years is not None:
        return str(_l("The area's default"))
    return str(_l("The product default (%(years)s years)", years=DEFAULT_RETENTION_YEARS))


def retention_rows(session: Session, area: LocalArea) -> list[WaveRetentionRow]:
    """Every wave of ``area`` with its retention period and deletion date."""
    waves = session.scalars(
        select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at.desc(), Wave.id)
    ).all()
    counts = dict(
        session.execute(
            select(Response.wave_id, func.count())
            .where(Response.wave_id.in_([w.id for w in waves]))
            .group_by(Response.wave_id)
        ).all()
    )
    rows = []
    for wave in waves:
        years = years_for(wave)
        closes = wave.closes_at
        deleted_from = add_years(closes, years) if closes is not None else None
        rows.append(
            WaveRetentionRow(
                wave=wave,
                years=years,
                source=_source(wave),
                deleted_from=deleted_from,
                responses=int(counts.get(wave.id, 0)),
            )
        )
    return rows
