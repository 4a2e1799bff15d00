"""Which edits of a question keep its results comparable: a corrected spelling or
punctuation does; a changed, added or removed word does not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys.changes import ChangeKind, questionnaire_changes, spelling_only
from surveys.library import bundled_questionnaires
from surveys.model import Questionnaire


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("Todays event was usefull to me", "Today's event was useful to me"),
        ("How do you feel about shcool?", "How do you feel about school?"),
        (
            "I have trust and confidence in the local area",
            "I have trust and confidence in the local area.",
        ),
        ("WHO helps you at home?", "Who helps you at home?"),
        ("Strongly agre", "Strongly agree"),
    ],
)
def test_corrections_keep_the_meaning(before: str, after: str) -> None:
    assert spelling_only(before, after) and spelling_only(after, before)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("I am likely to come back", "I am unlikely to come back"),
        ("Agree", "Disagree"),
        ("Is it now ready?", "Is it not ready?"),
        ("Will you do something differently?", "Will you do anything differently?"),
        ("Was the event useful?", "Was the event not useful?"),
        ("Was the event useful to me", "Was the event useful"),
        ("Same text", "Same text"),
    ],
)
def test_changes_of_meaning_are_not_corrections(before: str, after: str) -> None:
    assert not spelling_only(before, after)


@given(st.text(min_size=1, max_size=60), st.text(min_size=1, max_size=60))
def test_a_correction_runs_both_ways(before: str, after: str) -> None:
    assert spelling_only(before, after) == spelling_only(after, before)


def _with(question_id: str, **changes: object) -> Questionnaire:
    data = bundled_questionnaires()["event_feedback"].model_dump()
    for page in data["pages"]:
        for question in page["questions"]:
            if question["id"] == question_id:
                question.update(changes)
    return Questionnaire.model_validate(data)


def test_a_corrected_question_or_option_label_is_one_spelling_change() -> None:
    earlier = bundled_questionnaires()["event_feedback"]
    question = earlier.question("event_useful")
    assert question is not None
    options = [o.model_dump() for o in question.options]
    options[0]["label"] = options[0]["label"] + "."
    later = _with("event_useful", text="Todays event was usefull to me", options=options)
    changes = questionnaire_changes(earlier, later)
    assert [(c.kind, c.question_id) for c in changes] == [(ChangeKind.SPELLING, "event_useful")]
    assert all(c.keeps_comparability for c in changes)
    reworded = _with("event_useful", text="Today's event was useless to me")
    assert [c.kind for c in questionnaire_changes(earlier, reworded)] == [ChangeKind.WORDING]
