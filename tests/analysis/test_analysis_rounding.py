"""Issue 18 (5): one rounding rule, decimal half away from zero, in every renderer."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import KpiDefinition, compare_waves, to_csv, to_html
from analysis.render_csv import publication_percent
from analysis.rounding import format_number, format_percent, round_half_away, whole_percent
from feedback_app.web.layout import number_filter, percent_filter


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [(12.5, 0, 13.0), (14.5, 0, 15.0), (28.5, 0, 29.0), (6.25, 1, 6.3), (-2.5, 0, -3.0)],
)
def test_half_away_from_zero_at_the_boundaries(value: float, places: int, expected: float) -> None:
    assert round_half_away(value, places) == expected


def test_every_formatter_uses_the_rule() -> None:
    assert [whole_percent(x) for x in (12.5, 14.5, 28.5)] == [13, 15, 29]
    assert [publication_percent(x) for x in (12.5, 14.5, 28.5)] == [13, 15, 29]
    assert format_number(6.25) == "6.3" and format_percent(6.25) == "6.3%"
    # The web app's Jinja filters are the same function.
    assert percent_filter(14.5, 0) == "15%" and percent_filter(6.25) == "6.3%"
    assert number_filter(28.5, 0) == "29" and number_filter(None) == "–"
    assert number_filter(2.25, sign=True) == "+2.3"


def _frame(k1: int, n1: int, k2: int, n2: int) -> pd.DataFrame:
    answers = ([("a", "yes")] * k1 + [("a", "no")] * (n1 - k1) + [("b", "yes")] * k2) + [
        ("b", "no")
    ] * (n2 - k2)
    return pd.DataFrame(
        {
            "response_id": range(len(answers)),
            "wave": [w for w, _ in answers],
            "q": [q for _, q in answers],
        }
    )


def test_sentence_and_chart_show_the_table_figure_in_publication() -> None:
    # 29/200 = 14.5% and 61/400 = 15.25%: the table shows 15 and 15.
    kpi = KpiDefinition(id="k", title="Trust", question="q", positive=("yes",))
    result = compare_waves(
        _frame(29, 200, 61, 400), [kpi], baseline="a", follow_up="b", publication=True
    )
    assert "from 15% (n=200) to 15% (n=400)" in result.kpis[0].summary
    row = to_csv(result, publication=True).splitlines()[1].split(",")
    assert "15" in row
    page = to_html(result, publication=True)
    assert ">15%</text>" in page and "14.5" not in page and ">14%" not in page


def test_officer_sentence_rounds_half_away() -> None:
    # 25/400 = 6.25%: 6.3 in the sentence (not 6.2, half to even on the float).
    kpi = KpiDefinition(id="k", title="Trust", question="q", positive=("yes",))
    result = compare_waves(_frame(25, 400, 100, 400), [kpi], baseline="a", follow_up="b")
    assert "from 6.3% (n=400)" in result.kpis[0].summary


def test_weighted_publication_json_is_rounded_before_it_leaves() -> None:
    # Issue 18 (1): east 3/23 and west 12/30, weighted to a 50/50 population: the
    # unrounded weighted headline (about 26.5%) has one solution; published, it is
    # a whole number, and so is every published figure.
    from analysis import PopulationMargins, to_dict

    rows = [("f", "east", "yes")] * 3 + [("f", "east", "no")] * 20
    rows += [("f", "west", "yes")] * 12 + [("f", "west", "no")] * 18
    rows += [("b", area, "yes") for area in ("east", "west") for _ in range(30)]
    rows += [("b", area, "no") for area in ("east", "west") for _ in range(30)]
    frame = pd.DataFrame(
        {
            "response_id": range(len(rows)),
            "wave": [r[0] for r in rows],
            "area": [r[1] for r in rows],
            "q": [r[2] for r in rows],
        }
    )
    margins = PopulationMargins(counts=(("area", (("east", 500.0), ("west", 500.0))),))
    kpi = KpiDefinition(id="k", title="Trust", question="q", positive=("yes",))
    officer = compare_waves(frame, [kpi], baseline="b", follow_up="f", weights=margins)
    assert officer.kpis[0].follow_up.percent != round(officer.kpis[0].follow_up.percent or 0)
    published = to_dict(
        compare_waves(frame, [kpi], baseline="b", follow_up="f", weights=margins, publication=True)
    )["kpis"][0]
    for side in ("baseline", "follow_up"):
        for key in ("percent", "ci_low", "ci_high", "effective_base"):
            value = published[side][key]
            assert value is None or value == round(value), (side, key, value)
    for key in ("change_pp", "change_ci_low", "change_ci_high"):
        assert published[key] is None or published[key] == round(published[key])
