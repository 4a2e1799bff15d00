"""The bundled library: every file loads, KPI questions agree, Easy Read holds."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import surveys
from surveys import AnswerType, Questionnaire
from surveys.checks import EASY_READ_MAX_WORDS, sentence_word_counts
from surveys.library import LIBRARY_DIR, bundled_paths, bundled_questionnaires, kpi_bank
from tests.support.questionnaires import KPI_QUESTIONS

LIBRARY = bundled_questionnaires()


def test_the_questionnaires_are_bundled_in_a_stable_order() -> None:
    assert [p.name for p in bundled_paths()] == sorted(p.name for p in bundled_paths())
    assert list(LIBRARY) == [
        "always_on",
        "ehc_assessment_milestone",
        "event_feedback",
        "parent_annual",
        "parent_follow_up",
        "young_people",
    ]
    assert bundled_questionnaires() is not bundled_questionnaires()  # callers get copies
    assert Path(surveys.__file__).parent / "library" / "kpis.yaml" == LIBRARY_DIR / "kpis.yaml"


def test_kpi_bank_has_the_six_sefton_kpis() -> None:
    bank = kpi_bank()
    assert [k.id for k in bank.kpis] == [f"kpi_4_{n}" for n in range(1, 7)]
    assert [k.question for k in bank.kpis] == list(KPI_QUESTIONS)
    trust = bank.get("kpi_4_1")
    assert trust is not None and trust.recorded_baseline == 38.5
    assert trust.target is not None and trust.target.rule == "baseline_plus_pp"
    assert bank.get("kpi_9_9") is None


@pytest.mark.parametrize("qid", ["parent_annual", "parent_follow_up"])
def test_kpi_questions_feed_their_kpis(qid: str) -> None:
    q = LIBRARY[qid]
    for question_id, kpi in zip(KPI_QUESTIONS, kpi_bank().kpis, strict=True):
        question = q.question(question_id)
        assert question is not None and question.kpis == (kpi.id,)


def _kpi_pages(q: Questionnaire) -> list[object]:
    pages = []
    for question_id in KPI_QUESTIONS:
        page = q.page_of(question_id)
        assert page is not None
        pages.append(page)
    return pages


def test_follow_up_kpi_questions_are_identical_to_the_annual() -> None:
    annual, follow_up = LIBRARY["parent_annual"], LIBRARY["parent_follow_up"]
    # Whole pages compared: same ids, wording, options, hints and show_when.
    assert _kpi_pages(follow_up) == _kpi_pages(annual)
    assert follow_up.question("plan_type") == annual.question("plan_type")
    extra = [q for q in follow_up.questions() if q.id not in (*KPI_QUESTIONS, "plan_type")]
    assert [q.type for q in extra] == [AnswerType.TEXT]


def test_listened_to_ehcp_only_for_families_with_a_plan() -> None:
    for qid in ("parent_annual", "parent_follow_up"):
        page = LIBRARY[qid].page_of("listened_to_ehcp")
        assert page is not None
        assert page.show_when == {"==": [{"answer": "plan_type"}, "ehcp"]}


@pytest.mark.parametrize("qid", list(LIBRARY))
def test_every_questionnaire_tells_people_what_happens(qid: str) -> None:
    q = LIBRARY[qid]
    assert "anonymous" in q.privacy_notice.lower() or "your name" in q.privacy_notice
    assert "name" in q.privacy_notice and "delete" in q.privacy_notice
    assert q.next_steps and q.description and q.estimated_minutes >= 1


def test_annual_has_an_exclusive_none_and_area_localities() -> None:
    annual = LIBRARY["parent_annual"]
    services = annual.question("services_used")
    assert services is not None and services.type is AnswerType.MULTIPLE
    assert [o.code for o in services.options if o.exclusive] == ["none"]
    locality = annual.question("locality")
    assert locality is not None and locality.area_options == "localities"
    filled = annual.with_area_options(localities=(("north", "North"), ("south", "South")))
    filled_locality = filled.question("locality")
    assert filled_locality is not None
    assert [o.code for o in filled_locality.options] == ["north", "south", "prefer_not_to_say"]


def test_easy_read_sentences_are_short_and_pictured() -> None:
    q = LIBRARY["young_people"]
    assert q.easy_read
    texts = [q.title, q.description, q.privacy_notice, q.next_steps]
    for question in q.questions():
        assert question.picture, question.id
        texts += [question.text, question.hint or ""]
        texts += [o.label for o in question.options]
    for text in texts:
        for sentence, words in sentence_word_counts(text):
            assert words <= EASY_READ_MAX_WORDS, sentence
    faces = [qn for qn in q.questions() if qn.type is AnswerType.FACE]
    assert {qn.points for qn in faces} == {5}  # one scale length per survey
    assert all(qn.option("dont_know") is not None for qn in faces)


def test_sentence_word_counts() -> None:
    assert sentence_word_counts("One two three. Four five!\nSix – seven?") == [
        ("One two three.", 3),
        ("Four five!", 2),
        ("Six – seven?", 2),
    ]


def test_milestone_uses_routes_numbers_and_months() -> None:
    q = LIBRARY["ehc_assessment_milestone"]
    types = {qn.type for qn in q.questions()}
    assert {AnswerType.NUMBER, AnswerType.MONTH_YEAR, AnswerType.YES_NO} <= types
    assert any(page.routes for page in q.pages)


FORBIDDEN = ("flask", "sqlalchemy", "pandas", "analysis", "feedback_app", "wtforms", "babel")


def test_surveys_imports_no_web_storage_or_analysis_code() -> None:
    package = Path(surveys.__file__).parent
    for module in package.rglob("*.py"):
        tree = ast.parse(module.read_text(), filename=str(module))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0].lower() not in FORBIDDEN, f"{module}: {name}"
