"""The demo local area that ``make run`` loads: every bundled questionnaire, open."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea, Wave, utcnow
from feedback_app.publishing import publish_version, schedule_wave
from surveys.library import bundled_questionnaires

DEMO_SLUG = "demo"
DEMO_LOCALITIES = [
    ["north", "North"],
    ["south", "South"],
    ["east", "East"],
    ["west", "West"],
    ["central", "Town centre"],
]


def load_demo(db: Session) -> list[Wave]:
    """Create (or top up) the demo area with an open wave per bundled questionnaire.

    Idempotent: running it again changes nothing that exists and loses no answers.
    """
    area = db.scalar(select(LocalArea).where(LocalArea.slug == DEMO_SLUG))
    if area is None:
        area = LocalArea(
            slug=DEMO_SLUG,
            name="Demo Local Area SEND Partnership",
            colour="#1d70b8",
            localities=DEMO_LOCALITIES,
        )
        db.add(area)
        db.flush()
    now = utcnow()
    waves = []
    for questionnaire in bundled_questionnaires().values():
        version = publish_version(db, area, questionnaire)
        slug = f"demo-{questionnaire.id.replace('_', '-')}"
        wave = db.scalar(select(Wave).where(Wave.slug == slug))
        if wave is None:
            wave = schedule_wave(
                db,
                version=version,
                name=f"{questionnaire.title} (demo)",
                opens_at=now - dt.timedelta(days=1),
                closes_at=now + dt.timedelta(days=365),
                slug=slug,
            )
        waves.append(wave)
    closed_slug = "demo-closed-baseline"
    if db.scalar(select(Wave).where(Wave.slug == closed_slug)) is None:
        first = waves[0]
        schedule_wave(
            db,
            version=first.version,
            name="Baseline (closed, demo)",
            opens_at=now - dt.timedelta(days=400),
            closes_at=now - dt.timedelta(days=300),
            slug=closed_slug,
        )
    db.commit()
    return waves
