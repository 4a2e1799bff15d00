"""A parent completes the annual survey on a phone, with and without JavaScript.

Real Chromium at 390×844 (a common phone). What to answer comes from the
generated answer sets (``covering_answer_sets``) on the published definition,
and each option is found by its visible label, so the test follows the
questionnaire rather than a hand-written script. Along the way: "Check your
answers", one "Change" link and back, send, the confirmation, and finally the
database holds exactly what was answered, submitted.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from feedback_app import db
from surveys import AnswerType, AnswerValue, Questionnaire
from surveys.model import Question
from surveys.paths import covering_answer_sets
from surveys.routing import path
from tests.browser.harness import LiveServer, NewPage
from tests.browser.respondent import (
    answer_question,
    click_and_wait,
    option_input,
    start,
    walk_to_check_answers,
)
from tests.browser.viewports import PHONE
from tests.support.stored_responses import (
    expected_answers,
    last_response_id,
    responses_since,
    stored_answers,
)

pytestmark = pytest.mark.browser

QUESTIONNAIRE_ID = "parent_annual"


def _answer_sets(questionnaire: Questionnaire) -> list[dict[str, AnswerValue]]:
    """Two generated answer sets: the longest route first, then the next longest."""
    answer_sets = covering_answer_sets(questionnaire)
    assert len(answer_sets) >= 2, "expected at least two routes through parent_annual"
    return sorted(answer_sets, key=lambda a: -len(path(questionnaire, a)))[:2]


def _a_change(
    questionnaire: Questionnaire, answers: dict[str, AnswerValue]
) -> tuple[Question, str]:
    """A one-choice question on the route and another option that keeps the route."""
    route = path(questionnaire, answers)
    for page_id in route:
        survey_page = questionnaire.page(page_id)
        assert survey_page is not None
        for question in survey_page.questions:
            if not question.is_closed or question.type is AnswerType.MULTIPLE:
                continue
            for option in question.options:
                if option.code == answers.get(question.id):
                    continue
                changed = {**answers, question.id: option.code}
                if path(questionnaire, changed) == route:
                    return question, option.code
    raise AssertionError("no one-choice question can change without changing the route")


def _row_value(page: Page, question: Question) -> str:
    row = page.locator(".govuk-summary-list__row").filter(
        has=page.locator(".govuk-summary-list__key", has_text=question.text)
    )
    expect(row).to_have_count(1)
    return " ".join(row.locator(".govuk-summary-list__value").inner_text().split())


def _latest_submitted(live_server: LiveServer, slug: str, after_id: int) -> dict[str, object]:
    with live_server.app.app_context():
        session = db.session()
        responses = responses_since(session, slug, after_id)
        assert len(responses) == 1, f"expected one new response, found {len(responses)}"
        response = responses[0]
        assert response.status == "submitted"
        assert response.submitted_at is not None
        return stored_answers(session, response)


@pytest.mark.parametrize("js", [True, False], ids=["javascript", "no-javascript"])
def test_parent_completes_the_annual_survey_on_a_phone(
    new_page: NewPage, live_server: LiveServer, js: bool
) -> None:
    slug = live_server.slugs[QUESTIONNAIRE_ID]
    questionnaire = live_server.questionnaire(slug)
    answers = dict(_answer_sets(questionnaire)[0 if js else 1])
    before = last_response_id(live_server.app)
    page = new_page(**PHONE, js=js)

    start(page, slug, questionnaire)
    # app.js marks the body when it runs: proof of which journey this is.
    js_marker = expect(page.locator("body"))
    if js:
        js_marker.to_have_class(re.compile(r"\bjs-enabled\b"))
    else:
        js_marker.not_to_have_class(re.compile(r"\bjs-enabled\b"))
    seen = walk_to_check_answers(page, questionnaire, answers)
    assert tuple(seen) == path(questionnaire, answers)

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending them"
    )
    question, new_code = _a_change(questionnaire, answers)
    old_option = question.option(str(answers[question.id]))
    new_option = question.option(new_code)
    assert old_option is not None and new_option is not None
    assert _row_value(page, question) == old_option.label

    # "Change" carries the question as visually hidden text, so links are distinct.
    click_and_wait(
        page, page.get_by_role("link", name=re.compile(rf"^Change {re.escape(question.text)}"))
    )
    expect(option_input(page, question, str(answers[question.id]))).to_be_checked()
    answer_question(page, question, new_code)
    click_and_wait(page, page.get_by_role("button", name="Save and go back to your answers"))
    assert page.url.endswith(f"/s/{slug}/check"), page.url
    assert _row_value(page, question) == new_option.label
    answers[question.id] = new_code

    click_and_wait(page, page.get_by_role("button", name="Send my answers"))
    assert page.url.endswith(f"/s/{slug}/done"), page.url
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Thank you, your answers have been sent"
    )

    saved = _latest_submitted(live_server, slug, before)
    assert saved == expected_answers(questionnaire, answers)
