"""Choice widgets are drawn once per set of parameters, and drawn the same (issue 17)."""

from __future__ import annotations

from flask import Flask, render_template_string
from werkzeug.datastructures import MultiDict

from feedback_app.respond import forms
from feedback_app.respond.answer_types import answer_fields, page_form
from surveys import Page
from surveys.library import bundled_questionnaires

ANSWERS = '{% include "respond/answers/_answers.html" %}'


def _drawn(app: Flask, page: Page, answers: dict, formdata: object = None) -> str:
    with app.test_request_context():
        form = page_form(page, answers=answers, formdata=formdata)
        if formdata is not None:
            form.validate()
        return render_template_string(ANSWERS, fields=answer_fields(page, form))


def _fresh(app: Flask, page: Page, answers: dict, formdata: object = None) -> str:
    forms._DRAWN.clear()
    return _drawn(app, page, answers, formdata)


def test_a_remembered_page_is_the_page_drawn_afresh(app: Flask) -> None:
    survey = bundled_questionnaires()["parent_annual"]
    for page_id, answers in (
        ("trust_confidence", {}),
        ("trust_confidence", {"trust_confidence": "agree"}),
        ("services_used", {"services_used": ["none"]}),
    ):
        page = survey.page(page_id)
        assert page is not None
        first = _fresh(app, page, answers)
        assert _drawn(app, page, answers) == first  # from the cache
        assert forms._DRAWN  # it was remembered


def test_the_ticked_option_and_errors_are_part_of_the_key(app: Flask) -> None:
    page = bundled_questionnaires()["parent_annual"].page("trust_confidence")
    assert page is not None
    forms._DRAWN.clear()
    empty = _drawn(app, page, {})
    agreed = _drawn(app, page, {"trust_confidence": "agree"})
    error = _drawn(app, page, {}, formdata=MultiDict({"trust_confidence": "nonsense"}))
    assert "checked" not in empty and "checked" in agreed
    assert "govuk-error-message" in error and "govuk-error-message" not in empty
    assert _drawn(app, page, {"trust_confidence": "agree"}) == agreed


def test_free_text_is_never_remembered(app: Flask) -> None:
    page = Page.model_validate(
        {"id": "other", "questions": [{"id": "other", "type": "text", "text": "Anything else?"}]}
    )
    forms._DRAWN.clear()
    html = _drawn(app, page, {"other": "My name is Sam Smith"})
    assert "Sam Smith" in html
    assert not forms._DRAWN


def test_markup_and_text_are_different_keys() -> None:
    assert forms._frozen({"text": "<b>"}) != forms._frozen({"html": "<b>"})
    assert forms._frozen(["<b>"]) != forms._frozen([forms.Markup("<b>")])
