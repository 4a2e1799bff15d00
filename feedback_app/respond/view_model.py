"""What the question templates need, built from the definition (no Flask views here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from feedback_app.quality import signals
from feedback_app.respond.forms import DIVIDER_BEFORE
from feedback_app.translating.content_translation import content_gettext
from feedback_app.web.request_translations import gettext
from feedback_app.web.static_files import picture_svg
from surveys import Page, Question
from surveys.model import AnswerValue
from surveys.personal_data import PersonalDataKind, personal_data_kinds

#: Posted as "keep" by the button that keeps an answer with contact details in it.
KEEP_FIELD = "personal_data"
#: Posted by "Save and come back later": save what is done of the page, then the code.
SAVE_LATER_FIELD = "save_later"

#: Small screens and tired eyes: the number input asks for digits.
NUMBER_ATTRIBUTES = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}


def question_text(question: Question) -> str:
    """The question as shown, with "(optional)" when it may be skipped (GOV.UK pattern)."""
    text = content_gettext(question.text)
    return gettext("%(question)s (optional)", question=text) if question.optional else text


def _legend(question: Question, *, is_heading: bool) -> dict[str, Any]:
    classes = "govuk-fieldset__legend--l" if is_heading else "govuk-fieldset__legend--m"
    return {"text": question_text(question), "isPageHeading": is_heading, "classes": classes}


def _hint(question: Question) -> dict[str, Any] | None:
    return {"text": content_gettext(question.hint)} if question.hint else None


def _option_items(question: Question) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    divided = False
    for index, option in enumerate(question.options):
        label = escape(content_gettext(option.label))
        item: dict[str, Any] = {}
        if option.picture:
            # The face has visible words beside it; the picture itself is decoration.
            # The label is escaped; the picture is our own bundled SVG, put inline
            # to save a request per face on a phone.
            item["html"] = Markup(  # noqa: S704
                f'<span class="app-face">{picture_svg(option.picture)}</span>{label}'
            )
        if option.hint:
            item["hint"] = {"text": content_gettext(option.hint)}
        if option.exclusive:
            item["behaviour"] = "exclusive"
        apart = option.exclusive or (question.spec.divide_excluded and option.exclude_from_base)
        if apart and index > 0 and not divided:
            # GOV.UK pattern: an "or" divider before "none of these" or "don't know".
            # The widget puts it in as an item of its own (forms.DIVIDER_BEFORE).
            item[DIVIDER_BEFORE] = gettext("or")
            divided = True
        items.append(item)
    return items


def _label(question: Question, *, is_heading: bool) -> dict[str, Any]:
    label: dict[str, Any] = {"text": question_text(question)}
    if is_heading:
        label.update(isPageHeading=True, classes="govuk-label--l")
    else:
        label["classes"] = "govuk-label--m"
    return label


def choice_params(question: Question, *, is_heading: bool) -> dict[str, Any]:
    """Radios or checkboxes: a fieldset whose legend is the question."""
    return {
        "fieldset": {"legend": _legend(question, is_heading=is_heading)},
        "items": _option_items(question),
        "hint": _hint(question),
    }


def face_params(question: Question, *, is_heading: bool) -> dict[str, Any]:
    """Radios with a face picture beside each answer."""
    return {**choice_params(question, is_heading=is_heading), "classes": "app-face-scale"}


def text_params(question: Question, *, is_heading: bool) -> dict[str, Any]:
    """A text box with a character count."""
    return {
        "label": _label(question, is_heading=is_heading),
        "hint": _hint(question),
        "maxlength": question.max_length,
        "rows": 6,
    }


def number_params(question: Question, *, is_heading: bool) -> dict[str, Any]:
    """A short box for a whole number, with the numeric keyboard on phones."""
    return {
        "label": _label(question, is_heading=is_heading),
        "hint": _hint(question),
        "classes": "govuk-input--width-5",
        "attributes": NUMBER_ATTRIBUTES,
    }


def month_year_params(question: Question, field: Any, *, is_heading: bool) -> dict[str, Any]:
    """Parameters for ``govukDateInput`` with month and year only."""
    error = field.errors[0] if field.errors else None
    error_classes = " govuk-input--error" if error else ""
    return {
        # The wrapper gets its own id; the month input carries the field id, so the
        # error summary link lands on the first box to fill in.
        "id": f"{field.id}-date",
        "namePrefix": field.name,
        "fieldset": {"legend": _legend(question, is_heading=is_heading)},
        "hint": _hint(question) or {"text": gettext("For example, 3 2025")},
        "errorMessage": {"text": error} if error else None,
        "items": [
            {
                "id": field.id,
                "name": "month",
                "label": gettext("Month"),
                "classes": "govuk-input--width-2" + error_classes,
                "value": field.month,
                "attributes": NUMBER_ATTRIBUTES,
            },
            {
                "id": f"{field.id}-year",
                "name": "year",
                "label": gettext("Year"),
                "classes": "govuk-input--width-4" + error_classes,
                "value": field.year,
                "attributes": NUMBER_ATTRIBUTES,
            },
        ],
    }


def page_title(page: Page) -> str:
    """The ``<title>`` text: the page heading, or its one question."""
    return page_heading(page) or question_text(page.questions[0])


def page_heading(page: Page) -> str | None:
    """The page's own heading when it groups several questions."""
    if len(page.questions) > 1:
        return content_gettext(page.title) if page.title else None
    return None


def personal_data_warnings(page: Page, cleaned: Mapping[str, AnswerValue | None]) -> dict[str, str]:
    """Question id -> a warning for free-text answers that hold contact details."""
    warnings = {}
    for question in page.questions:
        value = cleaned.get(question.id)
        if not question.spec.free_text or not isinstance(value, str):
            continue
        kinds = personal_data_kinds(value)
        if kinds == {PersonalDataKind.EMAIL, PersonalDataKind.PHONE}:
            warnings[question.id] = gettext(
                "Your answer seems to include an email address and a phone number."
            )
        elif PersonalDataKind.EMAIL in kinds:
            warnings[question.id] = gettext("Your answer seems to include an email address.")
        elif PersonalDataKind.PHONE in kinds:
            warnings[question.id] = gettext("Your answer seems to include a phone number.")
    return warnings


def with_personal_data_warning(params: dict[str, Any], warning: str) -> dict[str, Any]:
    """``params`` with the warning shown in the hint, which the answer box is described by.

    GOV.UK warning text, not an error message: the answer can be kept as it is.
    """
    advice = gettext(
        "You do not need to give contact details. You can remove them and select"
        " \u201cSave and continue\u201d, or keep your answer as it is."
    )
    hint = params.get("hint")
    existing = escape(hint["text"]) if hint else ""
    html = Markup(  # noqa: S704 - every piece of text is escaped
        '<div class="govuk-warning-text app-personal-data-warning">'
        '<span class="govuk-warning-text__icon" aria-hidden="true">!</span>'
        '<strong class="govuk-warning-text__text">'
        f'<span class="govuk-visually-hidden">{escape(gettext("Warning"))}</span>'
        f"{escape(warning)} {escape(advice)}</strong></div>{existing}"
    )
    return {**params, "hint": {"html": html}}


@dataclass(frozen=True)
class QuestionPage:
    """Everything the question page shows besides the visit, in one object."""

    page: Page
    form: Any
    #: Each question with its bound field, parameters and partial (``answer_fields``).
    fields: list[Any]
    #: The page's own heading when it groups several questions, else None.
    heading: str | None
    #: The ``<title>`` text.
    title: str
    back_url: str
    #: Changing an answer from the check page ("Save and go back to your answers").
    change: bool
    #: A contact-details warning is shown: offer "Keep my answer as it is".
    personal_data_warning: bool
    #: The signed time the page was shown (the minimum-time bot signal).
    timer: str
    #: Names of the posted fields the page's buttons and bot signals use.
    keep_field: str = KEEP_FIELD
    save_later_field: str = SAVE_LATER_FIELD
    honeypot_field: str = signals.HONEYPOT_FIELD
    timer_field: str = signals.TIMER_FIELD

    @classmethod
    def build(
        cls,
        *,
        page: Page,
        form: Any,
        fields: list[Any],
        back_url: str,
        change: bool,
        personal_data_warning: bool,
        timer: str,
    ) -> QuestionPage:
        """The view model of ``page``; heading and title come from the definition."""
        return cls(
            page=page,
            form=form,
            fields=fields,
            heading=page_heading(page),
            title=page_title(page),
            back_url=back_url,
            change=change,
            personal_data_warning=personal_data_warning,
            timer=timer,
        )
