"""Skip conditions in plain words, so reviewers who are not technical can check them.

``{"==": [{"answer": "plan_type"}, "ehcp"]}`` becomes: the answer to "What support
does your child have at the moment?" is "Education, Health and Care plan".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask_babel import gettext

from feedback_app.translating.content_translation import content_gettext
from surveys import Questionnaire
from surveys.routing import answer_ref


def _question_text(questionnaire: Questionnaire, question_id: str) -> str:
    question = questionnaire.question(question_id)
    return content_gettext(question.text) if question else question_id


def _value_text(questionnaire: Questionnaire, question_id: str, value: Any) -> str:
    question = questionnaire.question(question_id)
    option = question.option(str(value)) if question else None
    return content_gettext(option.label) if option else str(value)


def _values_text(questionnaire: Questionnaire, question_id: str, values: Any) -> str:
    items = values if isinstance(values, list | tuple) else [values]
    return gettext(" or ").join(f"“{_value_text(questionnaire, question_id, v)}”" for v in items)


Phrase = Callable[[str, str], str]

#: Operator -> how "the answer to <question> ..." continues.
_COMPARISONS: dict[str, Phrase] = {
    "==": lambda q, v: gettext("the answer to “%(question)s” is %(value)s", question=q, value=v),
    "!=": lambda q, v: gettext(
        "the answer to “%(question)s” is not %(value)s", question=q, value=v
    ),
    "in": lambda q, v: gettext("“%(question)s” is answered %(value)s", question=q, value=v),
    "not in": lambda q, v: gettext("“%(question)s” is not answered %(value)s", question=q, value=v),
    ">": lambda q, v: gettext(
        "the answer to “%(question)s” is more than %(value)s", question=q, value=v
    ),
    ">=": lambda q, v: gettext(
        "the answer to “%(question)s” is %(value)s or more", question=q, value=v
    ),
    "<": lambda q, v: gettext(
        "the answer to “%(question)s” is less than %(value)s", question=q, value=v
    ),
    "<=": lambda q, v: gettext(
        "the answer to “%(question)s” is %(value)s or less", question=q, value=v
    ),
}


def describe_condition(condition: Any, questionnaire: Questionnaire) -> str:
    """A condition as a phrase ("the answer to “…” is “Yes”"), for a checked questionnaire."""
    try:
        return _describe(condition, questionnaire)
    except ValueError:
        return str(condition)


def _describe(condition: Any, questionnaire: Questionnaire) -> str:
    if not (isinstance(condition, Mapping) and len(condition) == 1):
        return str(condition)
    ((operator, args),) = condition.items()
    if operator in {"all", "any"} and isinstance(args, list):
        joiner = gettext(" and ") if operator == "all" else gettext(" or ")
        return joiner.join(f"({_describe(c, questionnaire)})" for c in args)
    if operator in {"answered", "not answered"}:
        question = _question_text(questionnaire, answer_ref(args))
        if operator == "answered":
            return gettext("“%(question)s” has been answered", question=question)
        return gettext("“%(question)s” has not been answered", question=question)
    phrase = _COMPARISONS.get(operator)
    if phrase is None or not (isinstance(args, list) and len(args) == 2):
        return str(condition)
    question_id = answer_ref(args[0])
    question = _question_text(questionnaire, question_id)
    if operator in {"==", "!=", "in", "not in"}:
        value = _values_text(questionnaire, question_id, args[1])
    else:
        value = str(args[1])
    return phrase(question, value)
