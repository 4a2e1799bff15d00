"""Publishing: immutable questionnaire versions and the waves that run them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea, QuestionnaireDraft, QuestionnaireVersion, Wave
from surveys import Questionnaire, dump_questionnaire, parse_questionnaire
from surveys.changes import questionnaire_changes


def area_questionnaire(area: LocalArea, questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire with the area's own option lists (localities) filled in."""
    localities = tuple((str(code), str(label)) for code, label in area.localities)
    return questionnaire.with_area_options(localities=localities)


def publish_version(
    db: Session,
    area: LocalArea,
    questionnaire: Questionnaire,
    *,
    draft: QuestionnaireDraft | None = None,
) -> QuestionnaireVersion:
    """Store an immutable version; the same definition twice returns the existing one.

    The stored text is re-parsed before it is saved, so a version that cannot be
    loaded again can never reach respondents. A new version records its lineage:
    the draft (and revision) it came from, the version before it, and what changed
    since that version (``surveys.changes``). Waves keep the version they run.
    """
    text = dump_questionnaire(area_questionnaire(area, questionnaire))
    stored = parse_questionnaire(text, source=f"{questionnaire.id} (publishing)")
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
    latest_number = db.scalar(
        select(func.max(QuestionnaireVersion.version)).where(
            QuestionnaireVersion.area_id == area.id,
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
        )
    )
    previous = (
        db.scalar(
            select(QuestionnaireVersion).where(
                QuestionnaireVersion.area_id == area.id,
                QuestionnaireVersion.questionnaire_id == questionnaire.id,
                QuestionnaireVersion.version == latest_number,
            )
        )
        if latest_number
        else None
    )
    changes = (
        questionnaire_changes(
            parse_questionnaire(previous.definition, source=f"version {previous.id}"), stored
        )
        if previous is not None
        else []
    )
    version = QuestionnaireVersion(
        area_id=area.id,
        questionnaire_id=questionnaire.id,
        version=(latest_number or 0) + 1,
        title=questionnaire.title,
        definition=text,
        checksum=checksum,
        draft_id=draft.id if draft is not None else None,
        draft_revision=draft.revision if draft is not None else None,
        previous_version_id=previous.id if previous is not None else None,
        changes=[change.as_record() for change in changes],
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
