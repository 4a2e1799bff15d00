"""How each answer type renders on the web, in one place keyed by answer type.

The domain's registry (``surveys.answer_types``) says what each type is; this one
says how it is shown: the WTForms field builder, the template partial that draws
it, and the parameters that partial takes. The designer's extra fields are keyed
by the settings a type takes (``DESIGNER_FIELDS``). A test fails when a type lacks
an entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import Field

from feedback_app.respond import forms, view_model
from feedback_app.translating.content_translation import (
    content_gettext,
    current_language,
    uses_uploaded_text,
)
from surveys import AnswerType, Page, Question, Setting
from surveys.model import AnswerValue

#: ``(question, field, is_heading) -> parameters`` for the type's partial.
ParamsBuilder = Callable[[Question, Any, bool], dict[str, Any]]


@dataclass(frozen=True)
class AnswerRendering:
    """How one answer type is drawn and read back on the respondent page."""

    #: Makes the unbound WTForms field for a question.
    field: Callable[[Question], Field]
    #: The template under ``templates/respond/answers/`` that draws it.
    partial: str
    #: The parameters that partial takes.
    params: ParamsBuilder


def _widget(
    field: Callable[[Question], Field], params: Callable[..., dict[str, Any]]
) -> AnswerRendering:
    """A type drawn by its govuk-frontend-wtf widget; ``params(question, is_heading=)``."""
    return AnswerRendering(
        field, WIDGET, lambda question, _field, is_heading: params(question, is_heading=is_heading)
    )


#: The partial for types drawn by their govuk-frontend-wtf widget.
WIDGET = "respond/answers/widget.html"


def _scale_params(question: Question, _field: Any, is_heading: bool) -> dict[str, Any]:
    """A 0 to 10 scale: a row of numbered radios that wraps, its end labels in the hint.

    The end labels ("Not at all likely", "Extremely likely") are the hints of the
    first and last scores; shown under the question (which the fieldset is
    described by) instead of under two of the boxes, so the boxes stay the same size.
    """
    params = view_model.choice_params(question, is_heading=is_heading)
    ends = []
    for option, item in zip(question.options, params["items"], strict=True):
        if option.hint and not option.exclude_from_base:
            item.pop("hint", None)
            ends.append(
                Markup('<span class="app-scale__end"><strong>{}</strong> {}</span>').format(
                    content_gettext(option.label), content_gettext(option.hint)
                )
            )
    hint = params.get("hint")
    own = Markup('<span class="app-scale__hint">{}</span>').format(hint["text"]) if hint else ""
    params["hint"] = {
        "html": Markup('{}<span class="app-scale__ends">{}</span>').format(
            own, Markup("").join(ends)
        )
    }
    params["classes"] = "app-scale"
    return params


RENDERING: Mapping[AnswerType, AnswerRendering] = {
    AnswerType.SINGLE: _widget(forms.radios, view_model.choice_params),
    AnswerType.AGREEMENT: _widget(forms.radios, view_model.choice_params),
    AnswerType.YES_NO: _widget(forms.radios, view_model.choice_params),
    AnswerType.FACE: _widget(forms.radios, view_model.face_params),
    AnswerType.MULTIPLE: _widget(forms.checkboxes, view_model.choice_params),
    AnswerType.TEXT: _widget(forms.text_box, view_model.text_params),
    AnswerType.NUMBER: _widget(forms.number_box, view_model.number_params),
    AnswerType.MONTH_YEAR: AnswerRendering(
        forms.month_year,
        "respond/answers/date.html",
        lambda question, field, is_heading: view_model.month_year_params(
            question, field, is_heading=is_heading
        ),
    ),
    AnswerType.SCALE_0_10: AnswerRendering(forms.radios, WIDGET, _scale_params),
}


@dataclass(frozen=True)
class DesignerSetting:
    """The designer's form fields for one setting, and how they become edit arguments."""

    #: Field names on the designer's QuestionForm, in the order the page shows them.
    fields: tuple[str, ...]
    #: The posted form -> keyword arguments of ``designer.editing.edit_question``.
    read: Callable[[Any], dict[str, Any]]


def _points(form: Any) -> dict[str, Any]:
    points = form.points.data
    return {"points": int(points) if points in ("3", "5") else (0 if points else None)}


#: The designer fields of each setting a type may take (``surveys.answer_types.Setting``).
DESIGNER_FIELDS: Mapping[Setting, DesignerSetting] = {
    Setting.OWN_OPTIONS: DesignerSetting(
        ("options",), lambda form: {"options_text": form.options.data or ""}
    ),
    Setting.RANGE: DesignerSetting(
        ("min_value", "max_value"),
        lambda form: {"min_value": form.min_value.data, "max_value": form.max_value.data},
    ),
    Setting.POINTS: DesignerSetting(("points",), _points),
    Setting.DONT_KNOW: DesignerSetting(
        ("dont_know",), lambda form: {"dont_know": form.dont_know.data != "no"}
    ),
}


def rendering(question: Question) -> AnswerRendering:
    """How ``question`` is drawn."""
    return RENDERING[question.type]


@dataclass(frozen=True)
class AnswerField:
    """One question on a page, ready for its partial."""

    question: Question
    field: Any
    params: dict[str, Any]
    partial: str


def answer_fields(
    page: Page, form: Any, *, warnings: Mapping[str, str] | None = None
) -> list[AnswerField]:
    """Every question of ``page`` with its bound field, parameters and partial.

    ``warnings`` (question id -> text) puts a personal data warning in the hint.
    """
    single = len(page.questions) == 1
    found = []
    for question in page.questions:
        drawn = rendering(question)
        params = drawn.params(question, form[question.id], single)
        if warnings and question.id in warnings:
            params = view_model.with_personal_data_warning(params, warnings[question.id])
        found.append(AnswerField(question, form[question.id], params, drawn.partial))
    return found


def _stored_to_form(question: Question, value: AnswerValue | None) -> Any:
    if value is None:
        return None
    if question.spec.several:
        return list(value) if isinstance(value, (list, tuple)) else [value]
    return str(value)


def page_form(page: Page, *, answers: Mapping[str, AnswerValue], formdata: Any = None) -> FlaskForm:
    """A form for ``page``, prefilled with saved ``answers`` when not posted."""
    data = {q.id: _stored_to_form(q, answers.get(q.id)) for q in page.questions}
    return page_form_class(page)(formdata=formdata, data=data)


#: (id of the page, language) -> (the page, its form class). The page is kept so
#: its id cannot be reused by another page while the entry lives.
_FORM_CLASSES: dict[tuple[int, str], tuple[Page, type[FlaskForm]]] = {}


def page_form_class(page: Page) -> type[FlaskForm]:
    """The form class of ``page`` in the request's language, built once per process.

    Labels and choices are translated when the class is built, so the cache is
    per language, and skipped while a coordinator's uploaded translation is in
    use (it may change at any time). Pages come from the per-version
    questionnaire cache, so a new version means new pages and new classes.
    """
    language = current_language()
    cacheable = not uses_uploaded_text()
    if cacheable:
        cached = _FORM_CLASSES.get((id(page), language))
        if cached is not None and cached[0] is page:
            return cached[1]

    class PageForm(FlaskForm):
        pass

    for question in page.questions:
        setattr(PageForm, question.id, rendering(question).field(question))
    if cacheable:
        if len(_FORM_CLASSES) > 2048:
            _FORM_CLASSES.clear()
        _FORM_CLASSES[(id(page), language)] = (page, PageForm)
    return PageForm


def cleaned_answers(page: Page, form: FlaskForm) -> dict[str, AnswerValue | None]:
    """The cleaned value of each question on a validated form (None = unanswered)."""
    return {q.id: getattr(form[q.id], "cleaned", None) for q in page.questions}
