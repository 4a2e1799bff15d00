"""Issue 18 (1), linked tables: two KPIs on one question, a multiple-choice KPI, reach.

An attacker independent of :mod:`analysis.disclosure` models a wave as whole-number
counts of respondents per (ward, answer combination), reads every published figure
(``describe`` with its reach table, ``compare`` by locality and by ward for every
KPI) as equations, and asks ``scipy.optimize.milp`` for the smallest and largest
value of each hidden count. No range may be narrower than the protection interval.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analysis import KpiDefinition, compare_waves, describe_wave, to_dict
from analysis.disclosure import PROTECTION_INTERVAL, SHOWN_BASE
from analysis.weighting import PopulationMargins
from tests.support.disclosure_attack import Equations, ward_frame

WARDS = {"w1": "north", "w2": "north", "w3": "south", "w4": "south", "w5": "east", "w6": "east"}
Combo = tuple[str, ...]


class Attacker(Equations):
    """Unknowns: respondents per (ward, answer combination); equations from the output."""

    def __init__(self, combos: Sequence[Combo]) -> None:
        super().__init__([(ward, combo) for ward in WARDS for combo in combos])

    def sum_of(self, *, wards: Sequence[str], where: Callable[[Combo], bool]) -> np.ndarray:
        return np.array([1.0 if w in wards and where(c) else 0.0 for w, c in self.cells])

    def at_least_one(self, row: np.ndarray) -> None:
        """A withheld cell that is listed holds someone."""
        self.at_least(row, 1.0)

    def narrow(self) -> list[tuple[str, float, float]]:
        ranges = self.target_ranges()
        return [
            (name, lo, hi) for name, lo, hi in ranges if hi > 0 and hi - lo < PROTECTION_INTERVAL
        ]


def _kpi_cell(
    attacker: Attacker,
    name: str,
    wards: Sequence[str],
    kpi: KpiDefinition,
    shown: dict[str, Any],
    *,
    listed: bool = True,
) -> None:
    positive = attacker.sum_of(wards=wards, where=lambda c: any(x in kpi.positive for x in c))
    base = attacker.sum_of(
        wards=wards,
        where=lambda c: any(x in kpi.positive for x in c) or not all(x in kpi.exclude for x in c),
    )
    if shown["withheld"]:
        if listed:  # a group withheld under a shown headline holds someone
            attacker.at_least_one(base)
        attacker.hidden(f"{name} base", base)
        attacker.hidden(f"{name} positive", positive)
        attacker.hidden(f"{name} not positive", base - positive)
        return
    attacker.known(base, shown["base"])
    if shown["base"]:
        attacker.known(positive, shown["positive"])


def _attack(
    frame: pd.DataFrame,
    kpis: Sequence[KpiDefinition],
    combos: Sequence[Combo],
    *,
    margins: PopulationMargins | None = None,
) -> list[tuple[str, float, float]]:
    """Everything published about wave "f" as equations; hidden counts that are too narrow."""
    attacker = Attacker(combos)
    everyone = list(WARDS)
    question = kpis[0].question
    # Every option listed, as the questionnaire lists them: an option nobody chose shows 0.
    listed = sorted({code for combo in combos for code in combo})
    described = to_dict(
        describe_wave(
            frame,
            wave="f",
            questions=[question],
            publication=True,
            kpis=kpis,
            margins=margins,
            option_order={question: listed},
        )
    )
    (distribution,) = described["distributions"]
    anyone = attacker.sum_of(wards=everyone, where=lambda c: True)
    attacker.known(anyone, described["responses"])
    if distribution["answered"] is not None:
        attacker.known(anyone, distribution["answered"])
    for option in distribution["options"]:
        row = attacker.sum_of(wards=everyone, where=lambda c, o=option["option"]: o in c)
        if option["withheld"]:
            attacker.at_least_one(row)
            attacker.hidden(f"option {option['option']}", row)
        else:
            attacker.known(row, option["count"])
    for reach_row in (described["reach"] or {}).get("rows", []):
        if reach_row["column"] != "locality":
            continue
        wards = [w for w, loc in WARDS.items() if loc == reach_row["category"]]
        row = attacker.sum_of(wards=wards, where=lambda c: True)
        if reach_row["status"] == "withheld":
            attacker.at_least_one(row)
            attacker.hidden(f"reach {reach_row['category']}", row)
        else:
            attacker.known(row, reach_row["responses"])
    compared = to_dict(
        compare_waves(
            frame, kpis, baseline="b", follow_up="f", by=["locality", "ward"], publication=True
        )
    )
    for kpi, result in zip(kpis, compared["kpis"], strict=True):
        _kpi_cell(attacker, f"{kpi.id} headline", everyone, kpi, result["follow_up"])
        for column in ("locality", "ward"):
            for group in result["groups"][column]:
                wards = [w for w, loc in WARDS.items() if group["group"] in (w, loc)]
                if wards:
                    _kpi_cell(
                        attacker,
                        f"{kpi.id} {group['group']}",
                        wards,
                        kpi,
                        group["follow_up"],
                        listed=not result["follow_up"]["withheld"],
                    )
    if described["responses"] < SHOWN_BASE:
        # Documented limit: a wave of 1-9 responses has every count withheld, but its
        # number of responses is published, and no hidden count can range beyond it.
        assert all(o["withheld"] for o in distribution["options"] if o["count"] != 0)
        return []
    # A headline base that is everyone who responded is published as such.
    return [
        (name, low, high)
        for name, low, high in attacker.narrow()
        if not (name.endswith("headline base") and low == high == described["responses"])
    ]


def _frame(seed: int, answers: Sequence[str], *, multiple: bool = False) -> pd.DataFrame:
    rng = random.Random(seed)
    rows = []
    for wave in ("b", "f"):
        for ward, locality in WARDS.items():
            weights = [rng.random() for _ in answers]
            for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 12, 30])):
                if multiple:
                    chosen = [a for a, w in zip(answers, weights, strict=True) if rng.random() < w]
                    answer = ";".join(chosen or [answers[-1]])
                else:
                    answer = rng.choices(answers, weights=weights)[0]
                rows.append((wave, ward, locality, answer))
    return ward_frame(rows)


ANSWERS = ("strongly_agree", "agree", "disagree", "dont_know")
STRICT = KpiDefinition(
    id="strict",
    title="Strongly agree",
    question="q",
    positive=("strongly_agree",),
    exclude=("dont_know",),
)
BROAD = KpiDefinition(
    id="broad",
    title="Agree",
    question="q",
    positive=("strongly_agree", "agree"),
    exclude=(),
)


@pytest.mark.parametrize("seed", [0, 3, 5])
def test_two_kpis_on_one_question_do_not_give_each_other_away(seed: int) -> None:
    frame = _frame(seed, ANSWERS)
    combos = [(a,) for a in ANSWERS]
    assert _attack(frame, [STRICT, BROAD], combos) == []


def test_two_kpis_the_example() -> None:
    # Ward w1: 3 strongly agree, 10 agree, 40 disagree: hidden in "strict". "broad"
    # counts the same people (no "don't know"), so its w1 cell (13 of 53) would give
    # strict's base.
    rows = [("f", "w1", "strongly_agree")] * 3 + [("f", "w1", "agree")] * 10
    rows += [("f", "w1", "disagree")] * 40
    for ward in ("w2", "w3", "w4", "w5", "w6"):
        rows += [("f", ward, a) for a in ANSWERS[:3] for _ in range(12)]
    rows += [("b", w, "agree") for w in WARDS for _ in range(20)]
    frame = ward_frame([(wave, ward, WARDS[ward], answer) for wave, ward, answer in rows])
    assert _attack(frame, [STRICT, BROAD], [(a,) for a in ANSWERS]) == []


SUPPORT = ("school", "health", "social_care", "none")
MULTI = KpiDefinition(
    id="any_support",
    title="Any support",
    question="q",
    positive=("school", "health", "social_care"),
    exclude=(),
)


@pytest.mark.parametrize("seed", [0, 3])
def test_a_multiple_choice_kpi_is_protected_with_its_options(seed: int) -> None:
    frame = _frame(seed, SUPPORT, multiple=True)
    combos = sorted(
        {tuple(sorted(a.split(";"))) for a in frame["q"]} | {(a,) for a in SUPPORT},
    )
    frame["q"] = [";".join(sorted(a.split(";"))) for a in frame["q"]]
    assert _attack(frame, [MULTI], combos) == []


@pytest.mark.parametrize("seed", [0, 1, 4])
def test_the_reach_table_is_under_the_same_rule(seed: int) -> None:
    frame = _frame(seed, ANSWERS)
    margins = PopulationMargins(
        counts=(("locality", (("north", 400.0), ("south", 300.0), ("east", 300.0))),)
    )
    assert _attack(frame, [STRICT], [(a,) for a in ANSWERS], margins=margins) == []
