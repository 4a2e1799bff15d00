"""Where a respondent is: the path through the questionnaire and what is missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext

from feedback_app.translating.content_translation import content_gettext
from surveys import Questionnaire, routing
from surveys.answers import format_answer
from surveys.model import AnswerValue


def path(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> tuple[str, ...]:
    """Page ids on the respondent's route given their answers so far."""
    return routing.path(questionnaire, answers)


def resume_page(questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]) -> str | None:
    """The first page on the route with a required question unanswered (None: all done).

    Pages whose questions are all optional are not stopped at: the respondent saw
    them on the way, and can change them from "check your answers".
    """
    for page_id in routing.path(questionnaire, answers):
        page = questionnaire.page(page_id)
        if page is not None and any(not q.optional and q.id not in answers for q in page.questions):
            return page_id
    return None


@dataclass(frozen=True)
class SummaryRow:
    """One row of "check your answers"."""

    page_id: str
    question_id: str
    question: str
    answer: str


def summary_rows(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> list[SummaryRow]:
    """Every question on the route with the answer given, translated."""
    rows = []
    for page_id in routing.path(questionnaire, answers):
        page = questionnaire.page(page_id)
        if page is None:  # pragma: no cover
            continue
        for q in page.questions:
            value = answers.get(q.id)
            if value is None:
                shown = gettext("Not answered")
            elif q.is_closed:
                codes = value if isinstance(value, tuple) else (str(value),)
                labels = [q.option(c).label for c in codes if q.option(c)]  # type: ignore[union-attr]
                shown = ", ".join(content_gettext(label) for label in labels)
            else:
                shown = format_answer(q, value)
            rows.append(SummaryRow(page_id, q.id, content_gettext(q.text), shown))
    return rows
