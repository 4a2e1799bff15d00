"""The KPI bank format: targets explicit, problems named by line."""

from __future__ import annotations

import pytest

from surveys import QuestionnaireError, Target
from surveys.kpis import KpiDefinition, parse_kpi_bank

GOOD = """\
kpis:
  - id: kpi_a
    title: Satisfied with the EHCP process
    question: ehcp_satisfaction
    positive: [very_satisfied, satisfied]
    exclude: [dont_know]
    target: {rule: absolute, value: 80}
"""


def test_a_good_bank_loads() -> None:
    bank = parse_kpi_bank(GOOD)
    kpi = bank.get("kpi_a")
    assert kpi == KpiDefinition(
        id="kpi_a",
        reference=None,
        title="Satisfied with the EHCP process",
        short_title=None,
        question="ehcp_satisfaction",
        positive=("very_satisfied", "satisfied"),
        exclude=("dont_know",),
        frequency=None,
        recorded_baseline=None,
        target=Target(rule="absolute", value=80, due=None),
    )
    assert kpi.higher_is_better
    assert bank.for_question("ehcp_satisfaction") == (kpi,)


@pytest.mark.parametrize(
    ("change", "line", "where", "message"),
    [
        (("rule: absolute", "rule: plus_ten"), 7, 'KPI "kpi_a" > target > rule', "must be one of"),
        (
            ("exclude: [dont_know]", "exclude: [satisfied]"),
            6,
            'KPI "kpi_a" > exclude',
            "satisfied cannot be both",
        ),
        (
            ("    title: Satisfied with the EHCP process\n", ""),
            2,
            'KPI "kpi_a" > title',
            "is required",
        ),
        (("question:", "questoin:"), 4, 'KPI "kpi_a" > questoin', "is not a field"),
    ],
)
def test_bank_problems(change: tuple[str, str], line: int, where: str, message: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse_kpi_bank(GOOD.replace(*change), source="kpis.yaml")
    problems = [p for p in caught.value.problems if p.where == where]
    assert problems and problems[0].line == line and problems[0].message.startswith(message)


def test_duplicate_kpi_ids() -> None:
    twice = GOOD + GOOD.split("\n", 1)[1]
    with pytest.raises(QuestionnaireError) as caught:
        parse_kpi_bank(twice)
    assert [p.message for p in caught.value.problems] == ["KPI id is used twice"]
