"""The wave behind a public link, as the respondent's journey sees it (ADR 0043).

Every respondent request looks its wave up: the invitation guard, then the
view. The journey only reads the wave, its area's name, colour, calendar and
place names, and its version's questionnaire, so it gets them as a frozen
snapshot read by one ``db.DriverRead`` statement, not as ORM objects: loading
three mapped objects cost more than the statement itself (issue 17). The
snapshot is read on every request, never kept across requests, so a wave closed
or an area renamed a moment ago shows at once.

Staff pages keep the mapped ``Wave``; the functions the journey shares with them
take either (``JourneyWave``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.models import LocalArea, QuestionnaireVersion, Wave, WaveLink
from feedback_app.models.waves import WaveCalendar
from feedback_app.respond import wave_cache


@dataclass(frozen=True)
class PublicArea:
    """What the journey shows of the wave's area."""

    id: int
    slug: str
    name: str
    colour: str
    timezone: str
    #: Place names the area's questions offer (``LocalArea.localities``).
    localities: list[list[str]]


@dataclass(frozen=True)
class PublicVersion:
    """The questionnaire version the wave runs (a version never changes once published)."""

    id: int
    area_id: int
    checksum: str
    definition: str


@dataclass(frozen=True)
class PublicWave(WaveCalendar):
    """A wave as its public link opens it; the calendar answers as ``Wave``'s does."""

    id: int
    area_id: int
    version_id: int
    slug: str
    name: str
    opens_at: dt.datetime
    closes_at: dt.datetime | None
    invitation_only: bool
    area: PublicArea
    version: PublicVersion


#: A wave the journey's functions take: the snapshot, or a mapped wave from a staff page.
JourneyWave = Wave | PublicWave

_WAVE = (
    Wave.id,
    Wave.area_id,
    Wave.version_id,
    Wave.slug,
    Wave.name,
    Wave.opens_at,
    Wave.closes_at,
    Wave.invitation_only,
)
_AREA = (
    LocalArea.id,
    LocalArea.slug,
    LocalArea.name,
    LocalArea.colour,
    LocalArea.timezone,
    LocalArea.localities,
)
_VERSION = (
    QuestionnaireVersion.id,
    QuestionnaireVersion.area_id,
    QuestionnaireVersion.checksum,
    QuestionnaireVersion.definition,
)

#: The wave, its area, its version and the stamp of the version's uploaded
#: translations (which keeps ``wave_cache`` fresh), in one statement.
_LOOKUP = (
    select(*_WAVE, *_AREA, *_VERSION, *wave_cache.stamp_columns())
    .join(LocalArea, LocalArea.id == Wave.area_id)
    .join(QuestionnaireVersion, QuestionnaireVersion.id == Wave.version_id)
)
#: By the wave's own slug (exactly: older links are case-sensitive).
BY_SLUG = db.DriverRead(_LOOKUP.where(Wave.slug == bindparam("slug")))
#: By a readable link (``WaveLink``, stored in lower case).
BY_LINK = db.DriverRead(
    _LOOKUP.join(WaveLink, WaveLink.wave_id == Wave.id).where(WaveLink.name == bindparam("name"))
)


def find(session: Session, slug: str) -> PublicWave | None:
    """The wave whose public link is ``slug``, or None.

    The wave's own slug matches exactly; a readable link matches in any case,
    so /s/Parent-Survey-2027 opens /s/parent-survey-2027. Remembered for the
    rest of the session (one request), so asking twice costs one statement.
    """
    found: dict[str, PublicWave | None] = session.info.setdefault("waves_by_slug", {})
    if slug in found:
        # The invitation guard and the view both look the wave up in one request.
        return found[slug]
    rows = BY_SLUG.all(session, slug=slug) or BY_LINK.all(session, name=slug.lower())
    wave = _snapshot(session, rows[0]) if rows else None
    found[slug] = wave
    return wave


def _snapshot(session: Session, row: tuple[Any, ...]) -> PublicWave:
    (id_, area_id, version_id, slug, name, opens_at, closes_at, invitation_only,
     a_id, a_slug, a_name, a_colour, a_timezone, a_localities,
     v_id, v_area_id, v_checksum, v_definition,
     uploads, latest, upload_ids) = row  # fmt: skip
    # Read with the wave, so the cached languages and translations are as fresh as it.
    wave_cache.remember_stamp(
        session, id_, wave_cache.UploadStamp(int(uploads or 0), latest, int(upload_ids or 0))
    )
    return PublicWave(
        id_, area_id, version_id, slug, name, opens_at, closes_at, bool(invitation_only),
        area=PublicArea(a_id, a_slug, a_name, a_colour, a_timezone, a_localities or []),
        version=PublicVersion(v_id, v_area_id, v_checksum, v_definition),
    )  # fmt: skip
