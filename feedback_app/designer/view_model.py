"""What the designer's templates need, built from the questionnaire (no views here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from feedback_app.designer.editing import (
    bank_questions,
    earlier_closed_questions,
    is_locked,
    positive_choices,
)
from feedback_app.designer.forms import ANSWER_TYPES
from feedback_app.respond.answer_types import DESIGNER_FIELDS, AnswerField, answer_fields
from feedback_app.translating.content_translation import content_gettext
from surveys import AnswerType, Condition, Page, Question, Questionnaire, Setting, spec_of
from surveys.library import kpi_bank

#: The "show this question only if ..." choice that removes the rule.
ALWAYS = "always"

TYPE_NAMES = {answer_type.value: text for answer_type, text, _hint in ANSWER_TYPES}


@dataclass(frozen=True)
class QuestionRow:
    """One question in the overview, with what it shows and what can be done to it."""

    number: int
    question: Question
    type_name: str
    kpi_references: list[str]
    locked: bool
    show_if: str | None
    is_first: bool
    is_last: bool
    options: list[str]
    #: Labels of the answers counted as positive; None when none can be (free text,
    #: an area's own list).
    positive: list[str] | None = None


PICTURE_NAMES = {
    "friends": _l("Friends"),
    "future": _l("The future"),
    "health": _l("Health"),
    "help": _l("Help"),
    "home": _l("Home"),
    "listen": _l("Listening"),
    "school": _l("School"),
    "talk": _l("Talking"),
}


def picture_name(name: str) -> str:
    """What a bundled picture shows, in words."""
    return str(PICTURE_NAMES.get(name, name.replace("_", " ").capitalize()))


def kpi_references(question: Question) -> list[str]:
    """ "KPI 4/1" and so on, for the KPIs this question feeds."""
    bank = kpi_bank()
    return [
        (kpi.reference or kpi.id) if (kpi := bank.get(kpi_id)) else kpi_id
        for kpi_id in question.kpis
    ]


def question_rows(q: Questionnaire) -> list[QuestionRow]:
    """Every question in order, as the overview lists them."""
    rows: list[QuestionRow] = []
    questions = q.questions()
    for page in q.pages:
        for question in page.questions:
            number = len(rows) + 1
            rows.append(
                QuestionRow(
                    number=number,
                    question=question,
                    type_name=str(TYPE_NAMES.get(question.type.value, question.type.value)),
                    kpi_references=kpi_references(question),
                    locked=is_locked(question),
                    show_if=describe_show_when(q, page.show_when),
                    is_first=number == 1,
                    is_last=number == len(questions),
                    options=[o.label for o in question.options],
                    positive=(
                        [o.label for o in question.options if o.code in question.positive_codes]
                        if positive_choices(question)
                        else None
                    ),
                )
            )
    return rows


def describe_show_when(q: Questionnaire, condition: Condition | None) -> str | None:
    """A page's skip rule in plain words, or None when the page is always shown."""
    if condition is None:
        return None
    simple = simple_rule(condition)
    if simple is not None:
        source_id, codes = simple
        source = q.question(source_id)
        if source is not None:
            labels = [
                content_gettext(o.label) if (o := source.option(code)) else code for code in codes
            ]
            return gettext(
                "Only if the answer to “%(question)s” is: %(answers)s",
                question=content_gettext(source.text),
                answers=gettext(" or ").join(labels),
            )
    return gettext("Only when a rule written in the questionnaire file holds")


def simple_rule(condition: Condition) -> tuple[str, list[str]] | None:
    """``(question id, codes)`` for the rules the designer writes ("is one of"), or None."""
    if len(condition) != 1:
        return None
    ((operator, args),) = condition.items()
    if operator not in ("in", "==") or not (isinstance(args, list) and len(args) == 2):
        return None
    reference, value = args
    source = reference.get("answer") if isinstance(reference, dict) else reference
    codes = value if isinstance(value, list) else [value]
    if not isinstance(source, str) or not all(isinstance(c, str) for c in codes):
        return None
    return source, codes


def bank_choices(q: Questionnaire) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """KPI radios: value and label, and a hint showing the locked wording.

    KPIs whose question is already in the questionnaire are left out.
    """
    choices, items = [], []
    for entry in bank_questions():
        if q.question(entry.question.id) is not None:
            continue
        choices.append((entry.kpi_id, f"{entry.reference}: {entry.title}"))
        items.append(
            {
                "hint": {
                    "text": gettext("Asks: “%(text)s”", text=content_gettext(entry.question.text))
                }
            }
        )
    return choices, items


def options_text(question: Question) -> str:
    """The options as the "one answer on each line" box shows them."""
    return "\n".join(o.label for o in question.options)


def question_form_data(question: Question) -> dict[str, object]:
    """The edit form's fields filled in from ``question`` as it is now."""
    return {
        "text": question.text,
        "hint": question.hint or "",
        "options": options_text(question),
        "must_answer": "no" if question.optional else "yes",
        "min_value": question.min_value,
        "max_value": question.max_value,
        "picture": question.picture or "",
        "points": str(question.points or 5),
        "dont_know": "yes" if question.option("dont_know") else "no",
    }


def writes_own_options(answer_type: AnswerType) -> bool:
    """True when the coordinator writes the options (not a standard scale)."""
    return Setting.OWN_OPTIONS in spec_of(answer_type).settings


def setting_fields(answer_type: AnswerType) -> list[str]:
    """The designer form fields for the settings ``answer_type`` takes, besides options."""
    settings = spec_of(answer_type).settings - {Setting.OWN_OPTIONS}
    return [name for s, entry in DESIGNER_FIELDS.items() if s in settings for name in entry.fields]


def fixed_option_labels(answer_type: AnswerType, question: Question | None) -> list[str]:
    """The answers people choose from when the coordinator does not write them."""
    if question is not None:
        return [o.label for o in question.options]
    spec = spec_of(answer_type)
    return [o.label for o in spec.standard_options(spec.default_points)]


def preview_fields(page: Page, form: Any) -> list[AnswerField]:
    """The respondent page's fields, built exactly as the respondent view builds them."""
    return answer_fields(page, form)


def _short(text: str) -> str:
    """A question's wording, translated and cut to fit a select option."""
    text = content_gettext(text)
    return text if len(text) <= 60 else text[:57] + "..."


def show_if_choices(questionnaire: Questionnaire, question_id: str) -> list[tuple[str, str]]:
    """Step 1 of "show this question only if ...": always, or an earlier question to look at."""
    sources = earlier_closed_questions(questionnaire, question_id)
    return [(ALWAYS, gettext("Always"))] + [
        (s.id, gettext("Only if the answer to “%(question)s” is ...", question=_short(s.text)))
        for s in sources
    ]
