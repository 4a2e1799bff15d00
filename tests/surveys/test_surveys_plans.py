"""An area's plan file: the KPI bank format extended (agreed baselines, staged targets,
entered measures); the Sefton template; problems named by line; round trip."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis.kpis import load_kpis
from surveys import QuestionnaireError
from surveys.kpis import (
    bundled_kpi_bank,
    dump_plan_yaml,
    moved_plan,
    parse_kpi_bank,
    plan_from_bank,
)
from surveys.library import PLAN_TEMPLATES, plan_template


def test_the_sefton_template_holds_appendix_a() -> None:
    plan = plan_template("sefton-appendix-a")
    trust = plan.get("kpi_4_1")
    assert trust is not None and trust.agreed_baseline is not None
    assert trust.agreed_baseline.value == 38.5
    assert trust.agreed_baseline.date == dt.date(2019, 12, 18)
    assert [(t.rule, t.value, t.due_on) for t in trust.all_targets] == [
        ("baseline_plus_pp", 10, dt.date(2020, 12, 31)),
        ("baseline_plus_pp", 15, dt.date(2021, 6, 30)),
    ]
    assert [k.reference for k in plan.survey_kpis] == [f"KPI 4/{i}" for i in range(1, 7)]
    ehcp = plan.get("kpi_1_2")
    assert ehcp is not None and ehcp.kind == "entered" and ehcp.measure == "proportion"
    waits = [plan.get(f"kpi_5_{i}") for i in range(1, 5)]
    assert all(k is not None and not k.higher_is_better and k.unit == "weeks" for k in waits)
    # The command line reads the same file: the survey KPIs only.
    assert [k.id for k in load_kpis(PLAN_TEMPLATES["sefton-appendix-a"])] == [
        f"kpi_4_{i}" for i in range(1, 7)
    ]


@pytest.mark.parametrize("plan", [plan_template("sefton-appendix-a"), bundled_kpi_bank()])
def test_export_then_import_gives_the_same_plan(plan: object) -> None:
    text = dump_plan_yaml(plan)  # type: ignore[arg-type]
    again = parse_kpi_bank(text)
    assert again == plan
    assert dump_plan_yaml(again) == text


def test_existing_areas_recorded_baselines_become_agreed() -> None:
    plan = plan_from_bank(bundled_kpi_bank(), title="North plan", baseline_date=dt.date(2025, 4, 1))
    trust = plan.get("kpi_4_1")
    assert trust is not None and trust.recorded_baseline is None
    assert trust.agreed_baseline is not None and trust.agreed_baseline.value == 38.5
    assert trust.agreed_baseline.date == dt.date(2025, 4, 1)
    assert trust.target is not None and trust.target.due == "18 months"


def test_a_template_moves_with_its_start_date() -> None:
    moved = moved_plan(plan_template("sefton-appendix-a"), starts_on=dt.date(2025, 6, 30))
    trust = moved.get("kpi_4_1")
    assert trust is not None and trust.agreed_baseline is not None
    assert trust.agreed_baseline.date == dt.date(2025, 12, 18)
    # The baseline's source names the new date, not the template's 18 December 2019.
    assert (
        trust.agreed_baseline.source == "Co-produced parent carer survey, closed 18 December 2025"
    )
    assert [t.due_on for t in trust.targets] == [dt.date(2026, 12, 31), dt.date(2027, 6, 30)]
    # The labels name the new months, so "18 months (Dec-20)" is not shown due in 2026.
    assert [t.label for t in trust.targets] == ["18 months (Dec-26)", "24 months (Jun-27)"]
    ehcp = moved.get("kpi_1_2")
    assert ehcp is not None and ehcp.targets[1].label is not None
    assert ehcp.agreed_baseline is not None
    assert ehcp.agreed_baseline.source == "Q1 2025 statutory return"
    waits = moved.get("kpi_5_1")
    assert waits is not None and waits.agreed_baseline is not None
    assert waits.agreed_baseline.source == "Provider waiting list, June 2025"
    # No baseline source keeps a template year the plan no longer has.
    assert not [
        k.id for k in moved.kpis if k.agreed_baseline and "2019" in k.agreed_baseline.source
    ]
    assert ehcp.targets[1].label.startswith("18 months (Oct-26): 50% or the national average")


BAD = """\
plan:
  title: Test plan
kpis:
  - id: waits
    kind: entered
    title: Weeks waited
    measure: value
    question: waits_q
    values:
      - {period: Q1, date: 2020-03-31, numerator: 5, denominator: 3}
      - {period: Q1, date: 2020-06-30, value: 4}
  - id: trust
    title: Trust
    question: trust
    positive: [agree]
    agreed_baseline: {value: 138.5}
    targets:
      - {rule: higher_of, value: 50}
"""


def test_every_problem_is_named_with_its_line() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse_kpi_bank(BAD, source="plan.yaml")
    found = {(p.line, p.where, p.message) for p in caught.value.problems}
    assert (
        10,
        'KPI "waits" > values[0]',
        "the numerator cannot be larger than the denominator",
    ) in (found)
    assert any(line == 18 and "benchmark" in message for line, _, message in found)
    # Well-formed KPIs are checked too, so one reading lists them all.
    bad_wave = BAD.replace("numerator: 5", "numerator: 2").replace(
        "      - {rule: higher_of, value: 50}\n", "      - {rule: absolute, value: 50}\n"
    )
    with pytest.raises(QuestionnaireError) as caught:
        parse_kpi_bank(bad_wave, source="plan.yaml")
    messages = {(p.line, p.message) for p in caught.value.problems}
    assert (8, "an entered KPI has no question") in messages
    assert (11, "this period is entered twice") in messages
    assert (16, "must be 0 to 100 (per cent)") in messages


def test_a_control_character_is_a_problem_not_a_crash() -> None:
    # Found by the form fuzzing: PyYAML's reader refuses it before parsing starts.
    with pytest.raises(QuestionnaireError, match="is not valid YAML"):
        parse_kpi_bank("\x1bkpis: []", source="pasted")


def test_one_reading_lists_problems_of_form_and_of_the_plan_together() -> None:
    # Before, a period entered twice or an id used twice was named only once every
    # problem of form was fixed: an officer fixed the file twice.
    text = """\
plan: {title: T}
kpis:
  - id: waits
    kind: entered
    title: Waits
    measure: proportion
    values:
      - {period: Jan-20, date: someday, numerator: 1, denominator: 2}
      - {period: Feb-20, date: 2020-02-29, numerator: 1, denominator: 2}
      - {period: Feb-20, date: 2020-02-29, value: 3}
  - id: waits
    title: Other
    question: Bad Id
    positive: [a]
    exclude: [a]
  - id: k3
    kind: weird
    title: K3
    values:
      - {period: Q1, date: 2020-03-31, value: 2}
      - {period: Q1, date: 2020-03-31, value: 2}
"""
    with pytest.raises(QuestionnaireError) as caught:
        parse_kpi_bank(text, source="plan.yaml")
    found = [(p.line, p.where, p.message) for p in caught.value.problems]
    messages = {(line, where, message.split(",")[0]) for line, where, message in found}
    assert messages == {
        (8, 'KPI "waits" > values[0] > date', "Input should be a valid date or datetime"),
        (10, 'KPI "waits" > values[2] > period', "this period is entered twice"),
        (10, 'KPI "waits" > values[2] > value', "a proportion needs numerator and denominator"),
        (11, 'KPI "waits" > id', "KPI id is used twice"),
        (13, 'KPI "waits" > question', "'Bad Id' must use only lower-case letters"),
        (15, 'KPI "waits" > exclude', "a cannot be both positive and excluded"),
        (17, 'KPI "k3" > kind', "must be one of 'survey' or 'entered'"),
        (21, 'KPI "k3" > values[1] > period', "this period is entered twice"),
    }
    # An unreadable kind: its KPI's kind-specific problems are not guessed at.
    assert not any("question" in where and "k3" in where for _, where, _ in found)
