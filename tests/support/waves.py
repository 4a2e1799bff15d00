"""Published questionnaires and their waves for tests: one call instead of a session
block in each file."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.models import Answer, LocalArea, Response, Wave
from feedback_app.review.publishing import publish_version, schedule_wave
from surveys import Questionnaire, load_questionnaire
from surveys.library import bundled_questionnaires


class MadeWave(NamedTuple):
    id: int
    slug: str
    version_id: int


def _published(session: Session, questionnaire: str | Questionnaire, area_slug: str) -> Any:
    area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    assert area is not None
    if isinstance(questionnaire, str):
        questionnaire = bundled_questionnaires()[questionnaire]
    return publish_version(session, area, questionnaire)


def make_version(
    app: Flask, questionnaire: str | Questionnaire, *, area_slug: str = "north"
) -> int:
    """Publish ``questionnaire`` (a bundled one's id, or the questionnaire itself)
    in area ``area_slug``, committed; the version's id."""
    with app.app_context():
        session = db.session()
        version = _published(session, questionnaire, area_slug)
        session.commit()
        return int(version.id)


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
    version = _published(session, questionnaire, area_slug)
    return schedule_wave(
        session, version=version, name=name, opens_at=opens_at, closes_at=closes_at, slug=slug
    )


def make_wave(app: Flask, **wave: Any) -> MadeWave:
    """``add_wave`` (same keywords), committed; the wave's id, slug and version id."""
    with app.app_context():
        session = db.session()
        made = add_wave(session, **wave)
        session.commit()
        return MadeWave(made.id, made.slug, made.version_id)


#: The smallest valid questionnaire of the fixtures (one page, one question).
MINIMAL_QUESTIONNAIRE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "questionnaires" / "valid" / "minimal.yaml"
)


def make_open_minimal_wave(app: Flask, *, slug: str, area_slug: str = "north") -> MadeWave:
    """A wave of the minimal fixture questionnaire, open since yesterday for 30 days."""
    now = dt.datetime.now(dt.UTC)
    return make_wave(
        app,
        questionnaire=load_questionnaire(MINIMAL_QUESTIONNAIRE),
        name="Minimal",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        slug=slug,
        area_slug=area_slug,
    )


def wave_form_data(**fields: str) -> dict[str, str]:
    """What a coordinator posts to schedule a wave: 1 to 31 July 2030, opening at
    09:00, answers kept 3 years; ``fields`` change or add to it."""
    return {
        "opens-day": "1",
        "opens-month": "7",
        "opens-year": "2030",
        "opens_time": "09:00",
        "closes-day": "31",
        "closes-month": "7",
        "closes-year": "2030",
        "retention_years": "3",
        **fields,
    }


def add_submitted_response(
    session: Session,
    wave: Wave,
    answers: Mapping[str, Any] | None = None,
    *,
    when: dt.datetime,
    channel: str = "online",
    language: str = "en",
) -> Response:
    """A response to ``wave`` started, last changed and submitted at ``when``, with
    ``answers`` (question id -> value), flushed so it has its id."""
    response = Response(
        wave_id=wave.id,
        version_id=wave.version_id,
        token_hash=secrets.token_hex(32),
        status="submitted",
        channel=channel,
        language=language,
        started_at=when,
        updated_at=when,
        submitted_at=when,
    )
    session.add(response)
    session.flush()
    session.add_all(
        Answer(response_id=response.id, question_id=q, value=v) for q, v in (answers or {}).items()
    )
    return response


def add_later_wave(session: Session, first: Wave, *, slug: str, name: str, days: int) -> Wave:
    """Another wave of ``first``'s area and version (as an event series has), opening
    ``days`` after it and never closing; flushed, not committed."""
    later = Wave(
        area_id=first.area_id,
        version_id=first.version_id,
        slug=slug,
        name=name,
        opens_at=first.opens_at + dt.timedelta(days=days),
        closes_at=None,
    )
    session.add(later)
    session.flush()
    return later
