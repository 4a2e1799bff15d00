"""Reading KPI definitions in the KPI bank format."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis import AnalysisInputError, TargetRule, load_kpis

BANK = Path(__file__).resolve().parents[2] / "surveys" / "library" / "kpis.yaml"
COPY = Path(__file__).resolve().parents[1] / "fixtures" / "analysis" / "kpis_bank_copy.yaml"


@pytest.mark.parametrize("path", [BANK, COPY])
def test_reads_the_kpi_bank(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} not present")
    kpis = load_kpis(path)
    first = kpis[0]
    assert first.id == "kpi_4_1"
    assert first.label == "Trust and confidence"
    assert first.positive == ("strongly_agree", "agree")
    assert first.exclude == ("dont_know",)
    assert first.target is not None and first.target.rule is TargetRule.BASELINE_PLUS_PP
    assert first.target.value == 10 and first.target.due == "18 months"
    assert first.valid_codes() is not None and "neither" in (first.valid_codes() or ())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "kpis: is required but missing"),
        (
            {"kpis": [{"id": "a", "title": "t", "question": "q"}]},
            r'KPI "a" > positive: is required but missing',
        ),
        (
            {
                "kpis": [
                    {
                        "id": "a",
                        "title": "t",
                        "question": "q",
                        "positive": ["yes"],
                        "target": {"rule": "double_it", "value": 2},
                    }
                ]
            },
            r'KPI "a" > target > rule: must be one of .*double_it',
        ),
        (
            {
                "kpis": [
                    {
                        "id": "a",
                        "title": "t",
                        "question": "q",
                        "positive": ["yes"],
                        "exclude": ["yes"],
                    }
                ]
            },
            "both positive and excluded",
        ),
        (
            {"kpis": [{"id": "a", "title": "t", "question": "q", "positive": ["yes"]}] * 2},
            r'KPI "a" > id: KPI id is used twice',
        ),
        (
            {
                "kpis": [
                    {
                        "id": "a",
                        "title": "t",
                        "question": "q",
                        "positive": ["yes"],
                        "target": {"rule": "absolute", "value": 180},
                    }
                ]
            },
            "0 to 100",
        ),
    ],
)
def test_bad_definitions_name_the_key(data: dict[str, object], message: str) -> None:
    with pytest.raises(AnalysisInputError, match=message):
        load_kpis(data)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "k.yaml"
    bad.write_text("kpis:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(AnalysisInputError, match=r"k.yaml:\d+: file: is not valid YAML"):
        load_kpis(bad)


def test_yes_and_no_codes_stay_strings_in_a_kpi_file(tmp_path: Path) -> None:
    """Issue 18 (6): ``positive: [yes]`` is the code "yes", not the boolean true."""
    path = tmp_path / "kpis.yaml"
    path.write_text(
        "kpis:\n- id: k\n  title: T\n  question: q\n  positive: [yes]\n  exclude: [no, off]\n",
        encoding="utf-8",
    )
    kpi = load_kpis(path)[0]
    assert kpi.positive == ("yes",)
    assert kpi.exclude == ("no", "off")


def test_a_boolean_code_in_a_parsed_mapping_explains_the_fix() -> None:
    with pytest.raises(
        AnalysisInputError, match=r"positive: a code was read as true/false.*quotes"
    ):
        load_kpis({"kpis": [{"id": "k", "title": "T", "question": "q", "positive": [True]}]})


def test_codes_are_read_as_text_by_the_one_reader(tmp_path: Path) -> None:
    # YAML 1.1 makes `yes` a boolean and `9` a number; option codes are text.
    bank = tmp_path / "k.yaml"
    bank.write_text(
        "kpis:\n"
        "  - {id: told, title: Told, question: told, positive: [yes], exclude: [no]}\n"
        "  - {id: promoters, title: Would recommend, question: recommend,\n"
        "     positive: [9, 10], exclude: [dont_know]}\n",
        encoding="utf-8",
    )
    told, promoters = load_kpis(bank)
    assert (told.positive, told.exclude) == (("yes",), ("no",))
    assert promoters.positive == ("9", "10")


def test_the_web_app_and_the_command_line_read_the_bank_alike() -> None:
    from surveys.library import kpi_bank

    web = kpi_bank().kpis
    command_line = load_kpis(BANK)
    assert [(k.id, k.positive, k.exclude) for k in web] == [
        (k.id, k.positive, k.exclude) for k in command_line
    ]
