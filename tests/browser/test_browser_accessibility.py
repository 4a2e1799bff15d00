"""WCAG 2.2 AA in a real browser, in every shipped language: axe-core plus our checks.

Every page state a respondent can meet, at 320 px and 1280 px wide, in each of the
shipped languages (``feedback_app.web.languages.SHIPPED_LANGUAGES``): for each bundled
questionnaire its start page, every question page (blank, and with errors after
sending it empty when it has a required question), check answers, the
confirmation, the closed page and the resume page (blank and with an error); and
for any survey the home page, the accessibility statement (from the footer), a 404,
and "save and come back later" (before and
after getting a code; with a sender set up, "e-mail or text me a link to carry on"
with an error and after sending, through the Notify stand-in). Question pages are
reached by walking the generated answer sets (``covering_answer_sets``), so pages
shown only on some routes are audited too.

The language is chosen once, with ``?lang=xx`` on the first page; everything after
is found without reading words (options by their stored code, buttons by their
form), so the walk is the same in every language. Beside axe (``audit.py``):
``lang``/``dir``, fieldsets and legends, the question as the ``<h1>``, translated
error prefixes, summary links to inputs with matching inline messages, mirroring
in right-to-left languages, visible keyboard focus, reflow with text spacing,
44×44 px targets and, for Easy Read, text size and a picture beside each question.

The first question of each questionnaire is also saved as a phone-sized screenshot
in ``tests/browser/out/screenshots/<questionnaire>-<lang>.png`` (not committed), for
a person to look at.

Each test collects every problem before failing, so one run lists them all: the
check, the page URL, the state, the language and the width.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from surveys.library import bundled_questionnaires
from surveys.paths import covering_answer_sets
from surveys.routing import path
from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.browser.languages import LANGUAGES, translated
from tests.browser.respondent import (
    answer_page_by_code,
    current_page_id,
    open_in,
    press_main_button,
    question_pages,
    start_in,
)
from tests.support.sending import API_KEY, EMAIL_TEMPLATE, SMS_TEMPLATE, notify_stand_in

pytestmark = pytest.mark.browser

#: The wave used for the pages that belong to any survey (save for later, a 404).
#: Parent follow-up: translated into every shipped language already.
RESUME_SURVEY = "parent_follow_up"
SCREENSHOTS = Path(__file__).parent / "out" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}


def _screenshot(page: Page, questionnaire_id: str, lang: str) -> None:
    """The page at phone width, whole, for a person to look at (not committed)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"{questionnaire_id}-{lang}.png", full_page=True)


def _resume_states(page: Page, slug: str, audit_here: Callable[[str], None]) -> None:
    page.goto(f"/s/{slug}/resume")
    expect(page.locator("input#code")).to_be_visible()
    audit_here("resume, blank")
    page.locator("input#code").fill("ABCD 2345")
    press_main_button(page)
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    audit_here("resume, with an error")


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("questionnaire_id", list(bundled_questionnaires()))
def test_every_page_of_a_bundled_survey_is_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, questionnaire_id: str, lang: str
) -> None:
    slug = live_server.slugs[questionnaire_id]
    questionnaire = live_server.questionnaire(slug)
    answer_sets = covering_answer_sets(questionnaire)
    reachable = {page_id for answers in answer_sets for page_id in path(questionnaire, answers)}
    page = new_page(locale=lang)
    problems: list[str] = []

    def audit_here(state: str, *, one_question: bool = False, question: bool = False) -> None:
        problems.extend(
            audit(
                page,
                axe_source,
                state,
                lang=lang,
                one_question=one_question,
                easy_read=questionnaire.easy_read and question,
            )
        )

    open_in(page, f"/s/{slug}", lang)
    shown = page.locator("html").get_attribute("lang")
    if shown != lang:
        # A wave offers only the languages its questionnaire is fully translated in.
        pytest.fail(
            f"{lang} is not offered on {slug}: the start page is in {shown} "
            "(questionnaire text not fully translated yet?)",
            pytrace=False,
        )
    audit_here("start page")

    audited: set[str] = set()
    end_pages_audited = False
    for answers in answer_sets:
        if audited == reachable and end_pages_audited:
            break
        start_in(page, slug)
        for survey_page in question_pages(page, questionnaire):
            page_id = survey_page.id
            if page_id not in audited:
                if not audited:
                    _screenshot(page, questionnaire_id, lang)
                audited.add(page_id)
                one = len(survey_page.questions) == 1
                audit_here(f"page {page_id!r}, blank", one_question=one, question=True)
                if any(not q.optional for q in survey_page.questions):
                    press_main_button(page)  # nothing chosen: the error state
                    assert current_page_id(page) == page_id, page.url
                    expect(page.locator(".govuk-error-summary")).to_be_visible()
                    audit_here(f"page {page_id!r}, with errors", one_question=one, question=True)
            answer_page_by_code(page, survey_page, answers)
            press_main_button(page)
        assert page.url.endswith(f"/s/{slug}/check"), page.url
        if not end_pages_audited:
            audit_here("check answers")
        press_main_button(page)
        assert page.url.endswith(f"/s/{slug}/done"), page.url
        if not end_pages_audited:
            audit_here("confirmation")
            end_pages_audited = True

    assert audited == reachable, f"pages never reached: {sorted(reachable - audited)}"

    response = page.goto(f"/s/{live_server.closed_slugs[questionnaire_id]}")
    assert response is not None and response.status == 410, page.url
    audit_here("closed")
    _resume_states(page, slug, audit_here)
    assert not problems, report(problems)


def _home(page: Page, _live: LiveServer) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_have_count(1)


def _not_found(page: Page, _live: LiveServer) -> None:
    response = page.goto("/s/nope")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_count(1)


def _question_not_found(page: Page, live: LiveServer) -> None:
    response = page.goto(f"/s/{live.slugs[RESUME_SURVEY]}/q/nope")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_count(1)


def _save_for_later(page: Page, live: LiveServer) -> None:
    slug = live.slugs[RESUME_SURVEY]
    start_in(page, slug)
    page.locator("#save-later").click()
    page.wait_for_url(re.compile(rf"/s/{slug}/save$"))
    expect(page.locator('main form button[type="submit"]').first).to_be_visible()


def _save_with_code(page: Page, live: LiveServer) -> None:
    _save_for_later(page, live)
    press_main_button(page)
    expect(page.locator("#resume-code")).to_have_text(re.compile(r"^[2-9A-Z]{4} [2-9A-Z]{4}$"))


def _accessibility_statement(page: Page, _live: LiveServer) -> None:
    page.goto("/")
    page.locator('footer a[href="/accessibility"]').click()
    page.wait_for_url(re.compile(r"/accessibility$"))
    expect(page.locator("h1")).to_have_count(1)
    expect(page.locator("main h2")).to_have_count(7)


PAGE_STATES: dict[str, Callable[[Page, LiveServer], None]] = {
    "home": _home,
    "accessibility statement": _accessibility_statement,
    "404": _not_found,
    "404 inside a survey": _question_not_found,
    "save for later": _save_for_later,
    "save for later, with a code": _save_with_code,
}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("state", list(PAGE_STATES))
def test_page_is_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, state: str, lang: str
) -> None:
    page = new_page(locale=lang)
    open_in(page, "/", lang)
    PAGE_STATES[state](page, live_server)
    problems = audit(page, axe_source, state, lang=lang)
    assert not problems, report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_carry_on_link_states_are_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, lang: str
) -> None:
    """The save-for-later page offering to send the link: with an error, then sent."""
    config = live_server.app.config
    before = {k: config.get(k) for k in ("SEND_BACKEND", "NOTIFY_API_KEY", "NOTIFY_BASE_URL")}
    with notify_stand_in() as stand_in:
        config.update(
            SEND_BACKEND="notify",
            NOTIFY_API_KEY=API_KEY,
            NOTIFY_BASE_URL=stand_in.url,
            NOTIFY_CARRY_ON_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE,
            NOTIFY_CARRY_ON_SMS_TEMPLATE_ID=SMS_TEMPLATE,
        )
        try:
            page = new_page(locale=lang)
            open_in(page, "/", lang)
            _save_for_later(page, live_server)
            send = page.locator('form[action$="/save/send"] button[type="submit"]')
            page.locator("input#contact").fill("0123")
            send.click()
            expect(page.locator(".govuk-error-summary")).to_be_visible()
            problems = audit(page, axe_source, "carry on link, with an error", lang=lang)
            page.locator("input#contact").fill("07700 900982")
            page.locator('form[action$="/save/send"] button[type="submit"]').click()
            expect(page.locator("#resume-code")).to_be_visible()
            problems += audit(page, axe_source, "carry on link, sent", lang=lang)
            assert stand_in.received_by("07700900982") == 1
        finally:
            config.update(before)
            config.pop("NOTIFY_CARRY_ON_EMAIL_TEMPLATE_ID")
            config.pop("NOTIFY_CARRY_ON_SMS_TEMPLATE_ID")
    assert not problems, report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_update_list_pages_are_accessible(
    new_page: NewPage, live_server: LiveServer, axe_source: str, lang: str
) -> None:
    """Joining an area's update list (ADR 0039): the form, with errors, "check your
    messages", confirming, a used link, leaving and having left."""
    from sqlalchemy import select

    from feedback_app import db
    from feedback_app.models import UpdateSubscriber
    from feedback_app.sending.updates import confirm_token, leave_token

    config = live_server.app.config
    settings = {
        "SEND_BACKEND": "notify",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_UPDATE_CONFIRM_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "NOTIFY_UPDATE_CONFIRM_SMS_TEMPLATE_ID": SMS_TEMPLATE,
        "NOTIFY_UPDATE_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        "NOTIFY_UPDATE_SMS_TEMPLATE_ID": SMS_TEMPLATE,
    }
    before = {k: config.get(k) for k in settings}
    config.update(settings)
    address = f"axe-{lang}@example.org"
    with live_server.app.app_context():  # one client signs up in every language
        from sqlalchemy import delete

        from feedback_app.models import LoginThrottle

        db.session().execute(delete(LoginThrottle).where(LoginThrottle.scope == "updates_client"))
        db.session().commit()
    try:
        page = new_page(locale=lang)
        open_in(page, "/a/demo/updates", lang)
        page.locator("#topics-actions").uncheck()
        page.locator("#topics-surveys").uncheck()
        press_main_button(page)
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        problems = audit(page, axe_source, "update list, with errors", lang=lang)
        page.locator("#email").fill(address)
        page.locator("#topics-surveys").check()
        press_main_button(page)
        page.wait_for_url(re.compile(r"/a/demo/updates/check$"))
        problems += audit(page, axe_source, "update list, check your messages", lang=lang)
        with live_server.app.app_context():
            person = (
                db.session()
                .scalars(select(UpdateSubscriber).where(UpdateSubscriber.email == address))
                .one()
            )
            secret = str(live_server.app.secret_key)
            confirm, leave = confirm_token(secret, person), leave_token(secret, person)
        page.goto(f"/updates/confirm/{confirm}")
        problems += audit(page, axe_source, "update list, confirm", lang=lang)
        press_main_button(page)
        expect(page.locator("h1")).to_have_count(1)
        problems += audit(page, axe_source, "update list, confirmed", lang=lang)
        page.goto(f"/updates/confirm/{confirm}")
        press_main_button(page)  # used: the link does not work any more
        problems += audit(page, axe_source, "update list, link used", lang=lang)
        page.goto(f"/updates/leave/{leave}")
        problems += audit(page, axe_source, "update list, leave", lang=lang)
        press_main_button(page)
        problems += audit(page, axe_source, "update list, left", lang=lang)
    finally:
        config.update(before)
    assert not problems, report(problems)


def test_the_error_prefix_is_read_from_the_catalog() -> None:
    """The "Error:" the checks expect is the compiled catalog's, English if untranslated."""
    assert translated("en", "Error:") == "Error:"
    assert all(translated(lang, "Error:").strip() for lang in LANGUAGES)
