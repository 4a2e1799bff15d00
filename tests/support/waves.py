"""Published questionnaires and their waves for tests: one call instead of a session
block in each file."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.models import LocalArea, Wave
from feedback_app.review.publishing import publish_version, schedule_wave
from surveys import Questionnaire
from surveys.library import bundled_questionnaires


class MadeWave(NamedTuple):
    id: int
    slug: str
    version_id: int


def add_wave(
    session: Session,
    *,
    questionnaire: str | Questionnaire,
    name: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None,
    area_slug: str = "north",
    slug: str | None = None,
) -> Wave:
    """Publish ``questionnaire`` (a bundled one's id, or the questionnaire itself) in
    area ``area_slug`` and schedule a wave of it; not committed."""
    area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    assert area is not None
    if isinstance(questionnaire, str):
        questionnaire = bundled_questionnaires()[questionnaire]
    version = publish_version(session, area, questionnaire)
    return schedule_wave(
        session, version=version, name=name, opens_at=opens_at, closes_at=closes_at, slug=slug
    )


def make_wave(
    app: Flask,
    *,
    questionnaire: str | Questionnaire,
    name: str,
    opens_at: dt.datetime,
    closes_at: dt.datetime | None,
    area_slug: str = "north",
    slug: str | None = None,
) -> MadeWave:
    """``add_wave``, committed; the wave's id, slug and version id."""
    with app.app_context():
        session = db.session()
        wave = add_wave(
            session,
            questionnaire=questionnaire,
            name=name,
            opens_at=opens_at,
            closes_at=closes_at,
            area_slug=area_slug,
            slug=slug,
        )
        session.commit()
        return MadeWave(wave.id, wave.slug, wave.version_id)
