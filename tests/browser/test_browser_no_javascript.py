"""A whole survey completed with JavaScript disabled, in every shipped language.

The language comes from the browser's Accept-Language on the first visit (the
context's ``locale``), the other way in besides ``?lang=`` (which the accessibility
walk uses). Answers are given by option code and buttons found by their form, so
nothing depends on the words; the database then holds one submitted response in
that language with exactly the answers given.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from feedback_app import db
from surveys.paths import covering_answer_sets
from surveys.routing import path
from tests.browser.harness import LiveServer, NewPage
from tests.browser.languages import LANGUAGES, direction
from tests.browser.respondent import (
    answer_page_by_code,
    press_main_button,
    question_pages,
    start_in,
)
from tests.browser.viewports import PHONE
from tests.support.stored_responses import (
    expected_answers,
    last_response_id,
    responses_since,
    stored_answers,
)

pytestmark = pytest.mark.browser

#: The shortest bundled survey, and a longer one with routing and several types.
SURVEYS = ("event_feedback", "parent_follow_up")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("questionnaire_id", SURVEYS)
def test_a_survey_can_be_completed_without_javascript(
    new_page: NewPage, live_server: LiveServer, questionnaire_id: str, lang: str
) -> None:
    slug = live_server.slugs[questionnaire_id]
    questionnaire = live_server.questionnaire(slug)
    answers = max(covering_answer_sets(questionnaire), key=lambda a: len(path(questionnaire, a)))
    before = last_response_id(live_server.app)
    page = new_page(**PHONE, js=False, locale=lang)

    start_in(page, slug)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("html")).to_have_attribute("dir", direction(lang))
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))
    seen = []
    for survey_page in question_pages(page, questionnaire):
        seen.append(survey_page.id)
        answer_page_by_code(page, survey_page, answers)
        press_main_button(page)
    assert tuple(seen) == path(questionnaire, answers)
    assert page.url.endswith(f"/s/{slug}/check"), page.url
    press_main_button(page)
    assert page.url.endswith(f"/s/{slug}/done"), page.url
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(".govuk-panel")).to_be_visible()

    with live_server.app.app_context():
        session = db.session()
        responses = responses_since(session, slug, before)
        mine = [r for r in responses if r.language == lang]
        assert len(mine) == 1, f"expected one new {lang} response, found {len(mine)}"
        assert mine[0].status == "submitted"
        saved = stored_answers(session, mine[0])
    assert saved == expected_answers(questionnaire, answers)
