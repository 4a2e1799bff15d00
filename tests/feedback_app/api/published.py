"""What a published API response may not hold (ADR 0036), shared by the API tests.

- no count (``base``, ``count``, ``responses``, ``*_base``) from 1 to 4;
- in a table whose cells add up to a published total, never exactly one withheld
  cell: it could be worked out by subtracting the shown cells from the total.
  Checked for a single-choice question's options (their counts add up to the
  question's base) and a KPI's groups in a breakdown (withheld groups: none or
  at least two, per wave).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

COUNT_NAMES = ("base", "count", "responses")


def _is_count(name: str) -> bool:
    return name in COUNT_NAMES or name.endswith("_base")


def suppression_problems(path: str, body: Any) -> list[str]:
    """Every way ``body`` (a page of the API at ``path``) breaks the rules above."""
    items = body.get("items", []) if isinstance(body, dict) else []
    problems = [
        f"{path}: {name}={value} in {item}"
        for item in items
        for name, value in item.items()
        if _is_count(name) and isinstance(value, int) and not isinstance(value, bool)
        and 1 <= value <= 4
    ]  # fmt: skip
    if path.endswith("/results") and body.get("total", 0) == len(items):
        problems += _wave_problems(items)
    if path.endswith("/breakdowns") and body.get("total", 0) == len(items):
        problems += _breakdown_problems(items)
    return problems


def _wave_problems(items: list[dict[str, Any]]) -> list[str]:
    by_question: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for item in items:
        by_question[item["question"]].append(item)
    problems = []
    for question, options in by_question.items():
        withheld = [o for o in options if o["withheld"]]
        # A single-choice question's option counts add up to its base.
        single = not options[0]["multiple_choice"] and options[0]["base"] is not None
        if single and len(withheld) == 1:
            problems.append(f"{question}: one withheld option, recoverable from the base")
    return problems


def _breakdown_problems(items: list[dict[str, Any]]) -> list[str]:
    tables: dict[tuple[str, str, str], list[bool]] = defaultdict(list)
    for item in items:
        for wave in ("baseline", "latest"):
            tables[(item["kpi_id"], item["breakdown"], wave)].append(item[f"{wave}_base"] is None)
    return [
        f"{key}: one withheld group, recoverable from the total"
        for key, hidden in tables.items()
        if sum(hidden) == 1 and len(hidden) > 1
    ]
