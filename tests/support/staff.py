"""Staff fixtures' helpers: areas, people in every role, signing in."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from feedback_app import db
from feedback_app.models import LocalArea
from feedback_app.plan.service import start_plan_from_bank
from feedback_app.staff.accounts import create_user
from feedback_app.staff.areas import create_area
from feedback_app.staff.roles import Role
from tests.support.browser import PageBrowser

PASSWORD = "correct horse battery staple"


def make_area_with_staff(app: Flask, slug: str, *, plan: bool = True) -> dict[str, str]:
    """Create area ``slug`` with one person per role; returns role -> e-mail.

    A new area gets the plan an existing area gets on upgrading (migration 0010:
    the KPI bank, recorded baselines agreed), unless ``plan`` is False (then it has
    none, as a new area does).
    """
    emails = {}
    with app.app_context():
        session = db.session()
        area = session.query(LocalArea).filter_by(slug=slug).one_or_none()
        if area is None:
            area = create_area(session, slug=slug, name=f"{slug.title()} SEND Partnership")
            if plan:
                start_plan_from_bank(session, area)
        for role in Role:
            email = f"{role.value}@{slug}.example"
            create_user(session, area=area, email=email, role=role, password=PASSWORD)
            emails[role.value] = email
        session.commit()
    return emails


def signed_in(client: FlaskClient, email: str, password: str = PASSWORD) -> PageBrowser:
    """A page browser signed in as ``email``."""
    browser = PageBrowser(client)
    browser.get("/staff/login")
    response = browser.post("/staff/login", {"email": email, "password": password})
    assert "/staff/login" not in response.request.path, "sign-in failed"
    return browser
