"""Officers' review of flagged responses: list them with their answers, keep or exclude.

An excluded response stays in the database (nothing is dropped silently) but is
left out of results: the results data layer counts ``review != "excluded"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Response, Wave
from feedback_app.quality.signals import FLAGGED_AT, reasons
from feedback_app.respond import journey
from feedback_app.respond.progress import SummaryRow, summary_rows
from feedback_app.staff import audit

KEPT, EXCLUDED = "kept", "excluded"
DECISIONS = (KEPT, EXCLUDED)
#: Shown on one page at most; the oldest undecided come first, so none is hidden for long.
PAGE_SIZE = 100


@dataclass(frozen=True)
class FlaggedResponse:
    """A flagged response as the review page shows it."""

    id: int
    status: str
    started_at: dt.datetime
    submitted_at: dt.datetime | None
    flagged_at: dt.datetime | None
    reasons: list[tuple[str, int]]
    review: str
    rows: list[SummaryRow]


@dataclass(frozen=True)
class WaveFlags:
    """How many of a wave's responses are flagged, and how many await a decision."""

    wave: Wave
    flagged: int
    undecided: int
    excluded: int


def is_flagged(flags: Mapping[str, Any] | None) -> bool:
    """True when ``flags`` hold at least one reason."""
    return bool(reasons(flags))


def _flagged_at(flags: Mapping[str, Any]) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(flags.get(FLAGGED_AT)))
    except ValueError:
        return None


def _flagged(db: Session, wave_ids: list[int]) -> list[Response]:
    # Flagged responses are few; an unset JSON column is NULL, so this reads only them.
    rows = db.scalars(
        select(Response)
        .where(Response.wave_id.in_(wave_ids), Response.flags.is_not(None))
        .order_by(Response.id)
    )
    return [r for r in rows if is_flagged(r.flags)]


def flagged_responses(db: Session, wave: Wave) -> tuple[list[FlaggedResponse], int]:
    """The wave's flagged responses, undecided first, with their answers; and the total."""
    questionnaire = questionnaire_for(wave.version)
    found = _flagged(db, [wave.id])
    found.sort(key=lambda r: (r.review != "", r.id))
    shown = []
    for response in found[:PAGE_SIZE]:
        answers = journey.saved_answers(db, response)
        shown.append(
            FlaggedResponse(
                id=response.id,
                status=response.status,
                started_at=response.started_at,
                submitted_at=response.submitted_at,
                flagged_at=_flagged_at(response.flags or {}),
                reasons=reasons(response.flags),
                review=response.review,
                rows=[row for row in summary_rows(questionnaire, answers)],
            )
        )
    return shown, len(found)


def waves_with_flags(db: Session, area: LocalArea) -> list[WaveFlags]:
    """Every wave of ``area``, newest first, with its counts of flagged responses."""
    waves = db.scalars(
        select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at.desc(), Wave.id)
    ).all()
    flagged = _flagged(db, [w.id for w in waves])
    result = []
    for wave in waves:
        mine = [r for r in flagged if r.wave_id == wave.id]
        result.append(
            WaveFlags(
                wave=wave,
                flagged=len(mine),
                undecided=sum(r.review == "" for r in mine),
                excluded=sum(r.review == EXCLUDED for r in mine),
            )
        )
    return result


def decide(
    db: Session, *, area: LocalArea, wave: Wave, response_id: int, decision: str, user_id: int
) -> bool:
    """Record an officer's decision on a flagged response of ``wave`` (and audit it).

    False when there is no such flagged response. The audit event names the
    response and the reasons, never an answer.
    """
    if decision not in DECISIONS:
        raise ValueError(f"unknown decision {decision!r}")
    response = db.get(Response, response_id)
    if response is None or response.wave_id != wave.id or not is_flagged(response.flags):
        return False
    db.execute(
        update(Response)
        .where(Response.id == response.id)
        .values(review=decision)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        db,
        f"response_{decision}",
        user_id=user_id,
        area_id=area.id,
        wave_id=wave.id,
        response_id=response.id,
        previous=response.review,
        reasons=sorted(k for k in (response.flags or {}) if k != FLAGGED_AT),
    )  # commits the decision and its audit event together
    return True
