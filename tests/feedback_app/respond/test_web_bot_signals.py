"""Bot signals: a honeypot and a page timer flag a response; nothing is refused.

The respondent sees exactly what they would have seen (same status, same next
page), the answer is saved, and the reason is counted in ``Response.flags``.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Answer, Response
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"
TIMER = re.compile(r'name="page_shown" value="([^"]+)"')


def _start(browser: PageBrowser) -> None:
    browser.get(f"/s/{EVENT}")
    browser.post(f"/s/{EVENT}/start")


def _stored(app: Flask) -> tuple[dict[str, object] | None, dict[str, object]]:
    with app.app_context():
        response = db.session().scalars(select(Response)).one()
        answers = dict(db.session().execute(select(Answer.question_id, Answer.value)).all())
        return response.flags, answers


def _timer(browser: PageBrowser) -> str:
    assert browser.last is not None
    match = TIMER.search(browser.last.get_data(as_text=True))
    assert match, "no page timer in the form"
    return match.group(1)


def test_the_honeypot_is_out_of_reach_and_flags_without_refusing(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    html = browser.last.get_data(as_text=True)  # type: ignore[union-attr]
    box = re.search(
        r'<div class="govuk-form-group" hidden aria-hidden="true">(.*?)</div>', html, re.S
    )
    assert box, "the honeypot must sit in a hidden, aria-hidden group"
    assert 'name="contact_website"' in box.group(1) and 'tabindex="-1"' in box.group(1)

    person = PageBrowser(app.test_client())
    person.get(f"/s/{EVENT}")
    person.post(f"/s/{EVENT}/start")
    as_person = person.post(person.path, {"event_useful": "agree"})

    bot = browser.post(
        browser.path, {"event_useful": "agree", "contact_website": "http://spam.example"}
    )
    assert (bot.status_code, bot.request.path) == (as_person.status_code, as_person.request.path)
    with app.app_context():
        rows = db.session().scalars(select(Response).order_by(Response.id)).all()
        flags = [r.flags for r in rows]
        answers = db.session().scalars(select(Answer.value)).all()
    bot_flags, person_flags = flags  # the bot started first
    assert person_flags is None, "the person is not flagged"
    assert bot_flags is not None and bot_flags["honeypot"] == 1 and "first_flagged_at" in bot_flags
    assert answers == ["agree", "agree"], "the flagged answer is saved like any other"


@pytest.mark.parametrize(
    ("minimum", "timer", "expected"),
    [
        (60.0, "genuine", {"fast_pages": 2}),
        (0.0, "genuine", None),
        (0.0, "tampered", {"bad_timer": 2}),
        (0.0, "other page", {"bad_timer": 1}),
        (60.0, "missing", None),
    ],
)
def test_the_page_timer(
    app: Flask,
    demo: dict[str, str],
    browser: PageBrowser,
    minimum: float,
    timer: str,
    expected: dict[str, int] | None,
) -> None:
    app.config["RESPOND_MIN_SECONDS_PER_PAGE"] = minimum
    _start(browser)
    first_timer = _timer(browser)
    for question, value in (("event_useful", "agree"), ("do_differently", "no")):
        data = {question: value}
        if timer == "genuine":
            data["page_shown"] = _timer(browser)
        elif timer == "tampered":
            data["page_shown"] = _timer(browser)[:-3] + "AAA"
        elif timer == "other page" and question == "do_differently":
            data["page_shown"] = first_timer
        page = browser.post(browser.path, data)
        assert page.status_code == 200
    assert browser.path == f"/s/{EVENT}/q/event_comments"
    flags, answers = _stored(app)
    assert answers == {"event_useful": "agree", "do_differently": "no"}
    if expected is None:
        assert flags is None
    else:
        assert flags is not None
        assert {k: v for k, v in flags.items() if k != "first_flagged_at"} == expected


def test_a_page_shown_again_keeps_its_first_timer(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    first = _timer(browser)
    again = browser.post(browser.path, {"page_shown": first})  # nothing chosen: an error
    assert again.status_code == 400
    assert _timer(browser) == first
