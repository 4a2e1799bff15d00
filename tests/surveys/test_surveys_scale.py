"""The 0 to 10 scale ("how likely are you to recommend"), end to end in the domain."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import compare_waves, load_kpis
from surveys import AnswerError, AnswerType, Question, clean_answer, format_answer
from surveys.answer_types import numbered_options, option_by_number, option_number
from surveys.kpis import parse_kpi_bank
from surveys.loading import parse_questionnaire

RECOMMEND = Question(id="recommend", type=AnswerType.SCALE_0_10, text="How likely?")

QUESTIONNAIRE = """\
id: scale_test
title: T
description: D
kind: event
estimated_minutes: 1
privacy_notice: P
next_steps: N
first_page: recommend
pages:
  - id: recommend
    questions:
      - id: recommend
        type: scale_0_10
        text: How likely are you to recommend us?
        kpis: [promoters]
"""
BANK = """\
kpis:
  - id: promoters
    title: Would recommend us
    question: recommend
    positive: [9, 10]
    exclude: [dont_know]
"""


def test_the_standard_scale_is_0_to_10_then_dont_know() -> None:
    codes = [o.code for o in RECOMMEND.options]
    assert codes == [*map(str, range(11)), "dont_know"]
    assert RECOMMEND.is_closed
    ends = [o.hint for o in RECOMMEND.options if o.hint]
    assert ends == ["Not at all likely", "Extremely likely"]
    assert RECOMMEND.option("dont_know").exclude_from_base  # type: ignore[union-attr]


def test_answers_are_one_score() -> None:
    assert clean_answer(RECOMMEND, ["9"]) == "9"
    assert clean_answer(RECOMMEND, ["0"]) == "0"
    assert format_answer(RECOMMEND, "10") == "10"
    with pytest.raises(AnswerError, match="Select one"):
        clean_answer(RECOMMEND, ["11"])
    with pytest.raises(AnswerError) as missing:
        clean_answer(RECOMMEND, [])
    assert missing.value.message == "Select a number from 0 to 10"


def test_the_box_number_is_the_score() -> None:
    assert [n for n, _o in numbered_options(RECOMMEND)] == [*range(11), 11]
    assert option_number(RECOMMEND, "0") == 0
    assert option_by_number(RECOMMEND, 7) == "7"
    assert option_by_number(RECOMMEND, 11) == "dont_know"
    without = RECOMMEND.model_copy(update={"options": RECOMMEND.options[:11]})
    assert option_by_number(without, 11) is None


def test_a_kpi_counts_9_and_10_as_positive() -> None:
    bank = parse_kpi_bank(BANK)
    questionnaire = parse_questionnaire(QUESTIONNAIRE, kpi_bank=bank)
    assert questionnaire.question("recommend") is not None
    (kpi,) = load_kpis({"kpis": [{**bank.kpis[0].model_dump(exclude_none=True)}]})
    assert kpi.positive == ("9", "10")
    # The scale is known to the analysis, so stray codes in the data are caught.
    assert kpi.valid_codes() == frozenset([*map(str, range(11)), "dont_know"])
    answers = ["10", "9", "3", "dont_know"] * 10 + ["10", "9", "8", "7"] * 10
    frame = pd.DataFrame(
        {"response_id": range(80), "wave": ["a"] * 40 + ["b"] * 40, "recommend": answers}
    )
    result = compare_waves(frame, [kpi], baseline="a", follow_up="b")
    first = result.kpis[0]
    # "Don't know" leaves the base; 9 and 10 are positive.
    assert (first.baseline.base, first.baseline.positive) == (30, 20)
    assert (first.follow_up.base, first.follow_up.positive) == (40, 20)


def test_a_scale_keeps_its_scores() -> None:
    broken = QUESTIONNAIRE.replace(
        "        kpis: [promoters]\n",
        "        options: [{code: '1', label: '1'}, {code: '0', label: '0'}]\n",
    )
    with pytest.raises(Exception, match="scores 0 to 10 in order"):
        parse_questionnaire(broken, kpi_bank=parse_kpi_bank(BANK))
