"""Comparability of KPI questions between published versions (pure, no app)."""

from __future__ import annotations

from typing import Any

from surveys import Option, Questionnaire
from surveys.comparability import BreakKind, comparability_breaks
from surveys.library import bundled_questionnaires, kpi_bank


def _annual() -> Questionnaire:
    return bundled_questionnaires()["parent_annual"]


def _changed(q: Questionnaire, question_id: str, **update: Any) -> Questionnaire:
    pages = []
    for page in q.pages:
        questions = tuple(
            question.model_copy(update=update) if question.id == question_id else question
            for question in page.questions
        )
        pages.append(page.model_copy(update={"questions": questions}))
    return q.model_copy(update={"pages": tuple(pages)})


def test_an_unchanged_questionnaire_has_no_breaks() -> None:
    assert comparability_breaks(_annual(), _annual(), kpi_bank()) == ()
    assert comparability_breaks(None, _annual(), kpi_bank()) == ()


def test_changes_to_questions_without_kpis_do_not_matter() -> None:
    later = _changed(_annual(), "plan_type", text="What help does your child get?")
    assert comparability_breaks(_annual(), later, kpi_bank()) == ()


def test_changed_wording_of_a_kpi_question_is_a_break() -> None:
    later = _changed(_annual(), "trust_confidence", text="I trust the council")
    (found,) = comparability_breaks(_annual(), later, kpi_bank())
    assert found.kind is BreakKind.WORDING
    assert found.question_id == "trust_confidence"
    assert found.kpi_ids == ("kpi_4_1",)
    assert found.before.startswith("I have trust and confidence")
    assert found.after == "I trust the council"


def test_a_changed_hint_alone_is_not_a_break() -> None:
    later = _changed(_annual(), "trust_confidence", hint="Anything at all")
    assert comparability_breaks(_annual(), later, kpi_bank()) == ()


def test_changed_option_labels_are_a_break() -> None:
    question = _annual().question("help_support_rating")
    assert question is not None
    options = tuple(
        o.model_copy(update={"label": "Excellent"}) if o.code == "very_good" else o
        for o in question.options
    )
    later = _changed(_annual(), "help_support_rating", options=options)
    (found,) = comparability_breaks(_annual(), later, kpi_bank())
    assert found.kind is BreakKind.OPTIONS
    assert "very_good: Very good" in found.before
    assert "very_good: Excellent" in found.after


def test_a_removed_option_is_a_break() -> None:
    question = _annual().question("help_support_rating")
    assert question is not None
    options = tuple(o for o in question.options if o.code != "neither")
    later = _changed(_annual(), "help_support_rating", options=options)
    kinds = [b.kind for b in comparability_breaks(_annual(), later, kpi_bank())]
    assert kinds == [BreakKind.OPTIONS]


def test_positive_codes_missing_from_the_options_are_a_break() -> None:
    question = _annual().question("help_support_rating")
    assert question is not None
    options = (
        Option(code="excellent", label="Excellent"),
        *(o for o in question.options if o.code not in {"very_good", "good"}),
    )
    later = _changed(_annual(), "help_support_rating", options=options)
    found = comparability_breaks(_annual(), later, kpi_bank())
    assert [b.kind for b in found] == [BreakKind.OPTIONS, BreakKind.POSITIVE_CODES]
    assert found[1].after == "very_good, good"
    # Without an earlier version the KPI bank is still checked.
    (alone,) = comparability_breaks(None, later, kpi_bank())
    assert alone.kind is BreakKind.POSITIVE_CODES


def test_a_kpi_question_that_stops_measuring_its_kpi_is_a_break() -> None:
    later = _changed(_annual(), "trust_confidence", kpis=())
    (found,) = comparability_breaks(_annual(), later, kpi_bank())
    assert found.kind is BreakKind.REMOVED
    assert found.kpi_ids == ("kpi_4_1",)
