"""Options are reported in the order the definition lists them, never sorted as text."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from analysis import describe_wave

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_command_line_reads_the_order_from_a_questionnaire(tmp_path: Path) -> None:
    from analysis.cli import main

    responses = tmp_path / "r.csv"
    responses.write_text(
        "response_id,wave,trust_confidence\n1,a,agree\n2,a,strongly_agree\n3,a,disagree\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    questionnaire = ROOT / "surveys" / "library" / "questionnaires" / "parent_annual.yaml"
    argv = ["describe", str(responses), "--wave", "a", "--questionnaire", str(questionnaire)]
    assert main([*argv, "--output", str(out)]) == 0
    (described,) = json.loads(out.read_text(encoding="utf-8"))["distributions"]
    assert [o["option"] for o in described["options"]] == ["strongly_agree", "agree", "disagree"]
