"""Reading what an officer keyed from a paper form, and the rules paper answers follow.

Pure functions (no Flask, no database) so the rules are easy to test and explain:

- Closed questions are keyed as the option NUMBER printed beside the ticked box
  ("2"), several numbers for "tick all that apply" ("1 3 5"). Typing a digit and
  pressing Tab is the fastest way to copy a paper form, and a labelled text box
  whose hint lists the numbered options is as accessible as a radio group.
- Blank means "not answered": paper respondents skip freely, so a question that is
  required online may be left blank on paper.
- Routing is not enforced when keying; when a return is accepted an answer is
  dropped only if the respondent's OWN answers told them to skip it (exactly what
  would have happened online). When the deciding answer is blank, what is written
  is kept: we cannot know they should have skipped it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from feedback_app.collection.numbering import numbered_options, option_by_number
from surveys import Questionnaire
from surveys.answers import AnswerError, clean_answer, clean_text
from surveys.i18n import N_
from surveys.model import AnswerValue, Condition, Question
from surveys.routing import END, answer_ref, evaluate, is_answered

_SEPARATORS = re.compile(r"[\s,;/]+")
#: Keyed boxes are short; anything longer is a slip of the hand, not an answer.
MAX_KEYED_CHARS = 200


class KeyingError(ValueError):
    """What was keyed cannot be an answer; ``message`` is an English message id."""

    def __init__(self, message: str, **params: Any) -> None:
        self.message = message
        self.params: dict[str, Any] = params
        super().__init__(message % params if params else message)


def read_keyed(question: Question, keyed: str) -> AnswerValue | None:
    """The answer to ``question`` from what was keyed for it (None when blank).

    Raises KeyingError with a plain-words message for anything that is not an
    answer the question accepts; the same domain rule as online decides validity.
    """
    text = clean_text(keyed)
    if not text:
        return None
    spec = question.spec
    if not spec.free_text and len(text) > MAX_KEYED_CHARS:
        raise KeyingError(N_("Enter %(max)s characters or fewer"), max=MAX_KEYED_CHARS)
    if question.is_closed:
        raw = _codes(question, text)
    elif spec.keyed_parts > 1:
        parts = [p for p in _SEPARATORS.split(text) if p]
        raw = parts if len(parts) == spec.keyed_parts else [text]
    else:
        raw = [text]
    try:
        return clean_answer(question, raw)
    except AnswerError as error:
        raise KeyingError(error.message, **error.params) from None


def _codes(question: Question, text: str) -> list[str]:
    tokens = [t for t in _SEPARATORS.split(text) if t]
    numbers = [n for n, _option in numbered_options(question)]
    codes = []
    for token in tokens:
        code = option_by_number(question, int(token)) if token.isdigit() else None
        if code is None:
            raise KeyingError(
                N_("Enter the number of the box that is ticked, from %(min)s to %(max)s"),
                min=min(numbers, default=1),
                max=max(numbers, default=1),
            )
        codes.append(code)
    if not question.spec.several and len(set(codes)) > 1:
        raise KeyingError(
            N_("Enter one number only. If more than one box is ticked, leave this blank")
        )
    return codes


def to_stored(answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    """Answers as JSON-friendly values (tuples become lists)."""
    return {qid: list(v) if isinstance(v, tuple) else v for qid, v in answers.items()}


def from_stored(stored: Mapping[str, Any] | None) -> dict[str, AnswerValue]:
    """Answers read back from JSON (lists become tuples, as cleaning makes them)."""
    answers: dict[str, AnswerValue] = {}
    for qid, value in (stored or {}).items():
        if isinstance(value, list):
            answers[qid] = tuple(str(v) for v in value)
        elif isinstance(value, int | str) and not isinstance(value, bool):
            answers[qid] = value
    return answers


def differences(
    questionnaire: Questionnaire,
    first: Mapping[str, AnswerValue],
    second: Mapping[str, AnswerValue],
) -> list[str]:
    """Question ids, in questionnaire order, whose two keyings differ (blank counts)."""
    return [q.id for q in questionnaire.questions() if first.get(q.id) != second.get(q.id)]


def _references(condition: Condition) -> set[str]:
    ((name, args),) = condition.items()
    if name in {"all", "any"}:
        return set().union(*(_references(c) for c in args))
    if name in {"answered", "not answered"}:
        return {answer_ref(args)}
    return {answer_ref(args[0])}


def _decided(condition: Condition, known: Mapping[str, AnswerValue]) -> bool:
    # Only answers actually written decide; a blank never proves a skip.
    return all(is_answered(known.get(ref)) for ref in _references(condition))


def kept_answers(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """The answers a paper return keeps: all, except those its own answers skip.

    A page is dropped when its ``show_when`` is decided by answers already kept
    and does not hold, or when a route from an earlier page the respondent
    answered jumps past it. Undecided conditions (the deciding question left
    blank) drop nothing.
    """
    index_of = {page.id: i for i, page in enumerate(questionnaire.pages)}
    kept: dict[str, AnswerValue] = {}
    jump_to: int | None = None
    for index, page in enumerate(questionnaire.pages):
        if jump_to is not None and index < jump_to:
            continue
        jump_to = None
        shown = page.show_when
        if shown is not None and _decided(shown, kept) and not evaluate(shown, kept):
            continue
        on_page = {q.id: answers[q.id] for q in page.questions if is_answered(answers.get(q.id))}
        kept.update(on_page)
        for route in page.routes:
            if route.when is None:
                # An unconditional jump only applies to someone who was on the page.
                if on_page:
                    jump_to = (
                        len(questionnaire.pages) if route.goto == END else index_of[route.goto]
                    )
                break
            if not _decided(route.when, kept):
                break
            if evaluate(route.when, kept):
                jump_to = len(questionnaire.pages) if route.goto == END else index_of[route.goto]
                break
    return kept
