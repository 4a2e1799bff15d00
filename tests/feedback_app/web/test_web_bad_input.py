"""Bad input of every kind is a 4xx or an error message: never a 500, never a partial write."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import Answer, Response
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"
ANNUAL = "demo-parent-annual"


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session().scalar(select(func.count()).select_from(model)) or 0)


def _started(browser: PageBrowser, slug: str) -> None:
    browser.get(f"/s/{slug}")
    browser.post(f"/s/{slug}/start")


def _at_the_comments_page(browser: PageBrowser, *, useful: str = "agree") -> None:
    """Started the event survey and answered its first two pages."""
    _started(browser, EVENT)
    browser.post(browser.path, {"event_useful": useful})
    browser.post(browser.path, {"do_differently": "yes"})


@pytest.mark.parametrize(
    "data",
    [
        {"event_useful": "definitely"},
        {"event_useful": "<script>alert(1)</script>"},
        {"event_useful": ["agree", "disagree"]},
        {"event_useful": ""},
        {},
    ],
    ids=["unknown-code", "script", "two-values", "empty", "missing"],
)
def test_tampered_choices_are_refused_with_a_message(
    app: Flask, demo: dict[str, str], browser: PageBrowser, data: dict[str, object]
) -> None:
    _started(browser, EVENT)
    response = browser.post(browser.path, data)
    assert response.status_code == 400
    assert "There is a problem" in response.get_data(as_text=True)
    assert _count(app, Answer) == 0


def test_nul_bytes_never_reach_the_database(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _at_the_comments_page(browser, useful="agree\x00")
    browser.post(browser.path, {"event_comments": "fine\x00 thanks"})
    with app.app_context():
        values = db.session().scalars(select(Answer.value)).all()
    assert values and not any("\x00" in str(v) for v in values)


def test_oversized_text_is_refused_and_nothing_on_the_page_is_saved(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _at_the_comments_page(browser)
    response = browser.post(browser.path, {"event_comments": "x" * 5000})
    assert response.status_code == 400
    assert "characters or fewer" in response.get_data(as_text=True)
    assert _count(app, Answer) == 2


def test_a_request_bigger_than_any_answer_is_a_413(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _started(browser, EVENT)
    response = browser.client.post(
        browser.path, data={"csrf_token": browser.csrf_token(), "event_useful": "a" * 600_000}
    )
    assert response.status_code == 413
    assert _count(app, Answer) == 0


def test_unknown_pages_and_surveys_are_plain_404s(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _started(browser, EVENT)
    for path in [
        f"/s/{EVENT}/q/no_such_page",
        "/s/no-such-survey",
        "/s/no-such-survey/check",
        "/nope",
    ]:
        response = browser.client.get(path)
        assert response.status_code == 404, path
        assert "Page not found" in response.get_data(as_text=True)


@pytest.mark.parametrize("token", [None, "wrong", ""], ids=["missing", "wrong", "empty"])
def test_posts_without_a_valid_csrf_token_are_refused(
    app: Flask, demo: dict[str, str], browser: PageBrowser, token: str | None
) -> None:
    _started(browser, EVENT)
    data = {"event_useful": "agree"}
    if token is not None:
        data["csrf_token"] = token
    response = browser.client.post(browser.path, data=data)
    assert response.status_code == 400
    assert "timed out" in response.get_data(as_text=True)
    assert _count(app, Answer) == 0
    start = browser.client.post(f"/s/{EVENT}/start", data={})
    assert start.status_code == 400
    assert _count(app, Response) == 1


def test_number_and_month_answers_are_checked(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    slug = "demo-ehc-assessment-milestone"
    _started(browser, slug)
    # Walk to the first number or month page by answering what is asked.
    from feedback_app.definitions import questionnaire_for
    from feedback_app.models import Wave
    from surveys import AnswerType

    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        questionnaire = questionnaire_for(wave.version)
    checked = set()
    for _step in range(len(questionnaire.pages)):
        page = questionnaire.page(browser.path.rsplit("/", 1)[-1])
        if page is None:
            break
        question = page.questions[0]
        if question.type is AnswerType.NUMBER:
            for bad in ["lots", "-1", "10000000", "1.5"]:
                response = browser.post(browser.path, {question.id: bad})
                assert response.status_code == 400, bad
            checked.add("number")
            browser.post(browser.path, {question.id: str(question.min_value or 0)})
        elif question.type is AnswerType.MONTH_YEAR:
            for month, year in [("13", "2024"), ("", "2024"), ("3", "24x"), ("3", "3000")]:
                response = browser.post(
                    browser.path, {f"{question.id}-month": month, f"{question.id}-year": year}
                )
                assert response.status_code == 400, (month, year)
            checked.add("month_year")
            browser.post(browser.path, {f"{question.id}-month": "3", f"{question.id}-year": "2025"})
        else:
            first = (
                next(o for o in question.options if not o.exclude_from_base)
                if question.options
                else None
            )
            browser.post(browser.path, {question.id: first.code if first else "ok"})
        if browser.path.endswith("/check"):
            break
    assert checked == {"number", "month_year"}
