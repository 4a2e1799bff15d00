"""Answer types drawn on the respondent page through the rendering registry."""

from __future__ import annotations

import re

from flask import Flask, render_template_string

from feedback_app.forms import page_form
from feedback_app.respond.answer_types import answer_fields
from surveys import Page
from surveys.library import bundled_questionnaires

ANSWERS = '{% include "respond/answers/_answers.html" %}'


def _drawn(app: Flask, page: Page, formdata: object = None) -> str:
    with app.test_request_context():
        form = page_form(page, answers={}, formdata=formdata)
        if formdata is not None:
            form.validate()
        return render_template_string(ANSWERS, fields=answer_fields(page, form))


def test_the_or_divider_shows_before_an_exclusive_option(app: Flask) -> None:
    page = bundled_questionnaires()["parent_annual"].page("services_used")
    assert page is not None
    html = _drawn(app, page)
    divider = re.search(r'<div class="govuk-checkboxes__divider">\s*or\s*</div>', html)
    assert divider is not None
    none_of_these = html.index('value="none"')
    assert html.rindex('value="short_breaks"') < divider.start() < none_of_these
    # The divider is an item of its own: every option keeps its box.
    assert html.count('type="checkbox"') == 7
