"""Questionnaire drafts for staff tests: one call instead of a session block per file."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.designer.drafts import create_draft
from feedback_app.models import LocalArea, StaffUser
from surveys.library import bundled_questionnaires


def make_draft(
    app: Flask,
    *,
    area_slug: str = "north",
    title: str = "Parent survey 2027",
    start_from: str = "parent_annual",
    by: str | None = "coordinator",
) -> int:
    """A draft in area ``area_slug`` started from the bundled questionnaire
    ``start_from``, created by the area's person in role ``by`` (None: by no one,
    as the demo data does); its id."""
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
        assert area is not None
        user = None
        if by is not None:
            email = f"{by}@{area_slug}.example"
            user = session.scalar(select(StaffUser).where(StaffUser.email == email))
        return create_draft(
            session,
            area=area,
            title=title,
            user=user,
            start_from=bundled_questionnaires()[start_from],
        ).id
