"""Which options count as positive ("% positive" in results): data on the question,
with defaults for the standard scales from the answer type registry (issue 14)."""

from __future__ import annotations

import pytest

from surveys import Question
from surveys.loading import parse_questionnaire
from surveys.problems import QuestionnaireError


def _question(**fields: object) -> Question:
    return Question.model_validate({"id": "q", "text": "Q", **fields})


def test_standard_scales_count_their_positive_answers_by_default() -> None:
    assert _question(type="agreement").positive_codes == ("strongly_agree", "agree")
    assert _question(type="yes_no").positive_codes == ("yes",)
    assert _question(type="face").positive_codes == ("very_happy", "happy")
    assert _question(type="face", points=3).positive_codes == ("happy",)
    assert _question(type="scale_0_10").positive_codes == ("9", "10")


def test_own_options_have_none_until_marked_and_a_marked_list_replaces_the_default() -> None:
    options = [{"code": "good", "label": "Good"}, {"code": "bad", "label": "Bad"}]
    assert _question(type="single", options=options).positive_codes == ()
    assert _question(type="single", options=options, positive=["good"]).positive_codes == ("good",)
    # An empty list: none, even on a standard scale.
    assert _question(type="agreement", positive=[]).positive_codes == ()
    # Written as numbers in YAML, scores are codes (text), in option order.
    assert _question(type="scale_0_10", positive=[10, 8, 9]).positive_codes == ("8", "9", "10")
    # Free text has none.
    assert _question(type="text").positive_codes == ()


QUESTIONNAIRE = """
id: own
title: Own
description: Own questions.
kind: event
estimated_minutes: 1
privacy_notice: Anonymous.
next_steps: Thanks.
first_page: p
pages:
  - id: p
    questions:
      - id: q
        type: {type}
        text: Question
{extra}
"""


@pytest.mark.parametrize(
    ("answer_type", "extra", "message"),
    [
        (
            "single",
            "        options: [{code: a, label: A}]\n        positive: [b]",
            "'b' is not one of the options",
        ),
        (
            "agreement",
            "        positive: [dont_know]",
            "'dont_know' is left out of the base, so it cannot be positive",
        ),
        ("text", "        positive: [a]", "text questions have no positive options"),
    ],
)
def test_positive_must_name_options_in_the_base(answer_type: str, extra: str, message: str) -> None:
    with pytest.raises(QuestionnaireError) as raised:
        parse_questionnaire(QUESTIONNAIRE.format(type=answer_type, extra=extra))
    assert message in str(raised.value)


def test_a_marked_question_loads() -> None:
    extra = "        options: [{code: a, label: A}, {code: b, label: B}]\n        positive: [a]"
    questionnaire = parse_questionnaire(QUESTIONNAIRE.format(type="single", extra=extra))
    assert questionnaire.question("q").positive_codes == ("a",)  # type: ignore[union-attr]
