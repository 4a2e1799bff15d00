"""Free text with contact details: the respondent is asked, not forced, to remove them.

The page comes back with a warning (not an error, nothing saved yet); saving a
changed answer or pressing "Keep my answer as it is" carries on as normal.
"""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Answer
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"
COMMENTS = f"/s/{EVENT}/q/event_comments"


def _answers(app: Flask) -> dict[str, object]:
    with app.app_context():
        return dict(db.session().execute(select(Answer.question_id, Answer.value)).all())


def _to_comments(browser: PageBrowser, language: str | None = None) -> None:
    browser.get(f"/s/{EVENT}" + (f"?lang={language}" if language else ""))
    browser.post(f"/s/{EVENT}/start")
    browser.post(browser.path, {"event_useful": "agree"})
    browser.post(browser.path, {"do_differently": "yes"})
    assert browser.path == COMMENTS


def test_contact_details_are_questioned_then_removed_or_kept(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _to_comments(browser)
    typed = "More parking. Ring me on 07700 900123 or jo@example.org"
    asked = browser.post(COMMENTS, {"event_comments": typed})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and browser.path == COMMENTS
    assert "seems to include an email address and a phone number" in html
    assert "govuk-warning-text" in html
    assert "govuk-error-summary" not in html and "govuk-error-message" not in html
    # The warning is in the hint the answer box is described by, and the text is kept.
    box = re.search(r"<textarea[^>]*>", html)
    assert box and "event_comments-hint" in box.group()
    assert "Ring me on 07700 900123 or jo@example.org</textarea>" in html
    keep = re.search(r'<button type="submit"[^>]*name="personal_data"[^>]*>', html)
    assert keep and 'value="keep"' in keep.group() and "govuk-button--secondary" in keep.group()
    assert "event_comments" not in _answers(app), "nothing is saved until they choose"

    # They take the number out and save: checked again, then saved.
    still = browser.post(COMMENTS, {"event_comments": "More parking. Email jo@example.org"})
    assert "seems to include an email address." in still.get_data(as_text=True)
    kept = browser.post(
        COMMENTS, {"event_comments": "More parking. Email jo@example.org", "personal_data": "keep"}
    )
    assert kept.status_code == 200 and browser.path.endswith("/check")
    assert _answers(app)["event_comments"] == "More parking. Email jo@example.org"

    # Changing the answer later asks again; removing the detail saves without a question.
    browser.get(COMMENTS + "?change=1")
    assert "seems to include" not in browser.last.get_data(as_text=True)  # type: ignore[union-attr]
    done = browser.post(COMMENTS + "?change=1", {"event_comments": "More parking please"})
    assert browser.path.endswith("/check") and done.status_code == 200
    assert _answers(app)["event_comments"] == "More parking please"


def test_ordinary_numbers_are_saved_without_a_question(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _to_comments(browser)
    text = "Our 3 children waited from 2019 to 2021 and it cost £1,250."
    browser.post(COMMENTS, {"event_comments": text})
    assert browser.path.endswith("/check")
    assert _answers(app)["event_comments"] == text


def test_the_warning_is_in_the_respondents_language(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _to_comments(browser, "cy")
    asked = browser.post(COMMENTS, {"event_comments": "ffoniwch 029 2087 2087"})
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'lang="cy"' in html
    assert "govuk-warning-text" in html
    assert "seems to include a phone number" not in html, "the warning must be translated"
