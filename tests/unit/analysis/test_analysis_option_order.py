"""Options are reported in the order the definition lists them, never sorted as text."""

from __future__ import annotations

import pandas as pd

from analysis import describe_wave


def _frame(answers: list[str]) -> pd.DataFrame:
    return pd.DataFrame(
        {"response_id": range(len(answers)), "wave": ["a"] * len(answers), "q": answers}
    )


def test_score_codes_are_in_number_order_without_a_definition() -> None:
    wave = describe_wave(_frame(["10", "0", "3", "5", "10"]), wave="a")
    assert [o.option for o in wave.distributions[0].options] == ["0", "3", "5", "10"]


def test_the_definition_order_wins() -> None:
    order = {"q": ("strongly_agree", "agree", "disagree", "dont_know")}
    wave = describe_wave(
        _frame(["dont_know", "agree", "strongly_agree", "disagree"]), wave="a", option_order=order
    )
    assert [o.option for o in wave.distributions[0].options] == list(order["q"])
