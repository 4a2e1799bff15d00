"""Question and option numbers shared by the printed form and the paper entry screen.

A paper questionnaire and the screen an officer keys it into must number things
the same way, or "question 7, box 2" means different things on each. Both take
their numbers from here: questions 1, 2, 3... in file order; each option's box
number comes from its answer type (``surveys.answer_types``): 1, 2, 3... in the
order the definition lists them, or the score itself on a score scale.
"""

from __future__ import annotations

from surveys import Page, Questionnaire
from surveys.answer_types import numbered_options, option_by_number, option_number

__all__ = [
    "numbered_options",
    "option_by_number",
    "option_number",
    "page_numbers",
    "question_numbers",
]


def question_numbers(questionnaire: Questionnaire) -> dict[str, int]:
    """Question id -> its number on paper (1-based, file order, every question)."""
    return {q.id: n for n, q in enumerate(questionnaire.questions(), start=1)}


def page_numbers(questionnaire: Questionnaire, page: Page) -> tuple[int, int]:
    """The first and last question numbers on ``page``."""
    numbers = question_numbers(questionnaire)
    return numbers[page.questions[0].id], numbers[page.questions[-1].id]
