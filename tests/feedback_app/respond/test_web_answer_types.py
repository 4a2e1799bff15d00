"""Answer types drawn on the respondent page through the rendering registry."""

from __future__ import annotations

import re

from flask import Flask, render_template_string

from feedback_app.respond.answer_types import answer_fields, page_form
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


# --- The 0 to 10 scale -------------------------------------------------------

SCALE_PAGE = Page.model_validate(
    {
        "id": "recommend",
        "questions": [
            {"id": "recommend", "type": "scale_0_10", "text": "How likely are you to recommend us?"}
        ],
    }
)


def test_the_scale_is_a_fieldset_of_radios_with_dont_know_after_or(app: Flask) -> None:
    html = _drawn(app, SCALE_PAGE)
    assert '<fieldset class="govuk-fieldset" aria-describedby="recommend-hint"' in html
    assert "How likely are you to recommend us?" in html.split("</legend>")[0]
    values = re.findall(r'type="radio" value="([^"]+)"', html)
    assert values == [*map(str, range(11)), "dont_know"]
    assert 'class="govuk-radios app-scale"' in html
    divider = html.index('class="govuk-radios__divider"')
    assert html.index('value="10"') < divider < html.index('value="dont_know"')
    # The end labels are in the hint the fieldset is described by, not under two boxes.
    hint = html[
        html.index('id="recommend-hint"') : html.index("</div>", html.index("recommend-hint"))
    ]
    assert "Not at all likely" in hint and "Extremely likely" in hint
    assert "govuk-radios__hint" not in html


def test_the_scale_says_what_is_missing(app: Flask) -> None:
    from werkzeug.datastructures import MultiDict

    html = _drawn(app, SCALE_PAGE, formdata=MultiDict({"recommend": ""}))
    assert "Select a number from 0 to 10" in html


def test_the_scale_is_keyed_by_its_scores(app: Flask) -> None:
    from feedback_app.collection.keying import KeyingError, read_keyed
    from feedback_app.collection.printing import printed_questions
    from surveys import Questionnaire

    question = SCALE_PAGE.questions[0]
    assert read_keyed(question, "0") == "0"
    assert read_keyed(question, "10") == "10"
    assert read_keyed(question, "11") == "dont_know"
    try:
        read_keyed(question, "12")
    except KeyingError as error:
        assert error.params == {"min": 0, "max": 11}
    else:  # pragma: no cover
        raise AssertionError("box 12 was accepted")
    questionnaire = Questionnaire.model_validate(
        {
            "id": "t",
            "title": "T",
            "description": "D",
            "kind": "event",
            "estimated_minutes": 1,
            "privacy_notice": "P",
            "next_steps": "N",
            "first_page": "recommend",
            "pages": [SCALE_PAGE.model_dump(exclude_defaults=True)],
        }
    )
    with app.test_request_context():
        (printed,) = printed_questions(questionnaire)
    assert [o.number for o in printed.options] == [*range(11), 11]
    assert printed.options[0].hint == "Not at all likely"


def test_the_scale_is_labelled_in_downloads() -> None:
    from feedback_app.results.downloads.responses import ResponseColumn, _answer_cells
    from surveys import AnswerType

    column = ResponseColumn("recommend", "How likely?", AnswerType.SCALE_0_10)
    labels = {o.code: o.label for o in SCALE_PAGE.questions[0].options}
    assert column.header == ("recommend", "recommend_label")
    assert _answer_cells(column, "9", {"recommend": labels}) == ("9", "9")
    assert _answer_cells(column, "dont_know", {"recommend": labels}) == ("dont_know", "Don't know")
