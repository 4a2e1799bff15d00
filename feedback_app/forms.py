"""WTForms forms built from questionnaire pages through a lookup table.

Each answer type maps to a field builder. Every field is validated by the same
rule as the domain (``surveys.answers.clean_answer``), so the web layer never
decides on its own what a valid answer is.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from flask_babel import gettext
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovTextInput,
)
from wtforms import (
    Field,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from feedback_app.choices import select_choices
from feedback_app.content_translation import content_gettext
from surveys import AnswerType, Page, Question
from surveys.answers import AnswerError, clean_answer
from surveys.model import AnswerValue


class CleanAnswer:
    """Validate a field with the domain rule; keep the cleaned value on the field."""

    field_flags: ClassVar[dict[str, bool]] = {"required": False}

    def __init__(self, question: Question) -> None:
        self.question = question

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        raw = [str(v) for v in (field.raw_data or [])]
        try:
            field.cleaned = clean_answer(self.question, raw)  # type: ignore[attr-defined]
        except AnswerError as error:
            # An option label inside a message is questionnaire text: translate it too.
            params = {k: gettext(v) if k == "option" else v for k, v in error.params.items()}
            raise ValidationError(gettext(error.message, **params)) from None


class MonthYearField(Field):
    """A month and a year, posted as ``<name>-month`` and ``<name>-year``."""

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            month = formdata.get(f"{self.name}-month", "")
            year = formdata.get(f"{self.name}-year", "")
            self.raw_data = [month, year] if (month or year) else []
            self.month, self.year = month, year
        elif isinstance(data, str) and "-" in data:
            self.year, self.month = data.split("-", 1)
        else:
            self.month = self.year = ""

    def _value(self) -> str:
        return ""


def _choices(question: Question) -> list[SelectChoice]:
    return select_choices(
        (option.code, content_gettext(option.label)) for option in question.options
    )


def _radios(question: Question) -> Field:
    return RadioField(
        content_gettext(question.text),
        choices=_choices(question),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[CleanAnswer(question)],
    )


def _checkboxes(question: Question) -> Field:
    return SelectMultipleField(
        content_gettext(question.text),
        choices=_choices(question),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        validators=[CleanAnswer(question)],
    )


def _text(question: Question) -> Field:
    return TextAreaField(
        content_gettext(question.text),
        widget=GovCharacterCount(),
        validators=[CleanAnswer(question)],
    )


def _number(question: Question) -> Field:
    return StringField(
        content_gettext(question.text),
        widget=GovTextInput(),
        validators=[CleanAnswer(question)],
    )


def _month_year(question: Question) -> Field:
    return MonthYearField(content_gettext(question.text), validators=[CleanAnswer(question)])


#: Answer type -> field builder. Adding an answer type means adding a row here.
FIELD_BUILDERS: Mapping[AnswerType, Callable[[Question], Field]] = {
    AnswerType.SINGLE: _radios,
    AnswerType.AGREEMENT: _radios,
    AnswerType.YES_NO: _radios,
    AnswerType.FACE: _radios,
    AnswerType.MULTIPLE: _checkboxes,
    AnswerType.TEXT: _text,
    AnswerType.NUMBER: _number,
    AnswerType.MONTH_YEAR: _month_year,
}


def _stored_to_form(question: Question, value: AnswerValue | None) -> Any:
    if value is None:
        return None
    if question.type is AnswerType.MULTIPLE:
        return list(value) if isinstance(value, (list, tuple)) else [value]
    return str(value)


def page_form(page: Page, *, answers: Mapping[str, AnswerValue], formdata: Any = None) -> FlaskForm:
    """A form for ``page``, prefilled with saved ``answers`` when not posted."""

    class PageForm(FlaskForm):
        pass

    for question in page.questions:
        setattr(PageForm, question.id, FIELD_BUILDERS[question.type](question))
    data = {q.id: _stored_to_form(q, answers.get(q.id)) for q in page.questions}
    return PageForm(formdata=formdata, data=data)


def cleaned_answers(page: Page, form: FlaskForm) -> dict[str, AnswerValue | None]:
    """The cleaned value of each question on a validated form (None = unanswered)."""
    return {q.id: getattr(form[q.id], "cleaned", None) for q in page.questions}
