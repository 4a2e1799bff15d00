"""The always-on feedback form of an area: one short link, open all year."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Wave
from feedback_app.respond.journey import public_waves

ALWAYS_ON_KIND = "always_on"


def always_on_wave(db: Session, area_slug: str) -> Wave | None:
    """The area's open always-on wave (the newest if several), or None."""
    area = db.scalar(select(LocalArea).where(LocalArea.slug == area_slug[:60]))
    if area is None:
        return None
    for wave in public_waves(db, area):
        if questionnaire_for(wave.version).kind == ALWAYS_ON_KIND:
            return wave
    return None
