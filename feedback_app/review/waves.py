"""Scheduling waves in the area's own time zone, and the published versions list.

Dates are entered as the area's local time (Europe/London: GMT in winter, BST in
summer) and stored in UTC. A wave closes at the end of its close date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.data_protection.retention import add_years, years_for
from feedback_app.definitions import questionnaire_for
from feedback_app.distribution import links
from feedback_app.models import AuditEvent, LocalArea, QuestionnaireVersion, StaffUser, Wave, utcnow
from feedback_app.review.evidence import PUBLISH_ACTION
from feedback_app.review.lineage import ChangeLine, change_lines, question_names
from feedback_app.review.publishing import schedule_wave
from feedback_app.staff import audit
from feedback_app.web.local_days import end_of_day_utc

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
    #: The readable link chosen (normalised and checked), or None for generated words.
    link: str | None = None


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
    link = links.add_link(db, wave=wave, name=plan.link or links.generated_name(db))
    _record_and_commit(
        db,
        "schedule_wave",
        wave=wave,
        user=user,
        version_id=version.id,
        opens_at=plan.opens_at.isoformat(),
        closes_at=plan.closes_at.isoformat() if plan.closes_at else None,
        link=link.name,
    )
    return wave


@dataclass
class VersionRow:
    """One published version, who published it and the waves running it."""

    version: QuestionnaireVersion
    published_by: str
    waves: list[Wave] = field(default_factory=list)
    #: The number of the version this one follows (None: the first, or no record).
    previous_number: int | None = None

    @property
    def changes(self) -> list[ChangeLine]:
        """What changed since the version before, in plain words."""
        return change_lines(
            self.version.changes or [], question_names(questionnaire_for(self.version))
        )

    @property
    def keeps_comparability(self) -> bool:
        """True when results compare with the version before."""
        return all(line.keeps_comparability for line in self.changes)


def versions_overview(db: Session, area: LocalArea) -> dict[str, list[VersionRow]]:
    """The area's versions by questionnaire id (newest version first)."""
    versions = list(
        db.scalars(
            select(QuestionnaireVersion)
            .where(QuestionnaireVersion.area_id == area.id)
            .order_by(QuestionnaireVersion.questionnaire_id, QuestionnaireVersion.version.desc())
        )
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
    numbers = {version.id: version.version for version in versions}
    for version in versions:
        grouped[version.questionnaire_id].append(
            VersionRow(
                version,
                publishers.get(version.id, ""),
                waves[version.id],
                previous_number=numbers.get(version.previous_version_id or 0),
            )
        )
    return dict(grouped)


class WaveChangeRefused(ValueError):
    """A change to a wave that would break a rule; the message says which, plainly,
    and ``field`` names the form field it is about."""

    def __init__(self, message: str, *, field: str = "closes") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class WaveChange:
    """A scheduled wave as the coordinator wants it now: its name and its last day
    on the area's calendar (None: no end date)."""

    name: str
    last_day: dt.date | None
    #: A new readable link (normalised), or None to keep the links it has.
    link: str | None = None


def reopen_deadline(wave: Wave) -> dt.datetime | None:
    """Until when a closed wave may be reopened: the end of its retention period
    (after that its answers are deleted). None for a wave with no close date."""
    if wave.closes_at is None:
        return None
    return add_years(_aware(wave.closes_at), years_for(wave))


def change_wave(
    db: Session, *, wave: Wave, change: WaveChange, user: StaffUser, now: dt.datetime
) -> bool:
    """Rename, extend, bring the close forward or reopen ``wave``; audited. Commits.

    The close moves only when the last day asked for differs from the wave's (so
    renaming a wave closed early keeps it closed). Returns False when nothing
    changed. Raises ``WaveChangeRefused`` when the new last day is before the wave
    opens or already past (closing now is ``close_now``), or when reopening a closed
    wave after its retention period.
    """
    changes: dict[str, list[str | None]] = {}
    was_closed = wave_status(wave, now) == "closed"
    if change.last_day != wave.last_day:
        closes_at = (
            end_of_day_utc(change.last_day, wave.area.timezone)
            if change.last_day is not None
            else None
        )
        if closes_at is not None and closes_at <= _aware(wave.opens_at):
            raise WaveChangeRefused(gettext("The last day must be on or after the day it opens"))
        if closes_at is not None and closes_at <= now:
            raise WaveChangeRefused(
                gettext("The last day must be today or later. To stop answers now, close the wave")
            )
        deadline = reopen_deadline(wave)
        if was_closed and deadline is not None and deadline <= now:
            raise WaveChangeRefused(
                gettext(
                    "This wave cannot be reopened: its retention period has ended, "
                    "so its answers are deleted"
                )
            )
        old_closes = _aware(wave.closes_at) if wave.closes_at else None
        changes["closes_at"] = [_iso(old_closes), _iso(closes_at)]
        wave.closes_at = closes_at
    if change.link and change.link != wave.link_name:
        problem = links.problem_with(db, change.link)
        if problem is not None:
            db.rollback()
            raise WaveChangeRefused(problem, field="link")
        changes["link"] = [wave.link_name, change.link]
        links.add_link(db, wave=wave, name=change.link)
    if change.name != wave.name:
        changes["name"] = [wave.name, change.name]
        wave.name = change.name
    if not changes:
        return False
    _record_and_commit(
        db,
        "change_wave",
        wave=wave,
        user=user,
        reopened=was_closed and "closes_at" in changes,
        **changes,
    )
    return True


def close_now(db: Session, *, wave: Wave, user: StaffUser, now: dt.datetime) -> bool:
    """Close an open wave at ``now``; audited. Commits. False when it was not open."""
    if not wave.is_open(now):
        return False
    old_closes = _aware(wave.closes_at) if wave.closes_at else None
    wave.closes_at = now
    _record_and_commit(
        db, "close_wave", wave=wave, user=user, closes_at=[_iso(old_closes), _iso(now)]
    )
    return True


def _record_and_commit(
    db: Session, action: str, *, wave: Wave, user: StaffUser, **detail: Any
) -> None:
    """Audit ``action`` on ``wave`` by ``user`` in the wave's area, and commit it
    together with the change to the wave."""
    audit.record(db, action, user_id=user.id, area_id=wave.area_id, wave_id=wave.id, **detail)


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
