"""Issue 18 (1): an attacker who reads only what is published cannot narrow a hidden count.

The attacker is independent of :mod:`analysis.disclosure`: it models the wave's
respondents as whole-number counts per (ward, answer) and reads the published
``describe``, ``compare`` (breakdowns by locality and by ward, which nests in
locality) and ``trend`` output of the wave as equations. ``scipy.optimize.milp``
then gives the smallest and largest value each hidden count could take; the
range must be at least the documented protection interval.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from analysis import KpiDefinition, compare_waves, describe_wave, to_dict, trend_kpis
from analysis.disclosure import PROTECTION_INTERVAL
from tests.support.disclosure_attack import Equations, ward_frame

KPI = KpiDefinition(
    id="k",
    title="Listened to",
    question="q",
    positive=("yes",),
    exclude=("dont_know",),
    options=("yes", "no", "dont_know"),
)
ANSWERS = ("yes", "no", "dont_know")
WARDS = {"w1": "north", "w2": "north", "w3": "south", "w4": "south", "w5": "east", "w6": "east"}


def _wave_rows(rng: random.Random, wave: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for ward, locality in WARDS.items():
        size = rng.choice([0, 1, 2, 3, 5, 8, 12, 30])
        weights = (rng.random(), rng.random(), rng.random() * 0.3)
        for _ in range(size):
            answer = rng.choices(ANSWERS, weights=weights)[0]
            rows.append((wave, ward, locality, answer))
    return rows


def _frame(seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = _wave_rows(rng, "b") + _wave_rows(rng, "f")
    rows += [("g", ward, locality, "yes") for ward, locality in WARDS.items()] * 5
    return ward_frame(rows)


class Attacker(Equations):
    """Unknowns: respondents per (ward, answer) in one wave; equations from the output."""

    def __init__(self) -> None:
        super().__init__([(ward, answer) for ward in WARDS for answer in ANSWERS])

    def sum_of(self, *, wards: Sequence[str], answers: Sequence[str]) -> np.ndarray:
        return np.array(
            [1.0 if w in wards and a in answers else 0.0 for w, a in self.cells], dtype=float
        )

    def ranges(self) -> list[tuple[str, float, float]]:
        n = len(self.cells)
        constraints = [LinearConstraint(np.array(self.rows), self.low, self.high)]
        bounds = Bounds(np.zeros(n), np.full(n, np.inf))
        # The true counts satisfy every equation: the model must be feasible.
        check = milp(np.zeros(n), integrality=np.ones(n), bounds=bounds, constraints=constraints)
        assert check.status == 0, check.message
        return self.target_ranges()


def _group(attacker: Attacker, name: str, wards: Sequence[str], published: dict[str, Any]) -> None:
    positive = attacker.sum_of(wards=wards, answers=["yes"])
    base = attacker.sum_of(wards=wards, answers=["yes", "no"])
    if published["withheld"]:
        attacker.at_least(base, 1)  # a listed group holds someone
        attacker.hidden(f"{name} positive", positive)
        attacker.hidden(f"{name} not positive", base - positive)
        attacker.hidden(f"{name} base", base)
        return
    assert published["base"] is not None and not 1 <= published["base"] <= 9
    attacker.known(base, published["base"])
    if published["base"]:
        attacker.known(positive, published["positive"])


def _published(frame: pd.DataFrame) -> tuple[dict[str, Any], Any]:
    key = id(frame)
    if key not in _CACHE:
        compared = to_dict(
            compare_waves(
                frame,
                [KPI],
                baseline="b",
                follow_up="f",
                by=["locality", "ward"],
                publication=True,
                adjust="bh",
            )
        )["kpis"][0]
        trend = trend_kpis(frame, [KPI], waves=["b", "f", "g"], publication=True)
        _CACHE.clear()
        _CACHE[key] = (frame, compared, trend)
    _, compared, trend = _CACHE[key]
    return compared, trend


_CACHE: dict[int, tuple[pd.DataFrame, dict[str, Any], Any]] = {}


def attack_wave(frame: pd.DataFrame, wave: str) -> list[tuple[str, float, float]]:
    """Everything published about ``wave`` as equations; the hidden counts' ranges."""
    attacker = Attacker()
    everyone = list(WARDS)
    description = to_dict(
        describe_wave(frame, wave=wave, questions=["q"], publication=True, kpis=[KPI])
    )
    (distribution,) = description["distributions"]
    if distribution["answered"] is not None:
        attacker.known(attacker.sum_of(wards=everyone, answers=ANSWERS), distribution["answered"])
    for option in distribution["options"]:
        row = attacker.sum_of(wards=everyone, answers=[option["option"]])
        if option["withheld"]:
            attacker.at_least(row, 1)
            attacker.hidden(f"option {option['option']}", row)
        else:
            assert not 1 <= option["count"] <= 4
            attacker.known(row, option["count"])
    compared, trend = _published(frame)
    side = "baseline" if wave == "b" else "follow_up"
    _group(attacker, "headline", everyone, compared[side])
    for column in ("locality", "ward"):
        for group in compared["groups"][column]:
            wards = [w for w, loc in WARDS.items() if group["group"] in (w, loc)]
            if not wards:  # "(not stated)"
                continue
            _group(attacker, f"{column} {group['group']}", wards, group[side])
            if group[side]["withheld"]:
                assert group["p_value"] is None and group["p_value_adjusted"] is None
    # The trend publishes the same headline (or withholds it too).
    step = next(s for s in trend.kpis[0].steps if s.wave == wave)
    assert step.estimate.withheld == compared[side]["withheld"]
    if not step.estimate.withheld:
        assert step.estimate.base == compared[side]["base"]
    return attacker.ranges()


@pytest.mark.parametrize("seed", range(8))
def test_no_hidden_count_is_narrower_than_the_protection_interval(seed: int) -> None:
    frame = _frame(seed)
    for wave in ("b", "f"):
        for name, low, high in attack_wave(frame, wave):
            if high <= 0:
                continue  # a published total of 0 already says so
            assert high - low >= PROTECTION_INTERVAL, (seed, wave, name, low, high)


def test_the_issue_example_two_withheld_groups_of_one() -> None:
    # Headline 0/92, visible 0/50 and 0/40, two groups of one person each.
    rows = [("f", "w1", "no")] * 50 + [("f", "w3", "no")] * 40
    rows += [("f", "w5", "no"), ("f", "w6", "no")]
    rows += [(wave, w, "yes") for wave in ("b", "g") for w in WARDS for _ in range(20)]
    frame = ward_frame([(wave, ward, WARDS[ward], answer) for wave, ward, answer in rows])
    for name, low, high in attack_wave(frame, "f"):
        if high > 0:
            assert high - low >= PROTECTION_INTERVAL, (name, low, high)


def test_withheld_flags_do_not_say_whether_the_base_was_small() -> None:
    frame = _frame(3)
    compared = compare_waves(
        frame, [KPI], baseline="b", follow_up="f", by=["ward"], publication=True
    )
    for group in compared.kpis[0].breakdowns[0].groups:
        for estimate in (group.baseline, group.follow_up):
            if estimate.withheld:
                assert not estimate.caution and not estimate.suppressed
            else:
                assert estimate.base is None or estimate.base == 0 or estimate.base >= 10


def test_benjamini_hochberg_runs_after_suppression() -> None:
    from analysis.proportions import benjamini_hochberg

    cells = {  # group: (positive, base) in b, then in f
        "g1": ((40, 80), (60, 80)),
        "g2": ((50, 100), (56, 100)),
        "g3": ((3, 40), (20, 40)),
        "g4": ((30, 60), (36, 60)),
        "g5": ((45, 90), (47, 90)),
    }
    rows = []
    for group, waves in cells.items():
        for wave, (k, n) in zip(("b", "f"), waves, strict=True):
            rows += [(wave, group, "yes")] * k + [(wave, group, "no")] * (n - k)
    frame = pd.DataFrame(
        {
            "response_id": [str(i) for i in range(len(rows))],
            "wave": [r[0] for r in rows],
            "g": [r[1] for r in rows],
            "q": [r[2] for r in rows],
        }
    )
    plain = compare_waves(frame, [KPI], baseline="b", follow_up="f", by=["g"], adjust="bh")
    published = compare_waves(
        frame, [KPI], baseline="b", follow_up="f", by=["g"], adjust="bh", publication=True
    )
    raw = {g.group: g.change.p_value for g in plain.kpis[0].breakdowns[0].groups}
    groups = published.kpis[0].breakdowns[0].groups
    shown = [g for g in groups if g.change.p_value is not None]
    assert 2 <= len(shown) < len(groups)  # g3 and its partner are withheld
    expected = benjamini_hochberg([raw[g.group] for g in shown])
    for group, value in zip(shown, expected, strict=True):
        assert group.change.p_value_adjusted == pytest.approx(float(value), abs=6e-4)
    # Adjusting before suppression (with the withheld groups' p-values) differs.
    before = {g.group: g.change.p_value_adjusted for g in plain.kpis[0].breakdowns[0].groups}
    assert any(
        abs((before[g.group] or 0) - float(v)) > 1e-3 for g, v in zip(shown, expected, strict=True)
    )
