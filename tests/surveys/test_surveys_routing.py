"""Routing: operator truth tables, and journeys through the bundled questionnaires."""

from __future__ import annotations

from typing import Any

import pytest

from surveys import (
    AnswerValue,
    evaluate,
    is_shown,
    next_page_id,
    on_path_answers,
    path,
    previous_page_id,
)
from surveys.library import bundled_questionnaires
from surveys.routing import walk

SINGLE = {"q": "a"}
MULTIPLE = {"q": ("a", "c")}
NUMBER = {"n": 5}
MONTH = {"m": "2024-06"}
UNANSWERED: dict[str, AnswerValue] = {}
EMPTY_MULTIPLE = {"q": ()}

# (condition, answers, expected): every operator with answered, unanswered and
# multiple-choice answers.
TRUTH_TABLE: list[tuple[dict[str, Any], dict[str, AnswerValue], bool]] = [
    ({"==": [{"answer": "q"}, "a"]}, SINGLE, True),
    ({"==": [{"answer": "q"}, "b"]}, SINGLE, False),
    ({"==": [{"answer": "q"}, "a"]}, UNANSWERED, False),
    ({"==": [{"answer": "q"}, "c"]}, MULTIPLE, True),
    ({"==": [{"answer": "q"}, "b"]}, MULTIPLE, False),
    ({"==": [{"answer": "q"}, "a"]}, EMPTY_MULTIPLE, False),
    ({"!=": [{"answer": "q"}, "a"]}, SINGLE, False),
    ({"!=": [{"answer": "q"}, "b"]}, SINGLE, True),
    ({"!=": [{"answer": "q"}, "a"]}, UNANSWERED, True),
    ({"!=": [{"answer": "q"}, "c"]}, MULTIPLE, False),
    ({"!=": [{"answer": "q"}, "b"]}, MULTIPLE, True),
    ({"in": [{"answer": "q"}, ["a", "b"]]}, SINGLE, True),
    ({"in": [{"answer": "q"}, ["b", "d"]]}, SINGLE, False),
    ({"in": [{"answer": "q"}, ["a"]]}, UNANSWERED, False),
    ({"in": [{"answer": "q"}, ["b", "c"]]}, MULTIPLE, True),
    ({"in": [{"answer": "q"}, ["b", "d"]]}, MULTIPLE, False),
    ({"not in": [{"answer": "q"}, ["a", "b"]]}, SINGLE, False),
    ({"not in": [{"answer": "q"}, ["b"]]}, SINGLE, True),
    ({"not in": [{"answer": "q"}, ["a"]]}, UNANSWERED, True),
    ({"not in": [{"answer": "q"}, ["c"]]}, MULTIPLE, False),
    ({"not in": [{"answer": "q"}, ["b", "d"]]}, MULTIPLE, True),
    ({">": [{"answer": "n"}, 4]}, NUMBER, True),
    ({">": [{"answer": "n"}, 5]}, NUMBER, False),
    ({">": [{"answer": "n"}, 0]}, UNANSWERED, False),
    ({">=": [{"answer": "n"}, 5]}, NUMBER, True),
    ({">=": [{"answer": "n"}, 6]}, NUMBER, False),
    ({">=": [{"answer": "n"}, 0]}, UNANSWERED, False),
    ({"<": [{"answer": "n"}, 6]}, NUMBER, True),
    ({"<": [{"answer": "n"}, 5]}, NUMBER, False),
    ({"<": [{"answer": "n"}, 99]}, UNANSWERED, False),
    ({"<=": [{"answer": "n"}, 5]}, NUMBER, True),
    ({"<=": [{"answer": "n"}, 4]}, NUMBER, False),
    ({"<=": [{"answer": "n"}, 99]}, UNANSWERED, False),
    ({">": [{"answer": "m"}, "2024-05"]}, MONTH, True),
    ({"<": [{"answer": "m"}, "2024-06"]}, MONTH, False),
    ({">": [{"answer": "q"}, "a"]}, MULTIPLE, False),
    ({">": [{"answer": "n"}, "5"]}, NUMBER, False),
    ({"answered": "q"}, SINGLE, True),
    ({"answered": "q"}, MULTIPLE, True),
    ({"answered": "q"}, UNANSWERED, False),
    ({"answered": "q"}, EMPTY_MULTIPLE, False),
    ({"answered": "q"}, {"q": ""}, False),
    ({"answered": {"answer": "q"}}, SINGLE, True),
    ({"not answered": "q"}, SINGLE, False),
    ({"not answered": "q"}, UNANSWERED, True),
    ({"not answered": "q"}, MULTIPLE, False),
    ({"all": [{"answered": "q"}, {"==": [{"answer": "q"}, "a"]}]}, SINGLE, True),
    ({"all": [{"answered": "q"}, {"==": [{"answer": "q"}, "b"]}]}, SINGLE, False),
    ({"all": [{"answered": "q"}]}, UNANSWERED, False),
    ({"any": [{"==": [{"answer": "q"}, "b"]}, {"==": [{"answer": "q"}, "a"]}]}, SINGLE, True),
    ({"any": [{"==": [{"answer": "q"}, "b"]}, {"answered": "n"}]}, SINGLE, False),
    ({"any": [{"not answered": "q"}]}, UNANSWERED, True),
    ({"any": [{"in": [{"answer": "q"}, ["c"]]}, {"answered": "x"}]}, MULTIPLE, True),
]


@pytest.mark.parametrize(("condition", "answers", "expected"), TRUTH_TABLE)
def test_operator_truth_table(
    condition: dict[str, Any], answers: dict[str, AnswerValue], expected: bool
) -> None:
    assert evaluate(condition, answers) is expected


@pytest.mark.parametrize(
    "condition",
    [{}, {"==": 1, "!=": 2}, {"like": ["q", "a"]}, {"==": [{"answer": "q"}]}, {"all": []}],
)
def test_malformed_conditions_raise_value_error(condition: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        evaluate(condition, SINGLE)


MILESTONE = bundled_questionnaires()["ehc_assessment_milestone"]
ANNUAL = bundled_questionnaires()["parent_annual"]
SHARED_END = (
    "assessment_start",
    "professionals_count",
    "communication_rating",
    "milestone_comments",
)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"milestone": "week_6"}, ("milestone", "understand_next", *SHARED_END)),
        ({"milestone": "week_16"}, ("milestone", "draft_plan", *SHARED_END)),
        ({"milestone": "week_20"}, ("milestone", "final_plan", *SHARED_END)),
        ({}, ("milestone", "understand_next", *SHARED_END)),
    ],
)
def test_milestone_routes(answers: dict[str, AnswerValue], expected: tuple[str, ...]) -> None:
    assert path(MILESTONE, answers) == expected


def test_number_condition_shows_a_page() -> None:
    few = path(MILESTONE, {"milestone": "week_6", "professionals_count": 2})
    many = path(MILESTONE, {"milestone": "week_6", "professionals_count": 3})
    assert "repeat_story" not in few
    assert "repeat_story" in many


def test_show_when_on_plan_type() -> None:
    page = ANNUAL.page("listened_to_ehcp")
    assert page is not None
    assert is_shown(page, {"plan_type": "ehcp"})
    assert not is_shown(page, {"plan_type": "sen_support"})
    assert not is_shown(page, {})
    assert "listened_to_ehcp" in path(ANNUAL, {"plan_type": "ehcp"})
    assert "listened_to_ehcp" not in path(ANNUAL, {"plan_type": "waiting"})


def test_next_and_previous_follow_the_path() -> None:
    answers: dict[str, AnswerValue] = {"milestone": "week_20"}
    assert next_page_id(MILESTONE, "milestone", answers) == "final_plan"
    assert next_page_id(MILESTONE, "final_plan", answers) == "assessment_start"
    assert next_page_id(MILESTONE, "milestone_comments", answers) is None
    assert previous_page_id(MILESTONE, "assessment_start", answers) == "final_plan"
    assert previous_page_id(MILESTONE, "milestone", answers) is None


def test_pages_off_the_path_still_get_sensible_links() -> None:
    answers: dict[str, AnswerValue] = {"milestone": "week_20"}
    # draft_plan is not on this path (an old bookmark); its route still applies.
    assert next_page_id(MILESTONE, "draft_plan", answers) == "assessment_start"
    assert previous_page_id(MILESTONE, "draft_plan", answers) == "milestone"
    with pytest.raises(KeyError):
        next_page_id(MILESTONE, "no_such_page", answers)


def test_stale_answers_on_routed_past_pages_do_not_count() -> None:
    answers: dict[str, AnswerValue] = {
        "milestone": "week_6",
        "understand_next": "yes",
        "draft_plan_comment": "no",  # given before the respondent changed milestone
        "final_plan_agreement": "agree",
    }
    kept = on_path_answers(MILESTONE, answers)
    assert kept == {"milestone": "week_6", "understand_next": "yes"}


def test_shown_but_unanswered_pages_are_on_the_path() -> None:
    assert path(ANNUAL, {})[:3] == ("plan_type", "age_phase", "need")


def test_walk_records_routes_and_skips() -> None:
    journey = walk(MILESTONE, {"milestone": "week_16", "professionals_count": 1})
    assert journey.routes_taken["milestone"] == 0
    assert journey.routes_taken["draft_plan"] == 0
    assert journey.routes_taken["assessment_start"] is None
    assert journey.skipped == frozenset({"repeat_story"})
