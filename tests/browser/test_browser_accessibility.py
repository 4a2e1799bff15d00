"""WCAG 2.2 AA in a real browser: axe-core plus our own reflow and target-size checks.

Every page state a respondent can meet, at 320 px and 1280 px wide: the home page,
each bundled survey's start page, every question page of every bundled
questionnaire (blank, and with errors after sending it empty when it has a
required question), check answers, the confirmation, a closed wave, a 404, the
resume page (blank and with an error) and "save and come back later" (before and
after getting a code). Question pages are reached by walking the generated answer
sets (``covering_answer_sets``), so pages shown only on some routes are audited too.

Each test collects every problem before failing, so one run lists them all: the
axe rule id, its impact, the target selectors, the page URL, the state and the width.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from surveys.library import bundled_questionnaires
from surveys.paths import covering_answer_sets
from surveys.routing import path
from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.browser.respondent import (
    answer_page,
    click_and_wait,
    current_page_id,
    save_and_continue,
    start,
)

pytestmark = pytest.mark.browser

#: The wave used for the pages that belong to any survey (resume, save).
RESUME_SURVEY = "parent_annual"


@pytest.mark.parametrize("questionnaire_id", list(bundled_questionnaires()))
def test_every_page_of_a_bundled_survey_is_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, questionnaire_id: str
) -> None:
    slug = live_server.slugs[questionnaire_id]
    questionnaire = live_server.questionnaire(slug)
    answer_sets = covering_answer_sets(questionnaire)
    reachable = {page_id for answers in answer_sets for page_id in path(questionnaire, answers)}
    page = new_page()
    problems: list[str] = []

    page.goto(f"/s/{slug}")
    problems += audit(page, axe_source, "start page")

    audited: set[str] = set()
    end_pages_audited = False
    for answers in answer_sets:
        if audited == reachable and end_pages_audited:
            break
        start(page, slug, questionnaire)
        for _step in range(len(questionnaire.pages) + 1):
            page_id = current_page_id(page)
            if page_id is None:
                break
            survey_page = questionnaire.page(page_id)
            assert survey_page is not None, page.url
            if page_id not in audited:
                audited.add(page_id)
                problems += audit(page, axe_source, f"page {page_id!r}, blank")
                if any(not q.optional for q in survey_page.questions):
                    save_and_continue(page)  # nothing chosen: the error state
                    assert current_page_id(page) == page_id, page.url
                    expect(page.locator(".govuk-error-summary")).to_be_visible()
                    problems += audit(page, axe_source, f"page {page_id!r}, with errors")
            answer_page(page, survey_page, answers)
            save_and_continue(page)
        assert page.url.endswith(f"/s/{slug}/check"), page.url
        if not end_pages_audited:
            problems += audit(page, axe_source, "check answers")
        click_and_wait(page, page.get_by_role("button", name="Send my answers"))
        assert page.url.endswith(f"/s/{slug}/done"), page.url
        if not end_pages_audited:
            problems += audit(page, axe_source, "confirmation")
            end_pages_audited = True

    assert audited == reachable, f"pages never reached: {sorted(reachable - audited)}"
    assert not problems, report(problems)


def _home(page: Page, _live: LiveServer) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Have your say")


def _closed_wave(page: Page, _live: LiveServer) -> None:
    page.goto("/s/demo-closed-baseline")
    expect(page.get_by_role("heading", level=1)).to_have_text("This survey has closed")


def _not_found(page: Page, _live: LiveServer) -> None:
    page.goto("/s/nope")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def _resume_blank(page: Page, live: LiveServer) -> None:
    page.goto(f"/s/{live.slugs[RESUME_SURVEY]}/resume")
    expect(page.get_by_label("Enter your resume code")).to_be_visible()


def _resume_with_error(page: Page, live: LiveServer) -> None:
    _resume_blank(page, live)
    page.get_by_label("Enter your resume code").fill("ABCD 2345")
    click_and_wait(page, page.get_by_role("button", name="Continue"))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error:"))


def _save_for_later(page: Page, live: LiveServer) -> None:
    slug = live.slugs[RESUME_SURVEY]
    start(page, slug, live.questionnaire(slug))
    click_and_wait(page, page.get_by_role("link", name="Save and come back later"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")


def _save_with_code(page: Page, live: LiveServer) -> None:
    _save_for_later(page, live)
    click_and_wait(page, page.get_by_role("button", name="Get a resume code"))
    expect(page.locator("#resume-code")).to_have_text(re.compile(r"^[2-9A-Z]{4} [2-9A-Z]{4}$"))


PAGE_STATES: dict[str, Callable[[Page, LiveServer], None]] = {
    "home": _home,
    "closed wave": _closed_wave,
    "404": _not_found,
    "resume, blank": _resume_blank,
    "resume, with an error": _resume_with_error,
    "save for later": _save_for_later,
    "save for later, with a code": _save_with_code,
}


@pytest.mark.parametrize("state", list(PAGE_STATES))
def test_page_is_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, state: str
) -> None:
    page = new_page()
    PAGE_STATES[state](page, live_server)
    problems = audit(page, axe_source, state)
    assert not problems, report(problems)
