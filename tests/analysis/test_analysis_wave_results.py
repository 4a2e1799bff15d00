"""Issue 14: one wave on its own, periods and the sentences' labels (pure analysis)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analysis import (
    AnalysisInputError,
    KpiDefinition,
    compare_questions,
    question_positive,
    trend_kpis,
)
from analysis.proportions import wilson_interval
from analysis.wave_results import Period, by_period, crosstab, periods_for, wave_results

KPI = KpiDefinition(id="k", title="Listened to", question="q", positive=("yes",))


def _frame() -> pd.DataFrame:
    answers = ["yes"] * 30 + ["no"] * 12 + ["dont_know"] * 3
    return pd.DataFrame(
        {"response_id": range(45), "wave": ["w"] * 45, "q": answers, "g": ["a", "b", "c"] * 15}
    )


def test_options_have_wilson_intervals_and_kpis_match_trend() -> None:
    frame = _frame()
    result = wave_results(frame, wave="w", questions=["q"], kpis=[KPI])
    options = {o.option: o for o in result.questions[0].options}
    low, high = wilson_interval(30, 45)
    assert options["yes"].percent == pytest.approx(30 / 45 * 100)
    assert options["yes"].ci_low == pytest.approx(float(low) * 100)
    assert options["yes"].ci_high == pytest.approx(float(high) * 100)
    # The KPI's estimate is the one trend (and compare) give the same wave.
    twice = pd.concat([frame, frame.assign(wave="v", response_id=frame.response_id + 100)])
    step = trend_kpis(twice, [KPI], waves=["w", "v"]).kpis[0].steps[0].estimate
    assert result.kpis[0].estimate == step


def test_publication_withholds_the_small_option_and_what_reveals_it() -> None:
    result = wave_results(_frame(), wave="w", questions=["q"], kpis=[KPI], publication=True)
    options = {o.option: o for o in result.questions[0].options}
    assert options["dont_know"].withheld and options["dont_know"].count is None
    # Everyone answered, so the base (45) is the published number of responses; the
    # KPI's base (42) would then give the 3 away, so the KPI figure is withheld.
    assert result.questions[0].base in (None, 45)
    assert result.kpis[0].estimate.withheld and result.kpis[0].estimate.base is None


def test_quarters_and_chosen_periods() -> None:
    days = [dt.date(2026, 1, 5), dt.date(2026, 5, 1), dt.date(2026, 5, 2), dt.date(2026, 9, 30)]
    quarters = periods_for(days, every="quarter")
    assert [p.label for p in quarters] == ["2026 Q1", "2026 Q2", "2026 Q3"]
    frame = pd.DataFrame({"response_id": range(4), "wave": ["x"] * 4, "q": ["yes"] * 4})
    split = by_period(frame, days=days, periods=quarters)
    assert split["wave"].tolist() == ["2026 Q1", "2026 Q2", "2026 Q2", "2026 Q3"]
    months = periods_for([dt.date(2025, 11, 3), dt.date(2026, 2, 1)], every="month")
    assert [p.label for p in months] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    overlapping = [
        Period("a", dt.date(2026, 1, 1), dt.date(2026, 3, 1)),
        Period("b", dt.date(2026, 2, 1), dt.date(2026, 4, 1)),
    ]
    with pytest.raises(AnalysisInputError, match="overlap"):
        by_period(frame, days=days, periods=overlapping)


def test_crosstab_refuses_the_same_question_twice() -> None:
    with pytest.raises(AnalysisInputError, match="two different"):
        crosstab(_frame(), wave="w", question="q", by="q")


def test_question_sentences_name_options_by_their_labels() -> None:
    rows = [("a", "dont_know")] * 10 + [("a", "yes")] * 90 + [("b", "dont_know")] * 40
    rows += [("b", "yes")] * 60
    frame = pd.DataFrame(
        {"response_id": range(200), "wave": [w for w, _ in rows], "q": [a for _, a in rows]}
    )
    result = compare_questions(
        frame,
        {"q": ("yes", "dont_know")},
        baseline="a",
        follow_up="b",
        option_labels={"q": {"yes": "Yes", "dont_know": "Don't know"}},
    )
    summary = result.questions[0].summary
    assert "'Don't know' rose" in summary
    assert "dont_know" not in summary


def _rated(counts: dict[str, int]) -> pd.DataFrame:
    codes = [code for code, n in counts.items() for _ in range(n)]
    return pd.DataFrame({"response_id": range(len(codes)), "wave": "w", "q": codes})


def test_percent_positive_of_a_question_is_a_kpi_estimate() -> None:
    frame = _rated({"excellent": 30, "good": 12, "poor": 10, "dont_know": 12})
    rule = question_positive("q", ["excellent", "good"], exclude=["dont_know"])
    result = wave_results(frame, wave="w", questions=["q"], positive=[rule])
    estimate = result.questions[0].positive
    assert estimate is not None
    # "Don't know" leaves the base, as for a KPI; the interval is the shared Wilson one.
    assert (estimate.base, estimate.positive) == (52, 42)
    low, high = wilson_interval(42, 52)
    assert estimate.ci_low == pytest.approx(float(low) * 100)
    assert estimate.ci_high == pytest.approx(float(high) * 100)
    as_kpi = wave_results(frame, wave="w", questions=["q"], kpis=[rule]).kpis[0].estimate
    assert estimate == as_kpi
    # No rule: no % positive, and the options are unchanged.
    plain = wave_results(frame, wave="w", questions=["q"])
    assert plain.questions[0].positive is None
    assert plain.questions[0].options == result.questions[0].options


def test_publication_withholds_a_small_positive_count_and_what_reveals_it() -> None:
    frame = _rated({"excellent": 3, "good": 0, "poor": 40, "dont_know": 12})
    rule = question_positive("q", ["excellent", "good"], exclude=["dont_know"])
    published = wave_results(frame, wave="w", questions=["q"], positive=[rule], publication=True)
    question = published.questions[0]
    assert question.positive is not None and question.positive.withheld
    assert question.positive.percent is None and question.positive.base is None
    withheld = {o.option for o in question.options if o.withheld}
    assert "excellent" in withheld
    # The positive count (3) cannot be had as the base minus the other options.
    assert withheld - {"excellent"}


def _one_question(answers: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"response_id": range(len(answers)), "wave": ["w"] * len(answers), "q": answers}
    )


@pytest.mark.parametrize("answers", [["a"] * 3, ["a"] * 2 + ["b"] * 2, ["a"] * 4])
def test_publication_withholds_a_base_of_1_to_4(answers: list[str]) -> None:
    """Everyone answered a question in a wave of 3 or 4: its base is 1 to 4, withheld."""
    result = wave_results(_one_question(answers), wave="w", questions=["q"], publication=True)
    assert result.questions[0].base is None
    assert all(o.withheld and o.count is None for o in result.questions[0].options)
    # The wave's own total (1 to 4) is withheld too: it would give the base.
    assert result.responses is None
    assert wave_results(_one_question(answers), wave="w", questions=["q"]).responses == len(answers)


@pytest.mark.parametrize("answers", [["a"] * 7, ["a"] * 9])
def test_publication_never_leaves_one_withheld_option_beside_the_base(
    answers: list[str],
) -> None:
    """A single-choice question where the only answer given is withheld (a count of 5
    to 9 is a base under 10): with the base shown, base minus the shown options (0)
    would give it. The base is withheld with it, though everyone answered."""
    for kpis in ([], [KpiDefinition(id="k", title="A", question="q", positive=("a",))]):
        result = wave_results(
            _one_question(answers), wave="w", questions=["q"], kpis=kpis, publication=True
        )
        question = result.questions[0]
        withheld = [o for o in question.options if o.withheld]
        assert not question.multiple_choice and len(withheld) == 1
        assert question.base is None
        assert all(o.percent is None for o in question.options)
