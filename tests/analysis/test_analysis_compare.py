"""compare_waves: small numbers, tests, direction, targets and sentences."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_testdata import YES_NO, kpi, responses

from analysis import AnalysisInputError, KpiDefinition, compare_waves


def _one(table: pd.DataFrame, definition: KpiDefinition = YES_NO, **options: object):  # type: ignore[no-untyped-def]
    return compare_waves(table, [definition], baseline="b", follow_up="f", **options).kpis[0]  # type: ignore[arg-type]


def test_base_excludes_dont_know_and_blank_but_keeps_no() -> None:
    table = responses({"b": (30, 100), "f": (40, 100)}, dont_know=7)
    table.loc[0, "q"] = ""
    item = _one(table)
    assert item.baseline.base == 99
    assert item.follow_up.base == 100
    assert item.follow_up.percent == pytest.approx(40.0)


def test_base_under_10_is_suppressed_and_insufficient() -> None:
    item = _one(responses({"b": (3, 9), "f": (40, 100)}))
    assert item.baseline.suppressed and item.baseline.percent is None
    assert item.baseline.positive is None and item.baseline.base == 9
    assert item.change.change_pp is None
    assert item.change.direction.value == "insufficient data"
    assert "fewer than 10 valid answers (n=9)" in item.summary


def test_base_under_30_has_caution_interval_but_no_test() -> None:
    item = _one(responses({"b": (5, 25), "f": (20, 100)}))
    assert item.baseline.caution and not item.baseline.suppressed
    assert item.change.change_pp == pytest.approx(0.0)
    assert item.change.change_ci_low is not None
    assert item.change.test is None and item.change.significant is None
    assert item.change.direction.value == "insufficient data"
    assert "no significance test" in item.summary


def test_fisher_used_when_an_expected_cell_is_below_5() -> None:
    item = _one(responses({"b": (1, 40), "f": (7, 40)}))
    assert item.change.test == "fisher-exact"
    from scipy.stats import fisher_exact

    expected = fisher_exact([[1, 39], [7, 33]]).pvalue
    assert item.change.p_value == pytest.approx(expected)
    assert "Fisher's exact test" in item.summary


def test_fisher_used_when_both_waves_are_0_and_100_percent() -> None:
    item = _one(responses({"b": (0, 40), "f": (40, 40)}))
    assert item.change.test == "fisher-exact"
    assert item.change.significant is True


def test_lower_is_better_fall_is_an_improvement() -> None:
    item = _one(responses({"b": (60, 200), "f": (30, 200)}), kpi(higher_is_better=False))
    assert item.change.direction.value == "improved"
    assert "fell from 30.0% (n=200) to 15.0% (n=200)" in item.summary
    assert "so this is an improvement" in item.summary


def test_higher_is_better_fall_is_a_decline() -> None:
    item = _one(responses({"b": (60, 200), "f": (30, 200)}))
    assert item.change.direction.value == "declined"


def test_no_change_sentence() -> None:
    item = _one(responses({"b": (40, 100), "f": (40, 100)}))
    assert item.change.direction.value == "no significant change"
    assert item.summary.startswith("Feel listened to did not change: 40.0% (n=100)")


def test_summary_sentence_of_the_issue() -> None:
    definition = kpi(target=("baseline_plus_pp", 10), short_title="Trust and confidence")
    item = _one(responses({"b": (77, 200), "f": (130, 250)}), definition)
    assert item.summary == (
        "Trust and confidence rose from 38.5% (n=200) to 52.0% (n=250), a rise of 13.5 points "
        f"(95% CI {item.change.change_ci_low:.1f} to {item.change.change_ci_high:.1f}). "
        "The rise is statistically significant. "
        "The target of 48.5% is met on the point estimate."
    )
    assert item.target is not None and item.target.target_percent == pytest.approx(48.5)


def test_worked_target_example_is_met_on_point_estimate_only() -> None:
    # statistics.md: 20% -> 36% (n = 50 each), +16 points against a +10 target.
    item = _one(responses({"b": (10, 50), "f": (18, 50)}), kpi(target=("baseline_plus_pp", 10)))
    assert item.change.change_pp == pytest.approx(16.0)
    assert item.target is not None
    assert item.target.status.value == "met on point estimate"
    assert item.change.change_ci_low is not None and item.change.change_ci_low < 10


@pytest.mark.parametrize(
    ("counts", "target", "status"),
    [
        ({"b": (100, 500), "f": (450, 500)}, ("absolute", 80), "met (confirmed)"),
        ({"b": (100, 500), "f": (405, 500)}, ("absolute", 80), "met on point estimate"),
        ({"b": (100, 500), "f": (395, 500)}, ("absolute", 80), "not met"),
        ({"b": (100, 500), "f": (300, 500)}, ("absolute", 80), "not met (confirmed)"),
        ({"b": (100, 500), "f": (200, 500)}, ("baseline_plus_relative", 50), "met (confirmed)"),
        ({"b": (100, 500), "f": (110, 500)}, ("baseline_plus_relative", 50), "not met (confirmed)"),
        ({"b": (100, 500), "f": (150, 500)}, ("baseline_plus_pp", 10), "met on point estimate"),
    ],
)
def test_target_statuses(
    counts: dict[str, tuple[int, int]], target: tuple[str, float], status: str
) -> None:
    item = _one(responses(counts), kpi(target=target))
    assert item.target is not None
    assert item.target.status.value == status


def test_exact_target_on_float_boundary_is_met() -> None:
    # 20% -> 30% is 9.999999999999998 points in floating point: it must meet +10.
    item = _one(
        responses({"b": (200, 1000), "f": (300, 1000)}), kpi(target=("baseline_plus_pp", 10))
    )
    assert item.target is not None
    assert item.target.status.value == "met on point estimate"


def test_relative_target_level() -> None:
    item = _one(
        responses({"b": (100, 500), "f": (150, 500)}), kpi(target=("baseline_plus_relative", 10))
    )
    assert item.target is not None
    assert item.target.target_percent == pytest.approx(22.0)
    assert item.target.required_change_pp == pytest.approx(2.0)


def test_lower_is_better_absolute_target() -> None:
    item = _one(
        responses({"b": (100, 500), "f": (50, 500)}),
        kpi(higher_is_better=False, target=("absolute", 20)),
    )
    assert item.target is not None
    assert item.target.status.value == "met (confirmed)"
    assert "The target of 20.0% or lower is met" in item.summary


def test_multiple_choice_positive_when_any_code_positive() -> None:
    table = pd.DataFrame(
        {"response_id": [1, 2, 3], "wave": ["b", "b", "b"], "q": ["no;yes", "no", "dont_know"]}
    )
    result = compare_waves(
        pd.concat([table, table.assign(wave="f")]), [YES_NO], baseline="b", follow_up="f"
    )
    assert result.kpis[0].baseline.base == 2


def test_unknown_wave_names_the_wave() -> None:
    with pytest.raises(AnalysisInputError, match=r"unknown wave 'x' \(the file has 'b', 'f'\)"):
        compare_waves(
            responses({"b": (1, 10), "f": (1, 10)}), [YES_NO], baseline="b", follow_up="x"
        )


def test_code_not_in_definition_names_row_and_column() -> None:
    table = responses({"b": (5, 10), "f": (5, 10)})
    table.loc[3, "q"] = "maybe"
    with pytest.raises(
        AnalysisInputError, match=r"row 4 \(response_id 4\): column 'q': code 'maybe'"
    ):
        compare_waves(table, [YES_NO], baseline="b", follow_up="f", source="r.csv")


def test_missing_columns_and_empty_table() -> None:
    with pytest.raises(AnalysisInputError, match="missing column 'wave'"):
        compare_waves(pd.DataFrame({"response_id": [1]}), [YES_NO], baseline="b", follow_up="f")
    with pytest.raises(AnalysisInputError, match="no responses"):
        compare_waves(
            pd.DataFrame({"response_id": [], "wave": [], "q": []}),
            [YES_NO],
            baseline="b",
            follow_up="f",
        )
    with pytest.raises(AnalysisInputError, match="missing column 'q'"):
        compare_waves(
            pd.DataFrame({"response_id": [1, 2], "wave": ["b", "f"]}),
            [YES_NO],
            baseline="b",
            follow_up="f",
        )


def test_same_wave_twice_is_rejected() -> None:
    with pytest.raises(AnalysisInputError, match="same wave"):
        compare_waves(responses({"b": (1, 10)}), [YES_NO], baseline="b", follow_up="b")


def test_method_is_named() -> None:
    result = compare_waves(
        responses({"b": (10, 40), "f": (20, 40)}), [YES_NO], baseline="b", follow_up="f"
    )
    assert "Wilson" in result.method.proportion_interval
    assert "method 10" in result.method.change_interval
    assert "unpooled" in result.method.significance_test


def test_a_base_of_1_to_4_is_told_as_fewer_than_5_as_everywhere_else() -> None:
    """Issue 14 §4: compare said "n=4" where the monitor says "fewer than 5"."""
    item = _one(responses({"b": (2, 4), "f": (40, 100)}))
    assert "(n=fewer than 5)" in item.summary
    assert "n=4" not in item.summary
