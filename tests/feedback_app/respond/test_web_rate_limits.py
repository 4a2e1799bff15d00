"""Rate limits: answer saves per response, and staff sign-in.

A refused request gets a friendly page with 429 and Retry-After, and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select, update

from feedback_app import db
from feedback_app.models import Answer, Response
from feedback_app.staff.accounts import create_user
from feedback_app.staff.areas import create_area
from feedback_app.staff.roles import Role
from tests.support.browser import PageBrowser
from tests.support.staff import PASSWORD
from tests.support.staff_sessions import sign_in_after_failures

EVENT = "demo-event-feedback"


def _state(app: Flask) -> tuple[dict[str, object], int, dt.datetime | None, dt.datetime]:
    with app.app_context():
        response = db.session().scalars(select(Response)).one()
        answers = dict(db.session().execute(select(Answer.question_id, Answer.value)).all())
        return answers, response.rate_count, response.rate_window_start, response.updated_at


def test_saves_over_the_limit_are_refused_kindly_and_write_nothing(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    app.config["RESPOND_SAVE_LIMIT"] = 3
    browser.get(f"/s/{EVENT}")
    browser.post(f"/s/{EVENT}/start")
    page = f"/s/{EVENT}/q/event_useful"
    for _save in range(3):  # going back and changing an answer counts as a save too
        browser.get(page)
        assert browser.post(page, {"event_useful": "agree"}).request.path.endswith(
            "/do_differently"
        )
    before = _state(app)
    assert before[0] == {"event_useful": "agree"} and before[1] == 3

    browser.get(page)
    refused = browser.client.post(
        page,
        data={"csrf_token": browser.csrf_token(), "event_useful": "disagree"},
        headers={"Accept-Language": "cy"},
    )
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    html = refused.get_data(as_text=True)
    assert "<h1" in html and page in html, "a friendly page that leads back to the question"
    # Nothing written: not the answer, not the count, not the time of the last change.
    assert _state(app) == before

    # A new window: the next save goes through and the count starts again.
    with app.app_context():
        db.session().execute(
            update(Response).values(rate_window_start=before[2] - dt.timedelta(seconds=61))
        )
        db.session().commit()
    browser.get(page)
    assert browser.post(page, {"event_useful": "disagree"}).status_code == 200
    answers, count, _start, _updated = _state(app)
    assert answers == {"event_useful": "disagree"} and count == 1


def test_the_default_limit_lets_a_person_go_back_and_forth(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    browser.get(f"/s/{EVENT}")
    browser.post(f"/s/{EVENT}/start")
    for _save in range(30):
        page = browser.post(f"/s/{EVENT}/q/event_useful", {"event_useful": "agree"})
        assert page.status_code == 200
    assert _state(app)[1] == 30


def test_staff_sign_in_throttle_is_a_friendly_429_with_retry_after(app: Flask) -> None:
    with app.app_context():  # one person, not one per role: hashing is slow on purpose
        area = create_area(db.session(), slug="north", name="North SEND Partnership")
        create_user(
            db.session(), area=area, email="officer@north.example", role=Role.OFFICER,
            password=PASSWORD,
        )  # fmt: skip
        db.session().commit()
    blocked = sign_in_after_failures(app, "officer@north.example")
    assert blocked.status_code == 429
    # A wait, not a lock: the first is a minute (it doubles with each further failure).
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    html = blocked.get_data(as_text=True)
    assert "too many attempts to sign in" in html and "wait 1 minute " in html
    assert "Traceback" not in html
