"""A person filling in a survey in a real browser, led by the questionnaire definition.

What to click comes from generated answers (``surveys.paths.covering_answer_sets``)
and the published definition: questions are found by their visible wording
(legend or label) and options by their label, as a person would find them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from playwright.sync_api import Locator, Page, expect

from surveys import AnswerType, AnswerValue, Questionnaire
from surveys import Page as SurveyPage
from surveys.model import Question

QUESTION_URL = re.compile(r"/s/(?P<slug>[^/]+)/q/(?P<page_id>[^/?#]+)")


def current_page_id(page: Page) -> str | None:
    """The questionnaire page the browser shows, or None if it is not a question page."""
    match = QUESTION_URL.search(page.url)
    return match.group("page_id") if match else None


def click_and_wait(page: Page, target: Locator) -> None:
    """Click something that loads a new page, and wait for it."""
    with page.expect_navigation():
        target.click()


def start(page: Page, slug: str, questionnaire: Questionnaire) -> None:
    """Open the survey's link and press "Start now"."""
    page.goto(f"/s/{slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text(questionnaire.title)
    click_and_wait(page, page.get_by_role("button", name="Start now"))


def shown_question(question: Question) -> re.Pattern[str]:
    """The question's wording as shown: optional ones may say "(optional)" after it."""
    # Whitespace either side: get_by_label tests a regex against the raw label text.
    text = re.escape(question.text)
    return re.compile(rf"^\s*{text}(\s*\(optional\))?\s*$", re.IGNORECASE)


def question_group(page: Page, question: Question) -> Locator:
    """The fieldset of a radio, checkbox or date question, by its legend."""
    return page.get_by_role("group", name=shown_question(question))


def option_input(page: Page, question: Question, code: str) -> Locator:
    """The radio or checkbox of one option, found by its visible label."""
    option = question.option(code)
    assert option is not None, (question.id, code)
    return question_group(page, question).get_by_label(option.label, exact=True)


def answer_question(page: Page, question: Question, value: AnswerValue | None) -> None:
    """Give ``value`` the way a person would: tap the option's words, or type."""
    if value is None:
        return
    if question.is_closed:
        codes = value if isinstance(value, tuple) else (str(value),)
        for code in codes:
            option = question.option(code)
            assert option is not None, (question.id, code)
            # Tap the words beside the radio/checkbox, as most people do.
            group = question_group(page, question)
            group.locator("label").filter(
                has_text=re.compile(rf"^\s*{re.escape(option.label)}\s*$")
            ).click()
            expect(option_input(page, question, code)).to_be_checked()
        return
    if question.type is AnswerType.MONTH_YEAR:
        year, month = str(value).split("-")
        group = question_group(page, question)
        group.get_by_label("Month").fill("")
        group.get_by_label("Month").press_sequentially(str(int(month)))
        group.get_by_label("Year").fill("")
        group.get_by_label("Year").press_sequentially(year)
        return
    box = page.get_by_label(shown_question(question))
    box.fill("")
    box.press_sequentially(str(value))


def answer_page(page: Page, survey_page: SurveyPage, answers: Mapping[str, AnswerValue]) -> None:
    """Answer every question on the page that ``answers`` answers."""
    for question in survey_page.questions:
        answer_question(page, question, answers.get(question.id))


def save_and_continue(page: Page) -> None:
    """Press the page's main button."""
    click_and_wait(page, page.get_by_role("button", name="Save and continue"))


def question_pages(page: Page, questionnaire: Questionnaire) -> Iterator[SurveyPage]:
    """Each of ``questionnaire``'s pages the browser is on, one after another, for as
    long as it is on a question page (at most once per page and once more): the
    caller answers it and moves on before asking for the next."""
    for _step in range(len(questionnaire.pages) + 1):
        page_id = current_page_id(page)
        if page_id is None:
            return
        survey_page = questionnaire.page(page_id)
        assert survey_page is not None, page.url
        yield survey_page


def walk_to_check_answers(
    page: Page, questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> list[str]:
    """From the first question, answer each page until "Check your answers"; the pages seen."""
    seen: list[str] = []
    for survey_page in question_pages(page, questionnaire):
        seen.append(survey_page.id)
        answer_page(page, survey_page, answers)
        save_and_continue(page)
    assert page.url.endswith("/check"), f"expected check answers, at {page.url}"
    return seen


# Language-independent steps: the same walk in any language. Options are found by
# their stored code (``input[name=<question>][value=<code>]``) and tapped through
# their own ``<label for>``; buttons by the form they submit, never by their words.


def open_in(page: Page, path: str, lang: str) -> None:
    """Open ``path`` choosing ``lang`` with ``?lang=`` (remembered, then redirected)."""
    separator = "&" if "?" in path else "?"
    page.goto(f"{path}{separator}lang={lang}")
    assert "lang=" not in page.url, f"?lang= was not taken off: {page.url}"


def press_main_button(page: Page, form: str = "main form") -> None:
    """Press the submit button of the page's (first) form in <main>, and wait."""
    click_and_wait(page, page.locator(f"{form} button.govuk-button").first)


def start_in(page: Page, slug: str) -> None:
    """On a survey's start page (in whatever language), press the start button."""
    page.goto(f"/s/{slug}")
    press_main_button(page, f'main form[action$="/s/{slug}/start"]')
    assert current_page_id(page) is not None, f"start did not lead to a question: {page.url}"


def answer_by_code(page: Page, question: Question, value: AnswerValue | None) -> None:
    """Give ``value`` without reading any words: options by code, boxes by name."""
    if value is None:
        return
    if question.is_closed:
        codes = value if isinstance(value, tuple) else (str(value),)
        for code in codes:
            box = page.locator(f'input[name="{question.id}"][value="{code}"]')
            input_id = box.get_attribute("id")
            page.locator(f'label[for="{input_id}"]').click()
            expect(box).to_be_checked()
        return
    if question.type is AnswerType.MONTH_YEAR:
        year, month = str(value).split("-")
        page.locator(f'input[name="{question.id}-month"]').fill(str(int(month)))
        page.locator(f'input[name="{question.id}-year"]').fill(year)
        return
    page.locator(f'[name="{question.id}"]').fill(str(value))


def answer_page_by_code(
    page: Page, survey_page: SurveyPage, answers: Mapping[str, AnswerValue]
) -> None:
    """Answer every question on the page that ``answers`` answers, by code."""
    for question in survey_page.questions:
        answer_by_code(page, question, answers.get(question.id))
