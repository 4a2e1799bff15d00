"""The contact-details warning and the honeypot in a real browser, audited with axe.

The warning page passes the same checks as every other respondent page (audited
in Urdu, right to left) and works without JavaScript (in English); the honeypot cannot be
seen or reached with Tab; "Keep my answer as it is" saves the answer as typed.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Answer
from tests.browser.audit import audit, report
from tests.browser.harness import LiveServer, NewPage
from tests.browser.respondent import (
    answer_page_by_code,
    current_page_id,
    open_in,
    press_main_button,
)
from tests.browser.viewports import PHONE

pytestmark = pytest.mark.browser

TYPED = "Please ring me on 07700 900123 about parking"


@pytest.mark.parametrize(("lang", "js"), [("ur", True), ("en", False)])
def test_contact_details_warning_is_accessible_and_can_be_kept(
    new_page: NewPage, live_server: LiveServer, axe_source: str, lang: str, js: bool
) -> None:
    slug = live_server.slugs["event_feedback"]
    questionnaire = live_server.questionnaire(slug)
    page = new_page(**PHONE, js=js)
    open_in(page, f"/s/{slug}", lang)
    press_main_button(page, f'main form[action$="/s/{slug}/start"]')
    for answers in ({"event_useful": "agree"}, {"do_differently": "yes"}):
        survey_page = questionnaire.page(current_page_id(page) or "")
        assert survey_page is not None
        answer_page_by_code(page, survey_page, answers)
        press_main_button(page)
    assert current_page_id(page) == "event_comments"

    honeypot = page.locator("#contact_website")
    expect(honeypot).to_be_hidden()
    assert honeypot.get_attribute("tabindex") == "-1"

    page.locator('[name="event_comments"]').fill(TYPED)
    press_main_button(page)
    assert current_page_id(page) == "event_comments", "the page is shown again"
    expect(page.locator(".govuk-warning-text")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.locator('[name="event_comments"]')).to_have_value(TYPED)
    if js:  # axe needs scripts to run; the no-JavaScript case checks the journey only
        problems = audit(page, axe_source, "contact details warning", lang=lang, one_question=True)
        assert not problems, report(problems)

    page.locator('button[name="personal_data"][value="keep"]').click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/s/{slug}/check")
    with live_server.app.app_context():
        stored = (
            db.session()
            .scalars(select(Answer.value).where(Answer.question_id == "event_comments"))
            .all()
        )
    assert TYPED in stored
