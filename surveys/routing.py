"""Declarative routing: which page comes next, given the answers so far.

Conditions have the shape the ONS questionnaire runner uses, e.g.
``{"==": [{"answer": "plan_type"}, "ehcp"]}``, ``{"in": [{"answer": "q"}, ["a", "b"]]}``,
``{"answered": "q"}``, ``{"all": [condition, condition]}``. Operators live in the
``OPERATORS`` table. Conditions are checked for shape when a questionnaire loads
(``surveys.checks``); here a malformed one raises ValueError.

Routing returns page ids; the web layer turns them into URLs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from surveys.model import AnswerValue, Condition, Page, Questionnaire

Answers = Mapping[str, AnswerValue]
Operator = Callable[[Any, Answers], bool]

#: ``goto`` value that ends the questionnaire (the check-your-answers page follows).
END = "end"


def answer_ref(operand: Any) -> str:
    """The question id in ``{"answer": "q"}`` (``"q"`` alone is accepted too)."""
    if isinstance(operand, Mapping) and set(operand) == {"answer"}:
        operand = operand["answer"]
    if isinstance(operand, str):
        return operand
    raise ValueError(f'expected {{"answer": "question_id"}}, got {operand!r}')


def is_answered(value: AnswerValue | None) -> bool:
    """True unless the value is missing or empty."""
    return value is not None and value != "" and value != ()


def _pair(args: Any, answers: Answers) -> tuple[AnswerValue | None, Any]:
    if not (isinstance(args, list | tuple) and len(args) == 2):
        raise ValueError(f"expected [{{'answer': id}}, value], got {args!r}")
    value = answers.get(answer_ref(args[0]))
    return (value if is_answered(value) else None), args[1]


def _chosen(value: AnswerValue) -> tuple[str | int, ...]:
    # A multiple-choice answer matches when any chosen code matches.
    return value if isinstance(value, tuple) else (value,)


def _equals(args: Any, answers: Answers) -> bool:
    value, expected = _pair(args, answers)
    return value is not None and expected in _chosen(value)


def _any_of(args: Any, answers: Answers) -> bool:
    value, expected = _pair(args, answers)
    if not isinstance(expected, list | tuple):
        raise ValueError(f"'in' needs a list of values, got {expected!r}")
    return value is not None and any(v in expected for v in _chosen(value))


def _ordering(compare: Callable[[Any, Any], bool]) -> Operator:
    def operator(args: Any, answers: Answers) -> bool:
        value, expected = _pair(args, answers)
        if value is None or isinstance(value, tuple):
            return False
        # Numbers compare with numbers, "YYYY-MM" months with months; never across.
        if isinstance(value, str) != isinstance(expected, str) or isinstance(expected, bool):
            return False
        return compare(value, expected)

    return operator


def _answered(args: Any, answers: Answers) -> bool:
    return is_answered(answers.get(answer_ref(args)))


def _conditions(args: Any) -> list[Condition]:
    if not (isinstance(args, list | tuple) and args):
        raise ValueError(f"expected a non-empty list of conditions, got {args!r}")
    return list(args)


OPERATORS: Mapping[str, Operator] = MappingProxyType(
    {
        "==": _equals,
        "!=": lambda args, answers: not _equals(args, answers),
        "in": _any_of,
        "not in": lambda args, answers: not _any_of(args, answers),
        ">": _ordering(lambda a, b: a > b),
        ">=": _ordering(lambda a, b: a >= b),
        "<": _ordering(lambda a, b: a < b),
        "<=": _ordering(lambda a, b: a <= b),
        "answered": _answered,
        "not answered": lambda args, answers: not _answered(args, answers),
        "all": lambda args, answers: all(evaluate(c, answers) for c in _conditions(args)),
        "any": lambda args, answers: any(evaluate(c, answers) for c in _conditions(args)),
    }
)


def evaluate(condition: Condition, answers: Answers) -> bool:
    """Whether ``condition`` holds for ``answers`` (question id → cleaned answer)."""
    if not (isinstance(condition, Mapping) and len(condition) == 1):
        raise ValueError(f"a condition has exactly one operator, got {condition!r}")
    ((name, args),) = condition.items()
    operator = OPERATORS.get(name)
    if operator is None:
        raise ValueError(f"unknown operator {name!r}")
    return operator(args, answers)


def is_shown(page: Page, answers: Answers) -> bool:
    """Whether the page's ``show_when`` holds (pages without one are always shown)."""
    return page.show_when is None or evaluate(page.show_when, answers)


def _first_shown_from(
    q: Questionnaire, index: int, answers: Answers
) -> tuple[str | None, tuple[str, ...]]:
    """The first shown page from ``index`` on, and the pages skipped on the way."""
    skipped: list[str] = []
    for page in q.pages[index:]:
        if is_shown(page, answers):
            return page.id, tuple(skipped)
        skipped.append(page.id)
    return None, tuple(skipped)


def _index(q: Questionnaire, page_id: str) -> int:
    for index, page in enumerate(q.pages):
        if page.id == page_id:
            return index
    raise KeyError(page_id)


def _step(
    q: Questionnaire, page: Page, answers: Answers
) -> tuple[str | None, int | None, tuple[str, ...]]:
    """The page after ``page`` trusting ``answers`` as given, the route taken, the skips."""
    for number, route in enumerate(page.routes):
        if route.when is None or evaluate(route.when, answers):
            if route.goto == END:
                return None, number, ()
            # A route's target that is skipped hands on to the next shown page.
            target, skipped = _first_shown_from(q, _index(q, route.goto), answers)
            return target, number, skipped
    following, skipped = _first_shown_from(q, _index(q, page.id) + 1, answers)
    return following, None, skipped


def _page_answers(page: Page, answers: Answers) -> dict[str, AnswerValue]:
    return {qn.id: answers[qn.id] for qn in page.questions if qn.id in answers}


@dataclass(frozen=True)
class Walk:
    """One journey through a questionnaire: the pages, the routes taken, the skips."""

    pages: tuple[str, ...]
    #: For each page visited, the index of the route taken (None: it fell through).
    routes_taken: Mapping[str, int | None]
    #: Pages passed over because their ``show_when`` did not hold.
    skipped: frozenset[str]


def walk(q: Questionnaire, answers: Answers) -> Walk:
    """Walk from ``first_page`` to the end, recording how each step was decided.

    Only answers from pages already on the path count at each step, so a stale
    answer on a page the respondent has since routed past cannot steer the route.
    """
    visited: list[str] = []
    routes_taken: dict[str, int | None] = {}
    skipped: set[str] = set()
    known: dict[str, AnswerValue] = {}
    page_id: str | None = q.first_page
    while page_id is not None and page_id not in routes_taken:
        page = q.page(page_id)
        if page is None:
            break
        visited.append(page_id)
        known.update(_page_answers(page, answers))
        page_id, routes_taken[page.id], passed = _step(q, page, known)
        skipped.update(passed)
    return Walk(pages=tuple(visited), routes_taken=routes_taken, skipped=frozenset(skipped))


def path(q: Questionnaire, answers: Answers) -> tuple[str, ...]:
    """Page ids visited from ``first_page`` to the end, given the answers.

    Pages shown count even if their questions are unanswered; answers on pages the
    respondent has routed past never steer the route.
    """
    return walk(q, answers).pages


def on_path_answers(q: Questionnaire, answers: Answers) -> dict[str, AnswerValue]:
    """The answers to questions on pages on the path; routed-past answers never count."""
    kept: dict[str, AnswerValue] = {}
    for page_id in path(q, answers):
        page = q.page(page_id)
        if page is not None:
            kept.update(_page_answers(page, answers))
    return kept


def next_page_id(q: Questionnaire, page_id: str, answers: Answers) -> str | None:
    """The page after ``page_id``, or None for the end (then: check your answers).

    The first route whose ``when`` holds wins; otherwise the next page in file
    order whose ``show_when`` holds. Raises KeyError for an unknown page id.
    """
    page = q.page(page_id)
    if page is None:
        raise KeyError(page_id)
    visited = path(q, answers)
    if page_id in visited:
        position = visited.index(page_id)
        return visited[position + 1] if position + 1 < len(visited) else None
    # Off the path (e.g. an old bookmark): route on what is known plus this page.
    known = on_path_answers(q, answers) | _page_answers(page, answers)
    return _step(q, page, known)[0]


def previous_page_id(
    q: Questionnaire, page_id: str, answers: Answers, *, visited: tuple[str, ...] | None = None
) -> str | None:
    """The page before ``page_id`` on the path (for the back link); None on the first.

    ``visited``: the path for these answers when the caller has walked it already.
    """
    if visited is None:
        visited = path(q, answers)
    if page_id in visited:
        position = visited.index(page_id)
        return visited[position - 1] if position > 0 else None
    # Off the path: the nearest earlier page that is on it.
    index = _index(q, page_id)
    earlier = [p.id for p in q.pages[:index] if p.id in visited]
    return earlier[-1] if earlier else None
