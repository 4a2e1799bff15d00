"""Questionnaires the tests build from the bundled library: the parent annual
survey, one of its questions changed, and the KPI questions it asks."""

from __future__ import annotations

from typing import Any

from surveys import Questionnaire
from surveys.library import bundled_questionnaires

#: The questions behind the bundled KPIs, in the library's order.
KPI_QUESTIONS = (
    "trust_confidence",
    "help_support_rating",
    "assessment_information_rating",
    "influence_change",
    "listened_to_ehcp",
    "communication_improved",
)


def annual() -> Questionnaire:
    """The bundled parent annual survey."""
    return bundled_questionnaires()["parent_annual"]


def with_question_changed(q: Questionnaire, question_id: str, **update: Any) -> Questionnaire:
    """``q`` with question ``question_id``'s fields changed as ``update`` says."""
    pages = []
    for page in q.pages:
        questions = tuple(
            question.model_copy(update=update) if question.id == question_id else question
            for question in page.questions
        )
        pages.append(page.model_copy(update={"questions": questions}))
    return q.model_copy(update={"pages": tuple(pages)})
