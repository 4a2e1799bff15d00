"""compare_questions (every option of shared closed questions) and hand-corrected themes."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from scipy import stats

from analysis import AnalysisInputError, comment_themes, compare_questions, themes
from analysis.estimates import FISHER_EXACT, Z_TEST


def _frame(waves: dict[str, list[str]], column: str = "q") -> pd.DataFrame:
    rows = [(wave, answer) for wave, answers in waves.items() for answer in answers]
    return pd.DataFrame(
        {
            "response_id": range(1, len(rows) + 1),
            "wave": [w for w, _ in rows],
            column: [a for _, a in rows],
        }
    )


def test_single_choice_options_reproduce_newcombe_and_the_unpooled_z_test() -> None:
    # Newcombe (1998), example (d): 56/70 - 48/80, interval 0.0524 to 0.3339.
    df = _frame(
        {
            "2023": ["yes"] * 48 + ["no"] * 32 + ["dont_know"] * 5 + [""] * 7,
            "2024": ["yes"] * 56 + ["no"] * 14 + ["dont_know"] * 0 + [""] * 3,
        }
    )
    # "don't know" is in the base (as in the wave's distribution): 85 and 70.
    result = compare_questions(
        df, {"q": ("yes", "no", "dont_know")}, baseline="2023", follow_up="2024"
    )
    question = result.questions[0]
    assert (question.baseline_answered, question.follow_up_answered) == (85, 70)
    assert not question.multiple_choice
    by_option = {o.option: o for o in question.options}
    yes = by_option["yes"]
    assert yes.baseline.positive == 48 and yes.baseline.base == 85
    assert yes.baseline.percent == pytest.approx(48 / 85 * 100)
    assert yes.follow_up.percent == pytest.approx(80.0)
    # Single choice: the options add up to 100 in each wave.
    assert sum(o.baseline.percent or 0 for o in question.options) == pytest.approx(100.0)

    # The same figures on the exact Newcombe example: drop "don't know" from the input.
    exact = compare_questions(
        df[df["q"] != "dont_know"], {"q": ("yes", "no")}, baseline="2023", follow_up="2024"
    ).questions[0]
    change = exact.options[0].change
    assert change.change_pp == pytest.approx(20.0)
    assert change.change_ci_low == pytest.approx(5.24, abs=0.005)
    assert change.change_ci_high == pytest.approx(33.39, abs=0.005)
    p1, p2 = 48 / 80, 56 / 70
    se = math.sqrt(p1 * (1 - p1) / 80 + p2 * (1 - p2) / 70)
    expected_p = 2 * stats.norm.sf(abs(p2 - p1) / se)
    assert change.test == Z_TEST
    assert change.p_value == pytest.approx(expected_p)
    assert exact.options[0].movement == "rose" and exact.options[1].movement == "fell"
    assert "'yes' rose from 60% to 80%" in exact.summary


def test_multiple_choice_percentages_do_not_add_up_to_100_and_small_counts_use_fisher() -> None:
    df = _frame(
        {
            "a": ["gp;school"] * 20 + ["gp"] * 15 + ["school;camhs"] * 5 + [""] * 4,
            "b": ["gp;school;camhs"] * 10 + ["school"] * 20 + ["camhs"] * 10,
        },
        column="services",
    )
    result = compare_questions(
        df, {"services": ("gp", "school", "camhs")}, baseline="a", follow_up="b"
    )
    question = result.questions[0]
    assert question.multiple_choice
    assert (question.baseline_answered, question.follow_up_answered) == (40, 40)
    percents = {o.option: (o.baseline.percent, o.follow_up.percent) for o in question.options}
    assert percents == {
        "gp": (pytest.approx(87.5), pytest.approx(25.0)),
        "school": (pytest.approx(62.5), pytest.approx(75.0)),
        "camhs": (pytest.approx(12.5), pytest.approx(50.0)),
    }
    assert sum(p for p, _ in percents.values()) > 100
    camhs = question.options[2].change
    # 5/40 against 20/40: no expected cell below 5 -> z-test; gp 35/40 vs 10/40 likewise.
    assert camhs.test == Z_TEST and camhs.significant
    small = compare_questions(
        _frame({"a": ["x"] * 38 + ["y"] * 2, "b": ["x"] * 33 + ["y"] * 7}),
        {"q": ("x", "y")},
        baseline="a",
        follow_up="b",
    ).questions[0]
    expected = stats.fisher_exact([[2, 38], [7, 33]]).pvalue
    assert small.options[1].change.test == FISHER_EXACT
    assert small.options[1].change.p_value == pytest.approx(expected)


def test_publication_withholds_small_counts_and_a_partner_and_their_change() -> None:
    df = _frame({"a": ["x"] * 40 + ["y"] * 3 + ["z"] * 20, "b": ["x"] * 40 + ["z"] * 20})
    open_view = compare_questions(df, {"q": ("x", "y", "z")}, baseline="a", follow_up="b")
    assert open_view.questions[0].options[1].baseline.positive == 3
    published = compare_questions(
        df, {"q": ("x", "y", "z")}, baseline="a", follow_up="b", publication=True
    )
    options = {o.option: o for o in published.questions[0].options}
    assert options["y"].baseline.withheld and options["y"].change.change_pp is None
    # Secondary: the smallest other cell (z, 20) hides too, so 3 cannot be worked out.
    assert options["z"].baseline.withheld
    assert not options["x"].baseline.withheld
    assert "publication suppression" in published.method["publication"]


def test_bad_input_is_named() -> None:
    df = _frame({"a": ["x"] * 10, "b": ["x"] * 9 + ["maybe"]})
    with pytest.raises(AnalysisInputError, match=r"row 20 \(response_id 20\).*'maybe'"):
        compare_questions(df, {"q": ("x", "y")}, baseline="a", follow_up="b")
    with pytest.raises(AnalysisInputError, match="same wave"):
        compare_questions(df, {"q": ("x",)}, baseline="a", follow_up="a")
    with pytest.raises(AnalysisInputError, match="unknown wave 'c'"):
        compare_questions(df, {"q": ("x",)}, baseline="a", follow_up="c")
    with pytest.raises(AnalysisInputError, match="missing column 'other'"):
        compare_questions(df, {"other": ("x",)}, baseline="a", follow_up="b")


def test_corrected_themes_override_the_keyword_coding() -> None:
    df = pd.DataFrame(
        {
            "response_id": [1, 2, 3, 4],
            "wave": ["a", "a", "b", "b"],
            "comments": [
                "We waited far too long for the EHC plan.",
                "The school has been brilliant.",
                "We waited months.",
                "",
            ],
        }
    )
    automatic = themes(df, column="comments", waves=["a", "b"])
    assert comment_themes(df["comments"][0]) == ("waiting_times", "ehc_plan_process")

    def mentions(report: object, theme: str, wave: str) -> int:
        return next(
            c.mentions
            for c in report.counts  # type: ignore[attr-defined]
            if c.theme == theme and c.wave == wave
        )

    assert mentions(automatic, "waiting_times", "a") == 1
    assert automatic.corrected == 0
    corrected = themes(
        df,
        column="comments",
        waves=["a", "b"],
        # Comment 1 is really about communication only; 3 about nothing; 4 has no text.
        overrides={1: ["communication"], 3: [], 4: ["communication"]},
    )
    assert mentions(corrected, "waiting_times", "a") == 0
    assert mentions(corrected, "ehc_plan_process", "a") == 0
    assert mentions(corrected, "communication", "a") == 1
    assert mentions(corrected, "waiting_times", "b") == 0
    assert mentions(corrected, "communication", "b") == 0  # no text: nothing to correct
    assert corrected.corrected == 2
    assert "2 comments coded by hand" in corrected.method["themes"]
    with pytest.raises(AnalysisInputError, match="'made_up' is not in the codeframe"):
        themes(df, column="comments", overrides={2: ["made_up"]})
