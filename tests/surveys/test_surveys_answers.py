"""Cleaning posted answers: every type, tampering, huge input, NUL bytes."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from surveys import AnswerError, AnswerType, AnswerValue, Option, Question, clean_answer
from surveys.answers import format_answer


def make(kind: AnswerType, **fields: Any) -> Question:
    return Question(id="q", type=kind, text="Question?", **fields)


SINGLE = make(
    AnswerType.SINGLE,
    options=[
        Option(code="ehcp", label="EHC plan"),
        Option(code="sen_support", label="SEN support"),
    ],
)
MULTIPLE = make(
    AnswerType.MULTIPLE,
    options=[
        Option(code="sendiass", label="SENDIASS"),
        Option(code="camhs", label="CAMHS"),
        Option(code="none", label="None of these", exclusive=True),
    ],
)
AGREEMENT = make(AnswerType.AGREEMENT)
YES_NO = make(AnswerType.YES_NO)
FACE_3 = make(AnswerType.FACE, points=3)
TEXT = make(AnswerType.TEXT, max_length=20)
NUMBER = make(AnswerType.NUMBER, min_value=0, max_value=50)
MONTH = make(AnswerType.MONTH_YEAR)
ALL_TYPES = [SINGLE, MULTIPLE, AGREEMENT, YES_NO, FACE_3, TEXT, NUMBER, MONTH]


@pytest.mark.parametrize(
    ("question", "raw", "expected"),
    [
        (SINGLE, ["ehcp"], "ehcp"),
        (SINGLE, ["  sen_support \n"], "sen_support"),
        (AGREEMENT, ["strongly_agree"], "strongly_agree"),
        (AGREEMENT, ["dont_know"], "dont_know"),
        (YES_NO, ["no"], "no"),
        (FACE_3, ["happy"], "happy"),
        (MULTIPLE, ["camhs", "sendiass"], ("sendiass", "camhs")),
        (MULTIPLE, ["camhs", "camhs"], ("camhs",)),
        (MULTIPLE, ["none"], ("none",)),
        (TEXT, ["  hello\r\nthere\r "], "hello\nthere"),
        (TEXT, ["a\x00b\x07c"], "abc"),
        (NUMBER, ["7"], 7),
        (NUMBER, [" 0 "], 0),
        (NUMBER, ["50"], 50),
        (NUMBER, ["+3"], 3),
        (NUMBER, ["١٢"], 12),  # Arabic-Indic digits, as typed on an Arabic keyboard
        (MONTH, ["3", "2025"], "2025-03"),
        (MONTH, ["03", "2025"], "2025-03"),
        (MONTH, ["March", "2025"], "2025-03"),
        (MONTH, ["sep", "2024"], "2024-09"),
        (MONTH, ["2024-11"], "2024-11"),
    ],
)
def test_clean_answers(question: Question, raw: list[str], expected: AnswerValue) -> None:
    assert clean_answer(question, raw) == expected


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (SINGLE, "Select an answer to “%(question)s”"),
        (AGREEMENT, "Select an answer to “%(question)s”"),
        (YES_NO, "Select yes or no"),
        (FACE_3, "Select a face"),
        (MULTIPLE, "Select at least one option"),
        (TEXT, "Enter your answer"),
        (NUMBER, "Enter a number"),
        (MONTH, "Enter a month and year"),
    ],
)
def test_required_questions_need_an_answer(question: Question, message: str) -> None:
    for raw in ([], [""], ["   "], ["\x00"]) if question is not MONTH else ([], ["", ""]):
        with pytest.raises(AnswerError) as caught:
            clean_answer(question, raw)
        assert caught.value.message == message
        assert caught.value.params == {"question": question.text}
        # The question is named (issue 15 point 11), not a generic "Select an answer".
        assert question.text in str(caught.value) or "%(question)s" not in message


@pytest.mark.parametrize("question", ALL_TYPES)
def test_optional_questions_may_be_left(question: Question) -> None:
    optional = question.model_copy(update={"optional": True})
    assert clean_answer(optional, []) is None
    assert clean_answer(optional, ["", ""]) is None


@pytest.mark.parametrize(
    ("question", "raw", "message", "params"),
    [
        (SINGLE, ["ehcp'; drop table"], "Select one of the options", {}),
        (SINGLE, ["ehcp", "sen_support"], "Select one of the options", {}),
        (AGREEMENT, ["very_agree"], "Select one of the options", {}),
        (FACE_3, ["very_happy"], "Select one of the options", {}),  # a 5-point code
        (MULTIPLE, ["camhs", "hacked"], "Select one of the options", {}),
        (
            MULTIPLE,
            ["none", "camhs"],
            'Select "%(option)s" on its own, or other options',
            {"option": "None of these"},
        ),
        (TEXT, ["x" * 21], "Your answer must be %(max)s characters or fewer", {"max": 20}),
        (NUMBER, ["2.5"], "Enter a whole number, like 3", {}),
        (NUMBER, ["three"], "Enter a whole number, like 3", {}),
        (NUMBER, ["9" * 5000], "Enter a whole number, like 3", {}),
        (NUMBER, ["1", "2"], "Enter a whole number, like 3", {}),
        (NUMBER, ["51"], "Enter a number between %(min)s and %(max)s", {"min": 0, "max": 50}),
        (NUMBER, ["-1"], "Enter a number between %(min)s and %(max)s", {"min": 0, "max": 50}),
        (MONTH, ["13", "2025"], "Enter a real month and year", {}),
        (MONTH, ["0", "2025"], "Enter a real month and year", {}),
        (MONTH, ["3", "25"], "Enter a real month and year", {}),
        (MONTH, ["3", "1850"], "Enter a real month and year", {}),
        (MONTH, ["Smarch", "2025"], "Enter a real month and year", {}),
        (MONTH, ["", "2025"], "The date must include a month", {}),
        (MONTH, ["3", ""], "The date must include a year", {}),
        (MONTH, ["3", "2025", "x"], "Enter a real month and year", {}),
    ],
)
def test_bad_answers_get_clear_messages(
    question: Question, raw: list[str], message: str, params: dict[str, Any]
) -> None:
    with pytest.raises(AnswerError) as caught:
        clean_answer(question, raw)
    assert (caught.value.message, caught.value.params) == (message, params)
    assert str(caught.value) == message % params if params else message


def test_number_messages_with_one_bound() -> None:
    at_least = make(AnswerType.NUMBER, min_value=1)
    at_most = make(AnswerType.NUMBER, max_value=10)
    with pytest.raises(AnswerError, match="1 or more"):
        clean_answer(at_least, ["0"])
    with pytest.raises(AnswerError, match="10 or less"):
        clean_answer(at_most, ["11"])
    assert clean_answer(make(AnswerType.NUMBER), ["-40"]) == -40


def test_huge_text_is_refused_quickly() -> None:
    with pytest.raises(AnswerError):
        clean_answer(TEXT, ["x" * 10_000_000])


@given(st.lists(st.text(max_size=50), max_size=4), st.sampled_from(ALL_TYPES))
def test_any_input_gives_an_answer_or_an_answer_error(raw: list[str], question: Question) -> None:
    try:
        value = clean_answer(question, raw)
    except AnswerError:
        return
    assert value is not None
    if isinstance(value, str):
        assert "\x00" not in value and "\r" not in value


@pytest.mark.parametrize(
    ("question", "value", "shown"),
    [
        (SINGLE, "ehcp", "EHC plan"),
        (AGREEMENT, "neither", "Neither agree nor disagree"),
        (MULTIPLE, ("sendiass", "camhs"), "SENDIASS, CAMHS"),
        (MONTH, "2025-03", "March 2025"),
        (NUMBER, 12, "12"),
        (TEXT, "Better now", "Better now"),
        (TEXT, None, ""),
        (SINGLE, "gone", "gone"),
    ],
)
def test_format_answer(question: Question, value: AnswerValue | None, shown: str) -> None:
    assert format_answer(question, value) == shown
