"""Untrusted definitions: any parse error is a plain problem, and the work is bounded.

Issue 11: ``!!bool maybe`` was a KeyError and ``!!timestamp notadate`` an
AttributeError out of PyYAML (a 500 on the designer's import); a 1 MB definition
took 10.7 s of CPU to check.
"""

from __future__ import annotations

import time

import pytest
import yaml

from surveys import parse_questionnaire
from surveys.loading import MAX_OPTIONS_PER_QUESTION, MAX_PAGES, MAX_QUESTIONS, MAX_RULES
from surveys.problems import QuestionnaireError
from surveys.source import MAX_BYTES

TAGS = [
    "!!bool maybe",
    "!!timestamp notadate",
    "!!timestamp 2024-13-45",
    "!!int 0x",
    "!!float x",
    "!!binary ~~~",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!python/object:os.system x",
    "!<tag:example.org,2002:x> y",
]


def _definition(
    pages: int, *, questions_per_page: int = 1, options: int = 2, rules: bool = True
) -> dict:
    made = []
    number = 0
    for index in range(pages):
        questions = []
        for _ in range(questions_per_page):
            questions.append(
                {
                    "id": f"q{number}",
                    "type": "single",
                    "text": f"Question {number}?",
                    "options": [{"code": f"o{j}", "label": f"Option {j}"} for j in range(options)],
                }
            )
            number += 1
        page: dict = {"id": f"p{index}", "questions": questions}
        if questions_per_page > 1:
            page["title"] = "Several"
        if index and rules:
            page["show_when"] = {
                "any": [{"==": [{"answer": f"q{m}"}, "o1"]} for m in range(min(number - 1, 40))]
            }
        made.append(page)
    return {
        "id": "big",
        "title": "Big",
        "description": "For testing.",
        "kind": "event",
        "estimated_minutes": 3,
        "privacy_notice": "Anonymous.",
        "next_steps": "Thanks.",
        "first_page": "p0",
        "pages": made,
    }


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("where", ["title", "estimated_minutes", "id", "document", "list"])
def test_any_tag_is_a_plain_problem_never_an_exception(tag: str, where: str) -> None:
    base = yaml.safe_dump(_definition(1))
    text = {
        "document": f"{tag}\n",
        "list": f"- {tag}\n",
    }.get(where) or base.replace(f"{where}: ", f"{where}: {tag} #", 1)
    with pytest.raises(QuestionnaireError):
        parse_questionnaire(text)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        (_definition(MAX_PAGES + 1, rules=False), f"has {MAX_PAGES + 1} pages"),
        (
            _definition(MAX_QUESTIONS // 2 + 1, questions_per_page=2, rules=False),
            f"has {MAX_QUESTIONS + 2} questions",
        ),
        (_definition(1, options=MAX_OPTIONS_PER_QUESTION + 1), "options in one question"),
    ],
    ids=["pages", "questions", "options"],
)
def test_too_big_to_check_is_refused_before_checking(definition: dict, message: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(yaml.safe_dump(definition, width=10**6))
    assert any(message in str(p) for p in caught.value.problems), caught.value.problems


def test_too_many_rules_is_refused() -> None:
    definition = _definition(2)
    definition["pages"][0]["routes"] = [{"goto": "p1"} for _ in range(MAX_RULES + 1)]
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(yaml.safe_dump(definition))
    assert "routes and show_when conditions; at most" in str(caught.value)


def test_the_largest_accepted_definition_costs_about_a_second_at_most() -> None:
    # The costliest shape found: flow style, a long condition on every page.
    pages = 1
    while len(yaml.safe_dump(_definition(pages + 1, options=8), default_flow_style=True)) < (
        MAX_BYTES
    ):
        pages += 1
    text = yaml.safe_dump(_definition(pages, options=8), default_flow_style=True, width=10**6)
    started = time.process_time()
    parse_questionnaire(text)
    spent = time.process_time() - started
    print(f"largest accepted definition: {len(text)} bytes, {pages} pages, {spent:.2f} s CPU")
    assert spent < 3, spent
