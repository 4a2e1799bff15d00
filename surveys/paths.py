"""Answer sets that together walk every route of a questionnaire.

Generated from the definition, not listed by hand, so a new route or option is
covered the day it is written. The web tests walk each set through the real
journey. Goals: every route entry taken (and the fall-through), every page shown,
every ``show_when`` page skipped, every value a condition looks at chosen, every
question answered once and every optional one left unanswered once. Goals no
answers can reach (a contradictory condition) are quietly left uncovered.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from surveys.conditions import MONTH_PATTERN
from surveys.model import AnswerType, AnswerValue, Condition, Question, Questionnaire
from surveys.routing import answer_ref, on_path_answers, walk

Goal = tuple[str, ...]
Answers = dict[str, AnswerValue]

#: A valid month in the past, so "when did it start?" answers are believable.
DEFAULT_MONTH = "2024-09"
DEFAULT_TEXT = "Things have got a little better this year."
#: Pairs of varied answers are tried only while this many candidates or fewer.
MAX_PAIR_CANDIDATES = 5000


def covering_answer_sets(q: Questionnaire) -> list[dict[str, AnswerValue]]:
    """Answer sets that together exercise every route, skip and looked-at option.

    Each set answers every question on its own path with a valid value (first
    non-excluded option, ``min_value`` or 1, a past month, a short sentence),
    except optional questions deliberately left unanswered. Deterministic order.
    """
    baseline = {qn.id: v for qn in q.questions() if (v := default_answer(qn)) is not None}
    variations = _variations(q)
    candidates: list[Answers] = [baseline, _without_optional(q, baseline)]
    candidates += [
        baseline | {qid: value} if value is not None else _drop(baseline, qid)
        for qid, value in variations
    ]
    if len(variations) ** 2 <= MAX_PAIR_CANDIDATES:
        for (qid1, v1), (qid2, v2) in itertools.combinations(variations, 2):
            if qid1 != qid2:
                answers = _drop(_drop(baseline, qid1), qid2)
                answers |= {k: v for k, v in ((qid1, v1), (qid2, v2)) if v is not None}
                candidates.append(answers)
    on_path = [on_path_answers(q, c) for c in candidates]
    achieved = [_goals(q, answers) for answers in on_path]
    chosen: list[Answers] = []
    covered: set[Goal] = set()
    # Greedy set cover: fewest journeys for the web tests to walk; ties keep order.
    while True:
        gains = [len(goals - covered) for goals in achieved]
        best = max(range(len(gains)), key=lambda i: (gains[i], -i))
        if gains[best] == 0:
            break
        chosen.append(on_path[best])
        covered |= achieved[best]
    return chosen


def coverage_goals(q: Questionnaire, answer_sets: Sequence[Mapping[str, AnswerValue]]) -> set[Goal]:
    """Every goal the given answer sets reach (for tests and reports)."""
    reached: set[Goal] = set()
    for answers in answer_sets:
        reached |= _goals(q, answers)
    return reached


def default_answer(question: Question) -> AnswerValue | None:
    """A valid, unremarkable answer to ``question`` (None if it has no usable options)."""
    if question.is_closed:
        usable = [o for o in question.options if not o.exclude_from_base and not o.exclusive]
        fallback = usable or list(question.options)
        if not fallback:
            return None
        option = fallback[0]
        return (option.code,) if question.spec.several else option.code
    if question.type is AnswerType.NUMBER:
        low = question.min_value if question.min_value is not None else 1
        return min(low, question.max_value) if question.max_value is not None else low
    if question.type is AnswerType.MONTH_YEAR:
        return DEFAULT_MONTH
    return DEFAULT_TEXT[: question.max_length]


def _goals(q: Questionnaire, answers: Mapping[str, AnswerValue]) -> set[Goal]:
    journey = walk(q, answers)
    goals: set[Goal] = {("shown", page_id) for page_id in journey.pages}
    goals |= {("skipped", page_id) for page_id in journey.skipped}
    for page_id, route in journey.routes_taken.items():
        page = q.page(page_id)
        if page is not None and page.routes:
            goals.add(("route", page_id, "fall-through" if route is None else str(route)))
    looked_at = _referenced(q)
    for page_id in journey.pages:
        page = q.page(page_id)
        for question in page.questions if page else ():
            value = answers.get(question.id)
            if value is None and question.optional:
                goals.add(("unanswered", question.id))
            elif value is not None:
                goals.add(("answered", question.id))
            if question.id in looked_at and value is not None:
                chosen = value if isinstance(value, tuple) else (value,)
                goals |= {("value", question.id, str(v)) for v in chosen}
    return goals


def _variations(q: Questionnaire) -> list[tuple[str, AnswerValue | None]]:
    """For each question a condition looks at, every answer worth trying."""
    values: dict[str, list[AnswerValue | None]] = {}
    for condition in _all_conditions(q):
        for qid, operand in _comparisons(condition):
            question = q.question(qid)
            if question is None:
                continue
            seen = values.setdefault(qid, [])
            for value in _interesting(question, operand):
                if value not in seen:
                    seen.append(value)
    return [(qid, v) for qid, vs in values.items() for v in vs]


def _interesting(question: Question, operand: Any) -> list[AnswerValue | None]:
    tried: list[AnswerValue | None] = [None] if question.optional else []
    if question.is_closed:
        multiple = question.spec.several
        return tried + [(o.code,) if multiple else o.code for o in question.options]
    if question.type is AnswerType.NUMBER:
        low, high = question.min_value, question.max_value
        numbers = [n for n in _as_list(operand) if isinstance(n, int | float)]
        around = [int(n) + step for n in numbers for step in (-1, 0, 1)]
        around += [n for n in (low, high) if n is not None]
        return tried + sorted(
            {n for n in around if (low is None or n >= low) and (high is None or n <= high)}
        )
    if question.type is AnswerType.MONTH_YEAR:
        months = [m for m in _as_list(operand) if isinstance(m, str) and MONTH_PATTERN.match(m)]
        return tried + sorted({_shift(m, step) for m in months for step in (-1, 0, 1)})
    return [None, DEFAULT_TEXT[: question.max_length]]


def _shift(month: str, step: int) -> str:
    year, number = divmod(int(month[:4]) * 12 + int(month[5:]) - 1 + step, 12)
    return f"{year:04d}-{number + 1:02d}"


def _as_list(operand: Any) -> list[Any]:
    return list(operand) if isinstance(operand, list | tuple) else [operand]


def _all_conditions(q: Questionnaire) -> Iterator[Condition]:
    for page in q.pages:
        if page.show_when is not None:
            yield page.show_when
        yield from (route.when for route in page.routes if route.when is not None)


def _comparisons(condition: Condition) -> Iterator[tuple[str, Any]]:
    """``(question id, compared value)`` for every test inside ``condition``."""
    ((operator, args),) = condition.items()
    if operator in ("all", "any"):
        for inner in args:
            yield from _comparisons(inner)
    elif operator in ("answered", "not answered"):
        yield answer_ref(args), None
    else:
        yield answer_ref(args[0]), args[1]


def _referenced(q: Questionnaire) -> frozenset[str]:
    return frozenset(qid for c in _all_conditions(q) for qid, _ in _comparisons(c))


def _without_optional(q: Questionnaire, answers: Answers) -> Answers:
    optional = {qn.id for qn in q.questions() if qn.optional}
    return {k: v for k, v in answers.items() if k not in optional}


def _drop(answers: Answers, qid: str) -> Answers:
    return {k: v for k, v in answers.items() if k != qid}
