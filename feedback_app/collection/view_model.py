"""What the paper entry templates need, built from the questionnaire (no views here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import Field

from feedback_app.collection.forms import field_name
from feedback_app.collection.numbering import numbered_options, option_number, question_numbers
from feedback_app.translating.content_translation import content_gettext
from surveys import Questionnaire
from surveys.answers import format_answer
from surveys.model import AnswerValue, Question

_KEYED_ATTRIBUTES = {"autocomplete": "off", "spellcheck": "false"}


@dataclass(frozen=True)
class KeyedField:
    """One question's box on the entry screen, with its paper number."""

    number: int
    question: Question
    field: Field
    params: dict[str, Any]


def _hint(question: Question) -> dict[str, Any]:
    how = escape(gettext(question.spec.key_how))
    if not question.is_closed:
        return {"html": Markup(f"{how}. {escape(gettext('Leave blank if not answered.'))}")}  # noqa: S704
    # The printed numbers, so the officer reads "box 2" straight off the paper.
    items = "".join(
        f'<li><span class="app-keying-options__number">{n}</span> '
        f"{escape(content_gettext(option.label))}</li>"
        for n, option in numbered_options(question)
    )
    return {
        "html": Markup(  # noqa: S704 - every part is escaped; the markup is ours
            f"{how}. {escape(gettext('Leave blank if not answered.'))}"
            f'<ul class="govuk-list app-keying-options">{items}</ul>'
        )
    }


def keyed_fields(questionnaire: Questionnaire, form: FlaskForm) -> list[KeyedField]:
    """Every question's box, numbered as on the printed form."""
    numbers = question_numbers(questionnaire)
    fields = []
    for question in questionnaire.questions():
        number = numbers[question.id]
        params: dict[str, Any] = {
            "label": {
                "text": gettext(
                    "%(number)s. %(question)s",
                    number=number,
                    question=content_gettext(question.text),
                ),
                "classes": "govuk-label--s",
            },
            "hint": _hint(question),
            "attributes": dict(_KEYED_ATTRIBUTES),
        }
        if question.spec.free_text:
            params["rows"] = 3
        else:
            params["classes"] = "govuk-input--width-10"
            if question.is_closed and not question.spec.several:
                params["attributes"]["inputmode"] = "numeric"
        fields.append(KeyedField(number, question, form[field_name(question.id)], params))
    return fields


def shown_answer(question: Question, value: AnswerValue | None) -> str:
    """A keyed answer in words, with option numbers, for comparing keyings."""
    if value is None:
        return gettext("Blank")
    if question.is_closed:
        codes = value if isinstance(value, tuple) else (str(value),)
        shown = []
        for code in codes:
            number = option_number(question, code)
            option = question.option(code)
            label = content_gettext(option.label) if option else code
            shown.append(f"{number} {label}" if number is not None else label)
        return ", ".join(shown)
    return format_answer(question, value)


def difference_labels(
    questionnaire: Questionnaire,
    differing: list[str],
    first: dict[str, AnswerValue],
    second: dict[str, AnswerValue],
) -> dict[str, tuple[str, str, str]]:
    """For each differing question: (legend, first keying shown, second keying shown)."""
    numbers = question_numbers(questionnaire)
    labels = {}
    for qid in differing:
        question = questionnaire.question(qid)
        if question is None:  # pragma: no cover - ids come from this questionnaire
            continue
        legend = gettext(
            "%(number)s. %(question)s", number=numbers[qid], question=content_gettext(question.text)
        )
        labels[qid] = (
            legend,
            gettext("First keying: %(answer)s", answer=shown_answer(question, first.get(qid))),
            gettext("Second keying: %(answer)s", answer=shown_answer(question, second.get(qid))),
        )
    return labels
