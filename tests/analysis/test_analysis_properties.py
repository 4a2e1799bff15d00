"""Property-based tests: intervals, symmetry, row order, suppression."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from analysis_testdata import YES_NO, responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import compare_waves
from analysis.proportions import wilson_interval
from analysis.suppression import protect_cells

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def counts(draw: st.DrawFn, *, min_base: int = 0, max_base: int = 400) -> tuple[int, int]:
    n = draw(st.integers(min_base, max_base))
    return draw(st.integers(0, n)), n


@SETTINGS
@given(counts(min_base=1, max_base=100_000))
def test_wilson_contains_estimate_within_0_100(case: tuple[int, int]) -> None:
    k, n = case
    low, high = wilson_interval(k, n)
    assert 0.0 <= float(low) <= k / n <= float(high) <= 1.0


@SETTINGS
@given(st.floats(0, 1), st.floats(0.5, 1e6))
def test_wilson_for_weighted_sizes_stays_in_range(p: float, n_eff: float) -> None:
    low, high = wilson_interval(p * n_eff, n_eff)
    assert 0.0 <= float(low) <= p + 1e-12 and p - 1e-12 <= float(high) <= 1.0


@FEW
@given(counts(min_base=10), counts(min_base=10))
def test_change_interval_contains_change_and_swap_negates(
    baseline: tuple[int, int], follow_up: tuple[int, int]
) -> None:
    table = responses({"b": baseline, "f": follow_up})
    forward = compare_waves(table, [YES_NO], baseline="b", follow_up="f").kpis[0].change
    backward = compare_waves(table, [YES_NO], baseline="f", follow_up="b").kpis[0].change
    assert forward.change_pp is not None and backward.change_pp is not None
    assert forward.change_ci_low is not None and forward.change_ci_high is not None
    assert -100 <= forward.change_ci_low <= forward.change_pp <= forward.change_ci_high <= 100
    assert backward.change_pp == -forward.change_pp
    assert backward.change_ci_low == -forward.change_ci_high
    assert backward.change_ci_high == -forward.change_ci_low
    # Fisher's exact test sums the table's terms in a different order when the
    # waves swap, so the last bits of a tiny p-value may differ.
    if forward.p_value is None:
        assert backward.p_value is None
    else:
        assert backward.p_value == pytest.approx(forward.p_value, rel=1e-9, abs=1e-300)
    assert backward.test == forward.test


@FEW
@given(counts(min_base=5, max_base=120), counts(min_base=5, max_base=120), st.randoms())
def test_row_order_changes_nothing(
    baseline: tuple[int, int], follow_up: tuple[int, int], random: object
) -> None:
    table = responses({"b": baseline, "f": follow_up}, groups={"phase": ["x", "y", "z", ""]})
    seed = random.randint(0, 2**31)  # type: ignore[attr-defined]
    shuffled = table.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    options = {"baseline": "b", "follow_up": "f", "by": ["phase"], "publication": True}
    first = compare_waves(table, [YES_NO], **options)  # type: ignore[arg-type]
    second = compare_waves(shuffled, [YES_NO], **options)  # type: ignore[arg-type]
    assert first == second


@st.composite
def published_table(draw: st.DrawFn) -> np.ndarray:  # type: ignore[type-arg]
    cells = draw(st.integers(1, 8))
    measures = draw(st.integers(1, 2))
    values = draw(
        st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 200)),
                min_size=measures,
                max_size=measures,
            ),
            min_size=cells,
            max_size=cells,
        )
    )
    return np.array(values, dtype=np.int64)


@SETTINGS
@given(published_table())
def test_suppressed_cells_cannot_be_recovered_from_totals(table: np.ndarray) -> None:  # type: ignore[type-arg]
    hidden = protect_cells(table)
    # Every count of 1-4 is hidden.
    small = ((table >= 1) & (table <= 4)).any(axis=1)
    assert not (small & ~hidden).any()
    if not hidden.any():
        return
    # Knowing the totals and the visible cells, a reader knows only the sum of the
    # hidden cells for each measure. A hidden cell is determined exactly only when
    # it is alone, or when that sum is 0 while the measure's total is not 0.
    totals = table.sum(axis=0)
    hidden_sums = table[hidden].sum(axis=0)
    # A one-cell table is its own total, which primary suppression hides with it.
    assert hidden.sum() >= 2 or len(table) == 1
    assert ((hidden_sums >= 1) | (totals == 0)).all()


@FEW
@given(
    st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=40, max_size=200),
    st.integers(0, 10**6),
)
def test_published_breakdown_hides_small_groups_with_partner(groups: list[str], seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = len(groups)
    table = pd.DataFrame(
        {
            "response_id": range(2 * n),
            "wave": ["b"] * n + ["f"] * n,
            "q": rng.choice(["yes", "no"], size=2 * n),
            "g": groups * 2,
        }
    )
    item = compare_waves(
        table, [YES_NO], baseline="b", follow_up="f", by=["g"], publication=True
    ).kpis[0]
    for wave in ("baseline", "follow_up"):
        rows = [getattr(g, wave) for g in item.breakdowns[0].groups]
        withheld = [e for e in rows if e.withheld]
        assert len(withheld) != 1
        for estimate in rows:
            if (
                not estimate.withheld
                and estimate.positive is not None
                and estimate.base is not None
            ):
                assert estimate.positive == 0 or estimate.positive >= 5
                assert (
                    estimate.base - estimate.positive == 0 or estimate.base - estimate.positive >= 5
                )
