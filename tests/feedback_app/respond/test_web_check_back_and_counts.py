"""Check answers has a back link to the last page; the surveys list counts responses."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Wave
from tests.support.answers import answer_demo_event
from tests.support.staff import make_area_with_staff, signed_in

EVENT = "demo-event-feedback"


def _send_event(app: Flask) -> None:
    family = answer_demo_event(app)
    assert family.path == f"/s/{EVENT}/check"
    page = family.get(family.path).get_data(as_text=True)
    back = re.search(r'<a href="([^"]+)" class="govuk-back-link">', page)
    assert back is not None and back.group(1) == f"/s/{EVENT}/q/event_comments"
    family.post(f"/s/{EVENT}/check")
    assert family.path == f"/s/{EVENT}/done"


def test_check_answers_back_link_and_response_counts(app: Flask, demo: dict[str, str]) -> None:
    _send_event(app)
    _send_event(app)
    make_area_with_staff(app, "demo")
    officer = signed_in(app.test_client(), "officer@demo.example")
    html = officer.get("/staff/demo/").get_data(as_text=True)
    assert "Responses sent" in html
    with app.app_context():
        ids = dict(db.session().execute(select(Wave.slug, Wave.id)).all())
    assert f'id="responses-{ids[EVENT]}">2<' in html
    assert f'id="responses-{ids["demo-parent-annual"]}">0<' in html
