"""Load-time checks of routing and skip conditions: shape, references and values.

Split from ``surveys.checks`` to keep each module to one job. A condition may only
look at answers the respondent has already given: ``show_when`` at earlier pages,
``routes`` at earlier pages or the page itself.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from surveys.model import AnswerType, Questionnaire
from surveys.model import Question as QuestionDef
from surveys.routing import OPERATORS

Loc = tuple[str | int, ...]
Finding = tuple[Loc, str]

COMPARISONS = frozenset({"==", "!="})
MEMBERSHIP = frozenset({"in", "not in"})
ORDERING = frozenset({">", ">=", "<", "<="})
PRESENCE = frozenset({"answered", "not answered"})
COMBINATORS = frozenset({"all", "any"})
#: Every operator has a known shape; a test keeps this in step with OPERATORS.
SHAPES = COMPARISONS | MEMBERSHIP | ORDERING | PRESENCE | COMBINATORS

MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class ConditionContext:
    """Where a condition sits: which page, and whether that page's own answers count."""

    questionnaire: Questionnaire
    page_index: int
    same_page_allowed: bool


def condition_findings(condition: Any, loc: Loc, context: ConditionContext) -> list[Finding]:
    """Every problem with ``condition`` (at ``loc``), recursing into ``all``/``any``."""
    if not (isinstance(condition, Mapping) and len(condition) == 1):
        return [(loc, 'a condition has exactly one operator, e.g. {"==": [{answer: q}, code]}')]
    ((operator, args),) = condition.items()
    here = (*loc, operator)
    if operator not in OPERATORS or operator not in SHAPES:
        known = ", ".join(sorted(OPERATORS))
        return [(here, f"unknown operator {operator!r}; use one of: {known}")]
    if operator in COMBINATORS:
        if not (isinstance(args, list) and args):
            return [(here, f"{operator!r} needs a list of conditions")]
        findings: list[Finding] = []
        for index, inner in enumerate(args):
            findings += condition_findings(inner, (*here, index), context)
        return findings
    if operator in PRESENCE:
        question, problem = _reference(args, here, context)
        return [problem] if problem else []
    if not (isinstance(args, list) and len(args) == 2):
        return [(here, f"{operator!r} needs two things: [{{answer: question_id}}, value]")]
    question, problem = _reference(args[0], (*here, 0), context)
    if problem or question is None:
        return [problem] if problem else []
    return _value_findings(operator, question, args[1], (*here, 1))


def _reference(
    operand: Any, loc: Loc, context: ConditionContext
) -> tuple[QuestionDef | None, Finding | None]:
    if isinstance(operand, Mapping) and set(operand) == {"answer"}:
        operand = operand["answer"]
    if not isinstance(operand, str):
        return None, (loc, "must name a question, e.g. {answer: plan_type}")
    q = context.questionnaire
    question = q.question(operand)
    page = q.page_of(operand)
    if question is None or page is None:
        return None, (loc, f"refers to question {operand!r}, which does not exist")
    index = q.pages.index(page)
    if index > context.page_index or (
        index == context.page_index and not context.same_page_allowed
    ):
        where = "earlier pages or this page" if context.same_page_allowed else "earlier pages"
        which = "this page" if index == context.page_index else "a later page"
        return None, (
            loc,
            f"can only look at answers on {where}; question {operand!r} is on {which}",
        )
    return question, None


def _value_findings(operator: str, question: QuestionDef, value: Any, loc: Loc) -> list[Finding]:
    if question.spec.free_text:
        return [(loc, f"free-text question {question.id!r} can only be tested with 'answered'")]
    if operator in ORDERING and not question.spec.ordered:
        return [(loc, f"{operator!r} only compares numbers or months; {question.id!r} is not")]
    if operator in MEMBERSHIP:
        if not (isinstance(value, list) and value):
            return [(loc, f"{operator!r} needs a non-empty list of values")]
        findings: list[Finding] = []
        for index, item in enumerate(value):
            findings += _single_value(question, item, (*loc, index))
        return findings
    return _single_value(question, value, loc)


def _single_value(question: QuestionDef, value: Any, loc: Loc) -> list[Finding]:
    if question.type is AnswerType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return [(loc, f"{value!r} is not a number, but {question.id!r} asks for one")]
        return []
    if question.type is AnswerType.MONTH_YEAR:
        if not (isinstance(value, str) and MONTH_PATTERN.match(value)):
            return [(loc, f"{value!r} is not a month written as YYYY-MM")]
        return []
    if not isinstance(value, str):
        return [(loc, f"{value!r} is not an option code of {question.id!r}")]
    if question.area_options is not None or not question.options:
        # Area options: the area supplies the real codes later, so only the shape can
        # be checked now. No options at all is reported as a problem of its own.
        if not _CODE_PATTERN.match(value):
            return [(loc, f"{value!r} is not a valid option code")]
        return []
    if question.option(value) is None:
        codes = ", ".join(o.code for o in question.options)
        return [(loc, f"{value!r} is not an option of {question.id!r} (options: {codes})")]
    return []
