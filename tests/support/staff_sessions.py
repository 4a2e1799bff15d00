"""Staff sign-in under attack or over time: throttled attempts, sessions that age."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select
from werkzeug.test import TestResponse

from feedback_app import db
from feedback_app.models import StaffSession
from tests.support.browser import PageBrowser
from tests.support.staff import PASSWORD


def sign_in_after_failures(app: Flask, email: str, *, failures: int = 5) -> TestResponse:
    """The answer to the right password for ``email``, sent from a browser that has
    just given a wrong one ``failures`` times (enough to be throttled)."""
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    for _attempt in range(failures):
        browser.post("/staff/login", {"email": email, "password": "wrong"})
    return browser.post("/staff/login", {"email": email, "password": PASSWORD})


def age_staff_sessions(app: Flask, *, idle_minutes: int = 0, age_hours: int = 0) -> None:
    """Move every staff session back in time (as if the clock had moved on)."""
    with app.app_context():
        session = db.session()
        for row in session.scalars(select(StaffSession)):
            row.last_seen_at -= dt.timedelta(minutes=idle_minutes)
            row.created_at -= dt.timedelta(hours=age_hours, minutes=idle_minutes)
        session.commit()
