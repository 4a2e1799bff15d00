"""Publishing: immutable questionnaire versions and the waves that run them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea, QuestionnaireVersion, Wave
from surveys import Questionnaire, dump_questionnaire, parse_questionnaire


def area_questionnaire(area: LocalArea, questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire with the area's own option lists (localities) filled in."""
    localities = tuple((str(code), str(label)) for code, label in area.localities)
    return questionnaire.with_area_options(localities=localities)


def publish_version(
    db: Session, area: LocalArea, questionnaire: Questionnaire
) -> QuestionnaireVersion:
    """Store an immutable version; the same definition twice returns the existing one.

    The stored text is re-parsed before it is saved, so a version that cannot be
    loaded again can never reach respondents.
    """
    text = dump_questionnaire(area_questionnaire(area, questionnaire))
    parse_questionnaire(text, source=f"{questionnaire.id} (publishing)")
    checksum = hashlib.sha256(text.encode()).hexdigest()
    existing = db.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.area_id == area.id,
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.checksum == checksum,
        )
    )
    if existing is not None:
        return existing
    latest = db.scalar(
        select(func.max(QuestionnaireVersion.version)).where(
            QuestionnaireVersion.area_id == area.id,
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
        )
    )
    version = QuestionnaireVersion(
        area_id=area.id,
        questionnaire_id=questionnaire.id,
        version=(latest or 0) + 1,
        title=questionnaire.title,
        definition=text,
        checksum=checksum,
    )
    db.add(version)
    db.flush()
    return version


def new_wave_slug() -> str:
    """A public link id: short enough to type from a poster, too many to guess."""
    return secrets.token_urlsafe(9)


def schedule_wave(
    db: Session,
    *,
    version: QuestionnaireVersion,
    name: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None,
    slug: str | None = None,
) -> Wave:
    """Create a wave of ``version`` between the given moments (UTC)."""
    if closes_at is not None and closes_at <= opens_at:
        raise ValueError("a wave must close after it opens")
    wave = Wave(
        area_id=version.area_id,
        version_id=version.id,
        slug=slug or new_wave_slug(),
        name=name,
        opens_at=opens_at,
        closes_at=closes_at,
    )
    db.add(wave)
    db.flush()
    return wave
