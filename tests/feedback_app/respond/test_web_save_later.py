""" "Save and come back later" saves the page being answered first; so does a
change of language. A half-done page shows no errors."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Answer
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"


def _answers(app: Flask) -> dict[str, object]:
    with app.app_context():
        return dict(db.session().execute(select(Answer.question_id, Answer.value)).all())


def _start(browser: PageBrowser) -> None:
    browser.get(f"/s/{EVENT}")
    browser.post(f"/s/{EVENT}/start")


def test_save_later_is_a_button_that_saves_the_page_first(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    page = browser.get(browser.path).get_data(as_text=True)
    form = page.split('<form method="post" id="answers"', 1)[1].split("</form>", 1)[0]
    assert 'name="save_later"' in form and "Save and come back later" in form
    assert f'href="/s/{EVENT}/save"' not in page

    # Nothing chosen on a required question: no error, nothing saved, the code page.
    left = browser.post(browser.path, {"save_later": "1"})
    assert left.status_code == 200 and browser.path == f"/s/{EVENT}/save"
    assert "There is a problem" not in left.get_data(as_text=True)
    assert _answers(app) == {}

    browser.get(f"/s/{EVENT}/q/event_useful")
    browser.post(browser.path, {"event_useful": "agree"})
    browser.post(browser.path, {"do_differently": "not_sure"})
    assert browser.path == f"/s/{EVENT}/q/event_comments"
    typed = "The room was too loud for my son."
    browser.post(browser.path, {"event_comments": typed, "save_later": "1"})
    assert browser.path == f"/s/{EVENT}/save"
    assert _answers(app)["event_comments"] == typed
    code_page = browser.post(f"/s/{EVENT}/save").get_data(as_text=True)
    code = re.search(r'id="resume-code">([A-Z0-9 ]+)<', code_page)
    assert code is not None

    # On another device, the typed text is there.
    other = PageBrowser(app.test_client())
    other.get(f"/s/{EVENT}/resume")
    other.post(f"/s/{EVENT}/resume", {"code": code.group(1)})
    # Every page is answered now, so the next step is checking the answers.
    assert other.path == f"/s/{EVENT}/check"
    assert typed in other.get(f"/s/{EVENT}/q/event_comments").get_data(as_text=True)


def test_switching_language_keeps_an_unsaved_choice(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    _start(browser)
    page = browser.get(browser.path).get_data(as_text=True)
    assert 'form="answers" name="switch_language" value="cy"' in page
    switched = browser.post(browser.path, {"event_useful": "disagree", "switch_language": "cy"})
    assert browser.path == f"/s/{EVENT}/q/event_useful"
    html = switched.get_data(as_text=True)
    assert '<html lang="cy"' in html
    assert 'value="disagree" checked' in html
    assert "There is a problem" not in html
    assert _answers(app) == {"event_useful": "disagree"}
    # A language the survey does not offer is ignored; the page stays as it was.
    browser.post(browser.path, {"switch_language": "xx"})
    assert '<html lang="cy"' in browser.get(browser.path).get_data(as_text=True)
    # Without a token the request is refused, as every other post.
    refused = browser.client.post(browser.path, data={"save_later": "1"})
    assert refused.status_code == 400
