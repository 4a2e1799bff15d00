"""The API tests' own app: a migrated SQLite database with the demo areas and their
staff, and an API token of the demo area's officer."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import create_app, db
from feedback_app.api import tokens
from feedback_app.migrate import upgrade
from feedback_app.models import LocalArea, StaffUser, utcnow
from tests.support.staff import make_area_with_staff


def demo_app(url: str, *areas: str) -> Flask:
    """An app on the empty database ``url``, migrated, with the demo loaded and staff
    made for each of ``areas``."""
    from feedback_app.demo.loading import load_demo

    upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-" + "x" * 40})
    with app.app_context():
        load_demo(db.session())
    for slug in areas:
        make_area_with_staff(app, slug)
    return app


def demo_officer_token(session: Session, name: str) -> str:
    """The secret of a new day-long API token of the demo area's officer (not committed)."""
    user = session.scalars(select(StaffUser).where(StaffUser.email == "officer@demo.example")).one()
    area = session.scalars(select(LocalArea).where(LocalArea.slug == "demo")).one()
    _token, secret = tokens.issue(
        session, user, name=name, area_ids=[area.id], expires_at=utcnow() + dt.timedelta(days=1)
    )
    return secret
