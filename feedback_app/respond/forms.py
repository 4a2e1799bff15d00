"""WTForms forms built from questionnaire pages.

Each answer type's field builder is named in its web rendering entry
(``feedback_app.respond.answer_types``). Every field is validated by the same
rule as the domain (``surveys.answers.clean_answer``), so the web layer never
decides on its own what a valid answer is.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovRadioInput,
    GovTextInput,
)
from markupsafe import Markup
from wtforms import (
    Field,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from feedback_app.translating.content_translation import content_gettext
from feedback_app.web.choices import select_choices
from feedback_app.web.request_translations import gettext
from surveys import Question
from surveys.answers import AnswerError, clean_answer


class CleanAnswer:
    """Validate a field with the domain rule; keep the cleaned value on the field."""

    field_flags: ClassVar[dict[str, bool]] = {"required": False}

    def __init__(self, question: Question) -> None:
        self.question = question

    def __call__(self, _form: FlaskForm, field: Field) -> None:
        raw = [str(v) for v in (field.raw_data or [])]
        try:
            field.cleaned = clean_answer(self.question, raw)
        except AnswerError as error:
            # An option label or question inside a message is questionnaire text:
            # translate it too.
            params = {
                k: content_gettext(v) if k in {"option", "question"} else v
                for k, v in error.params.items()
            }
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


#: An option item with this key gets a divider item (its text, "or") before it.
DIVIDER_BEFORE = "divider_before"


class _Dividers:
    """Widget mix-in: put in the divider items ``DIVIDER_BEFORE`` asks for.

    govuk-frontend-wtf merges the template's items into the choices by position,
    so a divider (an item of its own) cannot be passed in; it is added here.
    """

    def map_gov_params(self, field: Field, **kwargs: Any) -> dict[str, Any]:
        params: dict[str, Any] = super().map_gov_params(field, **kwargs)  # type: ignore[misc]
        items: list[dict[str, Any]] = []
        for item in params.get("items", []):
            divider = item.pop(DIVIDER_BEFORE, None)
            if divider:
                items.append({"divider": divider})
            items.append(item)
        params["items"] = items
        return params


#: (widget template, frozen parameters) -> the HTML the govuk-frontend macro drew.
_DRAWN: dict[tuple[str, Hashable], Markup] = {}
#: Entries kept at most (a few kilobytes each); emptied when full.
DRAWN_LIMIT = 2048


def _frozen(value: Any) -> Hashable:
    """``value`` as a hashable key that tells Markup from str; TypeError if it can't."""
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return ("list", *(_frozen(item) for item in value))
    if isinstance(value, Markup):
        return ("markup", str(value))
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"not a key: {type(value).__name__}")


class _Remembered:
    """Widget mix-in: draw the same parameters once per process (issue 17).

    A govuk-frontend macro's HTML depends only on its parameters, and a choice
    question's parameters come from the definition, the language and which
    options are ticked, so the few combinations a page has are drawn once instead
    of on every page view (the radios were a third of a question page's CPU).
    Only choice widgets are remembered: a free-text answer is never kept.
    """

    template: str

    def render(self, params: dict[str, Any]) -> Markup:
        try:
            key = (self.template, _frozen(params))
        except TypeError:
            return super().render(params)  # type: ignore[misc]
        drawn = _DRAWN.get(key)
        if drawn is None:
            drawn = super().render(params)  # type: ignore[misc]
            if len(_DRAWN) >= DRAWN_LIMIT:
                _DRAWN.clear()
            _DRAWN[key] = drawn
        return drawn


def remembered(macro: Any, params: dict[str, Any]) -> Markup:
    """``{{ remembered(govukButton, {...}) }}``: a govuk-frontend macro's HTML, drawn
    once per process for each set of parameters (issue 17).

    For the page's fixed furniture (buttons, back link, skip link), imported
    without context, so the HTML depends on nothing but ``params``: the button
    texts in the page's language, the back link's address. Parameters that
    cannot be a key are drawn every time.
    """
    try:
        key = (f"macro:{macro._func.__code__.co_filename}:{macro.name}", _frozen(params))
    except (TypeError, AttributeError):
        return Markup(macro(params))  # noqa: S704 - the macro's own autoescaped output
    drawn = _DRAWN.get(key)
    if drawn is None:
        drawn = Markup(macro(params))  # noqa: S704 - the macro's own autoescaped output
        if len(_DRAWN) >= DRAWN_LIMIT:
            _DRAWN.clear()
        _DRAWN[key] = drawn
    return drawn


class DividedRadios(_Remembered, _Dividers, GovRadioInput):
    """GOV.UK radios that can have an "or" divider."""


class DividedCheckboxes(_Remembered, _Dividers, GovCheckboxesInput):
    """GOV.UK checkboxes that can have an "or" divider."""


def _choices(question: Question) -> list[SelectChoice]:
    return select_choices(
        (option.code, content_gettext(option.label)) for option in question.options
    )


def _options(field: type[Field], widget: Any, question: Question) -> Field:
    """A field of the question's options; what was chosen is checked by CleanAnswer."""
    return field(
        content_gettext(question.text),
        choices=_choices(question),
        validate_choice=False,
        widget=widget,
        validators=[CleanAnswer(question)],
    )


def radios(question: Question) -> Field:
    """Radios: choose one option."""
    return _options(RadioField, DividedRadios(), question)


def checkboxes(question: Question) -> Field:
    """Checkboxes: tick all that apply."""
    return _options(SelectMultipleField, DividedCheckboxes(), question)


def text_box(question: Question) -> Field:
    """A text box with a character count."""
    return TextAreaField(
        content_gettext(question.text),
        widget=GovCharacterCount(),
        validators=[CleanAnswer(question)],
    )


def number_box(question: Question) -> Field:
    """A short box for a whole number."""
    return StringField(
        content_gettext(question.text),
        widget=GovTextInput(),
        validators=[CleanAnswer(question)],
    )


def month_year(question: Question) -> Field:
    """Month and year boxes."""
    return MonthYearField(content_gettext(question.text), validators=[CleanAnswer(question)])
