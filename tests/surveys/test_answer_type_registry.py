"""Every answer type has an entry in both registries, and the entries are usable.

The domain registry (surveys/answer_types.py) and the web one
(feedback_app/respond/answer_types.py) are the only places that list answer
types; this test fails when a type is added to one and not the other.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from feedback_app.respond.answer_types import DESIGNER_FIELDS, RENDERING
from surveys import ANSWER_TYPES, AnswerType, Question, Setting, clean_answer, spec_of
from surveys.answer_types import numbered_options

ROOT = Path(__file__).resolve().parents[2]


def test_every_type_has_a_domain_entry() -> None:
    assert set(ANSWER_TYPES) == set(AnswerType)
    for answer_type, spec in ANSWER_TYPES.items():
        assert spec.type is answer_type


def test_every_type_has_a_web_entry() -> None:
    assert set(RENDERING) == set(AnswerType)
    for drawn in RENDERING.values():
        assert (ROOT / "templates" / drawn.partial).is_file(), drawn.partial


def test_every_setting_has_designer_fields() -> None:
    from feedback_app.designer.forms import QuestionForm

    assert set(DESIGNER_FIELDS) == set(Setting)
    for entry in DESIGNER_FIELDS.values():
        for name in entry.fields:
            assert hasattr(QuestionForm, name), name


@pytest.mark.parametrize("answer_type", list(AnswerType))
def test_every_entry_is_complete(answer_type: AnswerType) -> None:
    spec = spec_of(answer_type)
    for text in (
        spec.missing,
        spec.name,
        spec.description,
        spec.review_name,
        spec.print_how,
        spec.key_how,
    ):
        assert text.strip(), answer_type
    if spec.closed and Setting.OWN_OPTIONS not in spec.settings:
        assert spec.standard_options(spec.default_points), "a closed type needs options"
    question = Question.model_validate(
        {
            "id": "q",
            "type": answer_type.value,
            "text": "Q",
            **({"options": [{"code": "a", "label": "A"}]} if not spec.standard else {}),
        }
        if spec.closed
        else {"id": "q", "type": answer_type.value, "text": "Q"}
    )
    assert clean_answer(question.model_copy(update={"optional": True}), []) is None
    numbers = [n for n, _o in numbered_options(question)]
    assert len(set(numbers)) == len(numbers) == len(question.options)


def test_the_designer_and_review_names_come_from_the_registry() -> None:
    from feedback_app.designer.forms import ANSWER_TYPES as DESIGNER_TYPES

    assert [t for t, _name, _hint in DESIGNER_TYPES] == list(ANSWER_TYPES)
