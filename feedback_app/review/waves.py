"""Scheduling waves in the area's own time zone, and the published versions list.

Dates are entered as the area's local time (Europe/London: GMT in winter, BST in
summer) and stored in UTC. A wave closes at the end of its close date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import audit
from feedback_app.models import LocalArea, QuestionnaireVersion, Wave, utcnow
from feedback_app.publishing import schedule_wave
from feedback_app.review.evidence import PUBLISH_ACTION
from feedback_app.staff_models import AuditEvent, StaffUser

#: Years answers may be kept after a wave closes (the choices offered).
RETENTION_CHOICES = (1, 2, 3, 5)

WaveStatus = Literal["open", "scheduled", "closed"]


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def wave_status(wave: Wave, now: dt.datetime | None = None) -> WaveStatus:
    """Open, scheduled (opens in the future) or closed."""
    now = now or utcnow()
    if wave.is_open(now):
        return "open"
    return "scheduled" if _aware(wave.opens_at) > now else "closed"


@dataclass(frozen=True)
class WavePlan:
    """A wave as the coordinator asked for it, already checked."""

    name: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    invitation_only: bool
    retention_years: int


def schedule(
    db: Session,
    *,
    area: LocalArea,
    version: QuestionnaireVersion,
    plan: WavePlan,
    user: StaffUser,
) -> Wave:
    """Create the wave and audit it, in one transaction. Commits."""
    if version.area_id != area.id:
        raise ValueError("the version belongs to another area")
    if plan.retention_years not in RETENTION_CHOICES:
        raise ValueError("retention must be one of the offered choices")
    wave = schedule_wave(
        db, version=version, name=plan.name, opens_at=plan.opens_at, closes_at=plan.closes_at
    )
    wave.invitation_only = plan.invitation_only
    wave.retention_years = plan.retention_years
    audit.record(
        db,
        "schedule_wave",
        user_id=user.id,
        area_id=area.id,
        commit=False,
        wave_id=wave.id,
        version_id=version.id,
        opens_at=plan.opens_at.isoformat(),
        closes_at=plan.closes_at.isoformat() if plan.closes_at else None,
    )
    db.commit()
    return wave


@dataclass
class VersionRow:
    """One published version, who published it and the waves running it."""

    version: QuestionnaireVersion
    published_by: str
    waves: list[Wave] = field(default_factory=list)


def find_version(db: Session, area: LocalArea, version_id: int) -> QuestionnaireVersion | None:
    """The area's version with this id, or None."""
    return db.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.id == version_id, QuestionnaireVersion.area_id == area.id
        )
    )


def versions_overview(db: Session, area: LocalArea) -> dict[str, list[VersionRow]]:
    """The area's versions by questionnaire id (newest version first)."""
    versions = db.scalars(
        select(QuestionnaireVersion)
        .where(QuestionnaireVersion.area_id == area.id)
        .order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version.desc())
    )
    waves: dict[int, list[Wave]] = defaultdict(list)
    for wave in db.scalars(select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at)):
        waves[wave.version_id].append(wave)
    publishers: dict[int, str] = {}
    events = db.execute(
        select(AuditEvent, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == AuditEvent.user_id)
        .where(AuditEvent.area_id == area.id, AuditEvent.action == PUBLISH_ACTION)
        .order_by(AuditEvent.id)
    )
    for event, email in events:
        version_id = (event.detail or {}).get("version_id")
        # The first publishing of a version is the one that made it.
        if isinstance(version_id, int) and version_id not in publishers:
            publishers[version_id] = email or ""
    grouped: dict[str, list[VersionRow]] = defaultdict(list)
    for version in versions:
        grouped[version.questionnaire_id].append(
            VersionRow(version, publishers.get(version.id, ""), waves[version.id])
        )
    return dict(grouped)
