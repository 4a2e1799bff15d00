"""Question and option numbers shared by the printed form and the paper entry screen.

A paper questionnaire and the screen an officer keys it into must number things
the same way, or "question 7, box 2" means different things on each. Both take
their numbers from here: questions 1, 2, 3... in file order, options 1, 2, 3...
in the order the definition lists them.
"""

from __future__ import annotations

from surveys import Page, Question, Questionnaire


def question_numbers(questionnaire: Questionnaire) -> dict[str, int]:
    """Question id -> its number on paper (1-based, file order, every question)."""
    return {q.id: n for n, q in enumerate(questionnaire.questions(), start=1)}


def option_number(question: Question, code: str) -> int | None:
    """The number printed beside option ``code`` (1-based), or None if unknown."""
    for n, option in enumerate(question.options, start=1):
        if option.code == code:
            return n
    return None


def option_by_number(question: Question, number: int) -> str | None:
    """The option code printed with ``number``, or None when out of range."""
    if 1 <= number <= len(question.options):
        return question.options[number - 1].code
    return None


def page_numbers(questionnaire: Questionnaire, page: Page) -> tuple[int, int]:
    """The first and last question numbers on ``page``."""
    numbers = question_numbers(questionnaire)
    return numbers[page.questions[0].id], numbers[page.questions[-1].id]
