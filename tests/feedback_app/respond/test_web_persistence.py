"""Nothing typed is lost: save per page, resume elsewhere, submit once, closed waves.

Each test runs on SQLite and (with TEST_DATABASE_URL) PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import Answer, Response, Wave
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"


def _answers(app: Flask) -> dict[str, object]:
    with app.app_context():
        rows = db.session().execute(select(Answer.question_id, Answer.value)).all()
        return dict(rows)


def _statuses(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(Response.status).order_by(Response.id)))


def _start(browser: PageBrowser, slug: str = EVENT) -> None:
    browser.get(f"/s/{slug}")
    browser.post(f"/s/{slug}/start")


def test_each_page_is_saved_before_the_next_page_is_shown(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    assert browser.path == f"/s/{EVENT}/q/event_useful"
    browser.post(browser.path, {"event_useful": "agree"})
    # The redirect has happened: the answer must already be in the database.
    assert browser.path == f"/s/{EVENT}/q/do_differently"
    assert _answers(app) == {"event_useful": "agree"}
    browser.post(browser.path, {"do_differently": "yes"})
    assert _answers(app) == {"event_useful": "agree", "do_differently": "yes"}


def test_a_new_client_with_the_resume_code_carries_on_where_the_first_stopped(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    browser.post(browser.path, {"event_useful": "strongly_agree"})
    browser.get(f"/s/{EVENT}/save")
    page = browser.post(f"/s/{EVENT}/save").get_data(as_text=True)
    code = re.search(r'id="resume-code">([A-Z0-9 ]+)<', page)
    assert code, "no resume code shown"

    other = PageBrowser(app.test_client())
    other.get(f"/s/{EVENT}/resume")
    # People type codes in lower case, with or without the space.
    other.post(f"/s/{EVENT}/resume", {"code": code.group(1).lower().replace(" ", "")})
    assert other.path == f"/s/{EVENT}/q/do_differently"
    back = other.get(f"/s/{EVENT}/q/event_useful").get_data(as_text=True)
    assert 'value="strongly_agree" checked' in back
    assert len(_statuses(app)) == 1


def test_a_wrong_resume_code_is_a_clear_error(app: Flask, demo: dict[str, str]) -> None:
    browser = PageBrowser(app.test_client())
    browser.get(f"/s/{EVENT}/resume")
    response = browser.post(f"/s/{EVENT}/resume", {"code": "ZZZZ ZZZZ"})
    assert response.status_code == 400
    assert "We could not find answers with that code" in response.get_data(as_text=True)
    empty = browser.post(f"/s/{EVENT}/resume", {"code": "  "})
    assert "Enter your resume code" in empty.get_data(as_text=True)


def _complete_event(browser: PageBrowser) -> None:
    _start(browser)
    browser.post(browser.path, {"event_useful": "agree"})
    browser.post(browser.path, {"do_differently": "no"})
    browser.post(browser.path, {"event_comments": "More time for questions"})
    assert browser.path == f"/s/{EVENT}/check"


def test_submitting_twice_makes_one_response(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _complete_event(browser)
    token = browser.csrf_token()
    first = browser.client.post(f"/s/{EVENT}/check", data={"csrf_token": token})
    second = browser.client.post(f"/s/{EVENT}/check", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert first.location == second.location == f"/s/{EVENT}/done"
    assert _statuses(app) == ["submitted"]
    # The back button after sending shows the confirmation again, not the form.
    again = browser.get(f"/s/{EVENT}/q/event_useful")
    assert again.request.path == f"/s/{EVENT}/done"


def test_answers_routed_past_are_not_kept(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    slug = demo["parent_annual"]
    browser.get(f"/s/{slug}")
    browser.post(f"/s/{slug}/start")
    with app.app_context():
        response = db.session().scalars(select(Response)).one()
        db.session().add(
            Answer(response_id=response.id, question_id="listened_to_ehcp", value="agree")
        )
        db.session().add(
            Answer(response_id=response.id, question_id="plan_type", value="sen_support")
        )
        db.session().commit()
        from feedback_app.definitions import questionnaire_for
        from feedback_app.respond.journey import submit

        wave = db.session().get(Wave, response.wave_id)
        assert wave is not None
        submit(db.session(), response, questionnaire_for(wave.version))
    assert "listened_to_ehcp" not in _answers(app)


def test_a_closed_wave_says_so_and_takes_no_answers(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == EVENT))
        assert wave is not None
        wave.closes_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session().commit()
    token = browser.csrf_token()
    response = browser.client.post(
        f"/s/{EVENT}/q/event_useful", data={"csrf_token": token, "event_useful": "agree"}
    )
    assert response.status_code == 410
    assert "This survey has closed" in response.get_data(as_text=True)
    assert _answers(app) == {}
    closed = browser.client.get("/s/demo-closed-baseline")
    assert closed.status_code == 410


def test_language_is_recorded_with_the_response(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    with app.app_context():
        assert db.session().scalar(select(Response.language)) == "en"
        assert db.session().scalar(select(func.count(Response.id))) == 1


def test_a_scheduled_wave_says_when_it_opens(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == EVENT))
        assert wave is not None
        wave.opens_at = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)
        db.session().commit()
    page = browser.get(f"/s/{EVENT}")
    assert page.status_code == 200
    assert "This survey is not open yet" in page.get_data(as_text=True)
    browser.get("/s/demo-parent-annual")  # any page with a form, for a CSRF token
    refused = browser.client.post(f"/s/{EVENT}/start", data={"csrf_token": browser.csrf_token()})
    assert refused.status_code == 200 and "not open yet" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session().scalar(select(func.count(Response.id))) == 0


def test_changing_language_mid_survey_keeps_every_answer(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    browser.post(browser.path, {"event_useful": "agree"})
    page = browser.get(f"/s/{EVENT}/q/event_useful?lang=cy")
    html = page.get_data(as_text=True)
    assert 'lang="cy"' in html
    assert 'value="agree" checked' in html
    browser.post(f"/s/{EVENT}/q/event_useful", {"event_useful": "agree"})
    browser.post(browser.path, {"do_differently": "yes"})
    assert _answers(app) == {"event_useful": "agree", "do_differently": "yes"}
    with app.app_context():
        assert db.session().scalar(select(Response.language)) == "cy"
