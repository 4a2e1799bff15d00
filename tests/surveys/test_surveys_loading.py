# ruff: noqa: E501  (the table holds exact messages; wrapping them would hide them)
"""Loading questionnaires: every rule has a broken fixture with its exact message and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveys import (
    AnswerType,
    Problem,
    QuestionnaireError,
    dump_questionnaire,
    load_questionnaire,
    parse_questionnaire,
)
from surveys.checks import semantic_problems
from surveys.conditions import SHAPES
from surveys.library import bundled_questionnaires, kpi_bank
from surveys.routing import OPERATORS
from surveys.source import MAX_BYTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "questionnaires"
BROKEN_DIR = FIXTURES / "broken"
MINIMAL = FIXTURES / "valid" / "minimal.yaml"

# (fixture, line reported, where, message): one file per rule, one problem each.
BROKEN = [
    ("alias.yaml", 18, "file", "is not valid YAML: aliases (*name) are not allowed in definitions"),
    (
        "area_options_included.yaml",
        19,
        'page "start" > question "plan_type" > options[1]',
        "with area_options, only excluded options (exclude_from_base: true) belong in the file",
    ),
    (
        "bad_answer_type.yaml",
        22,
        'page "trust" > question "trust_confidence" > type',
        # Every type in the registry, in its order (not a list spelt out here).
        "must be one of "
        + ", ".join(f"'{t.value}'" for t in list(AnswerType)[:-1])
        + f" or '{list(AnswerType)[-1].value}', not 'likert'",
    ),
    (
        "bad_option_code.yaml",
        18,
        'page "start" > question "plan_type" > options[1] > code',
        "'SEN Support' must use only lower-case letters, digits and _ (no spaces or capitals)",
    ),
    (
        "condition_bad_option.yaml",
        26,
        'page "listened" > show_when > ==[1]',
        "'ehc_plan' is not an option of 'plan_type' (options: ehcp, sen_support)",
    ),
    (
        "condition_not_number.yaml",
        39,
        'page "comments" > show_when > >[1]',
        "'three' is not a number, but 'professionals' asks for one",
    ),
    (
        "condition_on_free_text.yaml",
        45,
        'page "thanks" > show_when > ==[1]',
        "free-text question 'comments' can only be tested with 'answered'",
    ),
    (
        "condition_ordering_closed.yaml",
        26,
        'page "listened" > show_when > >[1]',
        "'>' only compares numbers or months; 'plan_type' is not",
    ),
    (
        "duplicate_key.yaml",
        43,
        'page "comments" > question "comments" > text',
        "is given more than once",
    ),
    (
        "duplicate_option_code.yaml",
        18,
        'page "start" > question "plan_type" > options[1] > code',
        "option code 'ehcp' is used twice",
    ),
    (
        "duplicate_page_id.yaml",
        38,
        'page "count" > id',
        "page id 'count' is already used by pages[3]",
    ),
    (
        "duplicate_question_id.yaml",
        40,
        'page "comments" > question "professionals" > id',
        "question id 'professionals' is used more than once",
    ),
    (
        "easy_read_long_sentence.yaml",
        26,
        'page "trust" > question "trust_confidence" > text',
        "Easy Read sentences have at most 15 words; this one has 18: 'I have trust and confidence in the people in the local area who help me and my family'",
    ),
    (
        "easy_read_no_picture.yaml",
        45,
        'page "comments" > question "comments"',
        "Easy Read questions need a picture beside them (picture: name)",
    ),
    (
        "empty_options.yaml",
        16,
        'page "start" > question "plan_type" > options',
        "a closed question needs at least one option",
    ),
    (
        "exclusive_not_multiple.yaml",
        18,
        'page "start" > question "plan_type" > options[1] > exclusive',
        "only multiple-choice options can be exclusive",
    ),
    ("first_page_missing.yaml", 9, "first_page", "there is no page with id 'begin'"),
    ("first_page_show_when.yaml", 12, 'page "start" > show_when', "the first page is always shown"),
    (
        "grouped_page_without_title.yaml",
        38,
        'page "comments"',
        "a page with more than one question needs a title",
    ),
    (
        "json_syntax.json",
        13,
        "file",
        "is not valid JSON: while parsing a flow node: expected the node content, but found '<stream end>'",
    ),
    (
        "kpi_missing_codes.yaml",
        24,
        'page "trust" > question "trust_confidence" > kpis[0]',
        "KPI 'kpi_4_1' counts option codes this question lacks: strongly_agree, agree, dont_know",
    ),
    (
        "kpi_other_question.yaml",
        24,
        'page "trust" > question "trust_confidence" > kpis[0]',
        "KPI 'kpi_4_4' is measured by question 'influence_change', not this one",
    ),
    (
        "kpi_unknown.yaml",
        24,
        'page "trust" > question "trust_confidence" > kpis[0]',
        "KPI 'kpi_9_9' is not in the KPI bank",
    ),
    ("missing_field.yaml", 2, "title", "is required but missing"),
    ("not_a_mapping.yaml", 2, "top level", "must be a mapping with id, title, pages and so on"),
    (
        "number_min_above_max.yaml",
        36,
        'page "count" > question "professionals" > min_value',
        "min_value 50 is more than max_value 10",
    ),
    (
        "operator_arity.yaml",
        26,
        'page "listened" > show_when > ==',
        "'==' needs two things: [{answer: question_id}, value]",
    ),
    (
        "options_on_text.yaml",
        43,
        'page "comments" > question "comments" > options',
        "text questions do not have options",
    ),
    (
        "route_backwards.yaml",
        34,
        'page "count" > routes[0] > goto',
        "goes back to page 'trust'; routes only go forward to a later page (or 'end'), so there are no loops",
    ),
    (
        "route_looks_later.yaml",
        33,
        'page "count" > routes[0] > when > answered',
        "can only look at answers on earlier pages or this page; question 'comments' is on a later page",
    ),
    (
        "route_never_used.yaml",
        34,
        'page "count" > routes[1]',
        "is never used: an earlier route has no 'when'",
    ),
    (
        "route_unknown_target.yaml",
        34,
        'page "count" > routes[0] > goto',
        "goes to page 'commments', which does not exist",
    ),
    (
        "show_when_same_page.yaml",
        26,
        'page "listened" > show_when > answered',
        "can only look at answers on earlier pages; question 'listened_to_ehcp' is on this page",
    ),
    (
        "too_many_questions.yaml",
        40,
        'page "comments" > questions',
        "has 6 questions; a page groups at most 5",
    ),
    (
        "unknown_field.yaml",
        43,
        'page "comments" > question "comments" > optonal',
        "is not a field this format knows (check the spelling and indentation)",
    ),
    (
        "unknown_operator.yaml",
        26,
        'page "listened" > show_when > equals',
        "unknown operator 'equals'; use one of: !=, <, <=, ==, >, >=, all, answered, any, in, not answered, not in",
    ),
    (
        "unknown_question_in_condition.yaml",
        26,
        'page "listened" > show_when > ==[0]',
        "refers to question 'plan', which does not exist",
    ),
    (
        "unreachable_page.yaml",
        40,
        'page "comments" > id',
        "page 'comments' can never be reached from the first page 'start' (pages are followed in file order and by routes)",
    ),
    (
        "yaml_syntax.yaml",
        25,
        "file",
        "is not valid YAML: while parsing a flow sequence (from line 24): expected ',' or ']', but got ':'",
    ),
]


def test_every_broken_fixture_is_in_the_table() -> None:
    assert sorted(p.name for p in BROKEN_DIR.iterdir()) == sorted(row[0] for row in BROKEN)


@pytest.mark.parametrize(("name", "line", "where", "message"), BROKEN, ids=[r[0] for r in BROKEN])
def test_broken_fixture_reports_its_rule_and_line(
    name: str, line: int, where: str, message: str
) -> None:
    path = BROKEN_DIR / name
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert caught.value.problems == (Problem(str(path), line, where, message),)


def test_valid_fixtures_load() -> None:
    yaml_version = load_questionnaire(MINIMAL)
    json_version = load_questionnaire(FIXTURES / "valid" / "minimal.json")
    assert json_version.model_copy(update={"id": "minimal"}) == yaml_version


def test_all_problems_are_collected_not_just_the_first() -> None:
    text = MINIMAL.read_text()
    text = text.replace("kpis: [kpi_4_1]", "kpis: [kpi_9_9]")
    text = text.replace("first_page: start", "first_page: begin")
    text = text.replace("max_value: 50", "max_value: -1")
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, source="many.yaml")
    assert [(p.line, p.where) for p in caught.value.problems] == [
        (9, "first_page"),
        (24, 'page "trust" > question "trust_confidence" > kpis[0]'),
        (36, 'page "count" > question "professionals" > min_value'),
    ]


def test_several_schema_errors_are_all_reported_in_file_order() -> None:
    text = (
        MINIMAL.read_text()
        .replace("type: number", "type: count")
        .replace("kind: annual", "kind: x")
    )
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire(text, source="s.yaml")
    assert [p.line for p in caught.value.problems] == [5, 34]


def test_problem_str_has_file_line_where_and_message() -> None:
    assert str(Problem("a.yaml", 3, "title", "is required")) == "a.yaml:3: title: is required"
    assert str(Problem("a.yaml", None, "file", "no such file")) == "a.yaml: file: no such file"


def test_error_message_lists_every_problem() -> None:
    error = QuestionnaireError([Problem("a", 1, "x", "one"), Problem("a", 2, "y", "two")])
    assert isinstance(error, ValueError)
    assert str(error) == "a:1: x: one\na:2: y: two"


def test_yes_and_no_stay_strings() -> None:
    # YAML 1.1 would read unquoted yes/no as booleans; option codes need strings.
    text = MINIMAL.read_text().replace(
        "{code: sen_support, label: SEN support}", "{code: no, label: No}"
    )
    q = parse_questionnaire(text)
    assert [o.code for o in q.questions()[0].options] == ["ehcp", "no"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00bad", "is not UTF-8 text (byte 0); save it as UTF-8 and try again"),
        (b"", "is empty"),
        (b"# only a comment\n", "is empty"),
        (b"x" * (MAX_BYTES + 1), "is larger than 100 KB; is it the right file?"),
    ],
    ids=["not-utf8", "empty", "comment-only", "oversized"],
)
def test_unreadable_files_are_problems(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "q.yaml"
    path.write_bytes(content)
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    assert caught.value.problems == (Problem(str(path), None, "file", message),)


def test_missing_file_and_directory_are_problems(tmp_path: Path) -> None:
    for path, message in (
        (tmp_path / "nope.yaml", "no such file"),
        (tmp_path, "is a directory, not a file"),
    ):
        with pytest.raises(QuestionnaireError) as caught:
            load_questionnaire(path)
        assert caught.value.problems[0].message == message


def test_deeply_nested_text_is_a_problem_not_a_crash() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        parse_questionnaire("[" * 1500 + "]" * 1500)
    assert caught.value.problems[0].message.startswith("is not valid")


@pytest.mark.parametrize("text", ["42", "- a\n- b\n", '"just a string"', "null"])
def test_text_that_is_not_a_mapping_is_a_problem(text: str) -> None:
    with pytest.raises(QuestionnaireError):
        parse_questionnaire(text)


@pytest.mark.parametrize("qid", list(bundled_questionnaires()))
def test_dump_round_trips(qid: str) -> None:
    q = bundled_questionnaires()[qid]
    assert parse_questionnaire(dump_questionnaire(q)) == q


def test_semantic_problems_gives_readable_places() -> None:
    q = load_questionnaire(MINIMAL)
    broken = q.model_copy(update={"first_page": "nowhere"})
    assert semantic_problems(broken, kpi_bank=kpi_bank()) == [
        ("first_page", "there is no page with id 'nowhere'")
    ]
    assert semantic_problems(q, kpi_bank=kpi_bank()) == []


def test_every_operator_has_a_checked_shape() -> None:
    assert set(OPERATORS) == SHAPES
