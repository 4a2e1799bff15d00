"""Comparability of KPI questions between published versions (pure, no app)."""

from __future__ import annotations

from surveys import Option
from surveys.comparability import BreakKind, comparability_breaks
from surveys.library import kpi_bank
from tests.support.questionnaires import annual, with_question_changed


def test_an_unchanged_questionnaire_has_no_breaks() -> None:
    assert comparability_breaks(annual(), annual(), kpi_bank()) == ()
    assert comparability_breaks(None, annual(), kpi_bank()) == ()


def test_changes_to_questions_without_kpis_do_not_matter() -> None:
    later = with_question_changed(annual(), "plan_type", text="What help does your child get?")
    assert comparability_breaks(annual(), later, kpi_bank()) == ()


def test_changed_wording_of_a_kpi_question_is_a_break() -> None:
    later = with_question_changed(annual(), "trust_confidence", text="I trust the council")
    (found,) = comparability_breaks(annual(), later, kpi_bank())
    assert found.kind is BreakKind.WORDING
    assert found.question_id == "trust_confidence"
    assert found.kpi_ids == ("kpi_4_1",)
    assert found.before.startswith("I have trust and confidence")
    assert found.after == "I trust the council"


def test_a_changed_hint_alone_is_not_a_break() -> None:
    later = with_question_changed(annual(), "trust_confidence", hint="Anything at all")
    assert comparability_breaks(annual(), later, kpi_bank()) == ()


def test_changed_option_labels_are_a_break() -> None:
    question = annual().question("help_support_rating")
    assert question is not None
    options = tuple(
        o.model_copy(update={"label": "Excellent"}) if o.code == "very_good" else o
        for o in question.options
    )
    later = with_question_changed(annual(), "help_support_rating", options=options)
    (found,) = comparability_breaks(annual(), later, kpi_bank())
    assert found.kind is BreakKind.OPTIONS
    assert "very_good: Very good" in found.before
    assert "very_good: Excellent" in found.after


def test_a_removed_option_is_a_break() -> None:
    question = annual().question("help_support_rating")
    assert question is not None
    options = tuple(o for o in question.options if o.code != "neither")
    later = with_question_changed(annual(), "help_support_rating", options=options)
    kinds = [b.kind for b in comparability_breaks(annual(), later, kpi_bank())]
    assert kinds == [BreakKind.OPTIONS]


def test_positive_codes_missing_from_the_options_are_a_break() -> None:
    question = annual().question("help_support_rating")
    assert question is not None
    options = (
        Option(code="excellent", label="Excellent"),
        *(o for o in question.options if o.code not in {"very_good", "good"}),
    )
    later = with_question_changed(annual(), "help_support_rating", options=options)
    found = comparability_breaks(annual(), later, kpi_bank())
    assert [b.kind for b in found] == [BreakKind.OPTIONS, BreakKind.POSITIVE_CODES]
    assert found[1].after == "very_good, good"
    # Without an earlier version the KPI bank is still checked.
    (alone,) = comparability_breaks(None, later, kpi_bank())
    assert alone.kind is BreakKind.POSITIVE_CODES


def test_a_kpi_question_that_stops_measuring_its_kpi_is_a_break() -> None:
    later = with_question_changed(annual(), "trust_confidence", kpis=())
    (found,) = comparability_breaks(annual(), later, kpi_bank())
    assert found.kind is BreakKind.REMOVED
    assert found.kpi_ids == ("kpi_4_1",)
