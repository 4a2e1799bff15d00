"""The designer is forgiving and safe: locked KPI wording stays locked, bad uploads
create nothing, refusals are plain 4xx pages, and every page passes the page checks.
"""

from __future__ import annotations

import io
import re

import pytest
import yaml
from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import QuestionnaireDraft
from surveys import AnswerType, parse_questionnaire
from surveys.library import bundled_questionnaires
from tests.support.browser import PageBrowser
from tests.support.page_checks import page_problems
from tests.support.staff import make_area_with_staff, signed_in

DESIGNER = "/staff/north/designer/"


@pytest.fixture
def coordinator(app: Flask) -> PageBrowser:
    make_area_with_staff(app, "north")
    return signed_in(app.test_client(), "coordinator@north.example")


def _new_blank(browser: PageBrowser, title: str = "Test survey") -> str:
    browser.get(DESIGNER)
    browser.post(DESIGNER + "new", {"start": "blank", "title": title})
    match = re.match(r"^(/staff/north/designer/\d+/)$", browser.path)
    assert match, browser.path
    return match.group(1)


def _exported(browser: PageBrowser, draft: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load(browser.client.get(draft + "export").get_data(as_text=True))


def _draft_count(app: Flask) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(QuestionnaireDraft)) or 0


def test_locked_kpi_wording_survives_a_tampered_post(coordinator: PageBrowser) -> None:
    draft = _new_blank(coordinator)
    coordinator.get(draft + "add-kpi")
    coordinator.post(draft + "add-kpi", {"kpi": "kpi_4_2"})
    edit = coordinator.get(draft + "questions/help_support_rating/edit").get_data(as_text=True)
    assert 'name="text"' not in edit and 'name="options"' not in edit
    assert "KPI 4/2" in edit
    coordinator.post(
        draft + "questions/help_support_rating/edit",
        {
            "text": "Is everything fine?",
            "options": "Yes\nNo",
            "hint": "Think of the last year.",
            "must_answer": "yes",
        },
    )
    question = parse_questionnaire(
        coordinator.client.get(draft + "export").get_data(as_text=True)
    ).question("help_support_rating")
    bank = bundled_questionnaires()["parent_annual"].question("help_support_rating")
    assert question is not None and bank is not None
    assert question.text == bank.text
    assert question.options == bank.options
    assert question.kpis == ("kpi_4_2",)
    assert question.hint == "Think of the last year."


def test_a_kpi_question_cannot_be_added_twice_or_made_up(coordinator: PageBrowser) -> None:
    draft = _new_blank(coordinator)
    coordinator.get(draft + "add-kpi")
    coordinator.post(draft + "add-kpi", {"kpi": "kpi_4_1"})
    coordinator.get(draft + "add-kpi")
    again = coordinator.post(draft + "add-kpi", {"kpi": "kpi_4_1"})
    assert again.status_code == 400
    made_up = coordinator.post(draft + "add-kpi", {"kpi": "kpi_9_9"})
    assert made_up.status_code == 400
    assert [p["id"] for p in _exported(coordinator, draft)["pages"]] == [
        "first_question",
        "trust_confidence",
    ]


YAML_PROBLEM = "title: [unclosed\n"
LATER_RULE = """\
id: later_rule
title: Rule looks ahead
description: For testing.
kind: event
estimated_minutes: 2
privacy_notice: Anonymous.
next_steps: Thanks.
first_page: one
pages:
  - id: one
    show_when: {"==": [{"answer": "two"}, "yes"]}
    questions:
      - {id: one, type: yes_no, text: First}
  - id: two
    questions:
      - {id: two, type: yes_no, text: Second}
      - {id: two, type: text, text: Again}
"""


MANY_PAGES = (
    LATER_RULE.split("pages:")[0]
    + "pages:\n"
    + "".join(
        f"  - {{id: p{i}, questions: [{{id: q{i}, type: yes_no, text: Q}}]}}\n" for i in range(151)
    )
)


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("notes.txt", b"id: x\n", "must be a .yaml, .yml or .json file"),
        ("broken.yaml", YAML_PROBLEM.encode(), "is not valid YAML"),
        ("picture.yaml", bytes(range(256)) * 40, "saved as UTF-8"),
        ("nulls.json", b'{"id": "\x00"}', "not a binary file"),
        ("huge.yaml", b"# " + b"x" * 300_000 + b"\n", "smaller than 100 KB"),
        # Explicit tags PyYAML cannot construct were a KeyError and an AttributeError.
        ("maybe.yaml", b"id: x\neasy_read: !!bool maybe\n", "is not valid YAML"),
        ("when.yaml", b"id: x\ntitle: !!timestamp notadate\n", "is not valid YAML"),
        ("set.yaml", b"id: !!set {a, b}\n", "Line 1"),
        ("many.yaml", MANY_PAGES.encode(), "has 151 pages; at most 150 are allowed"),
        ("empty.yml", b"   \n", "is empty"),
        ("later.yaml", LATER_RULE.encode(), "Line 11"),
    ],
)
def test_bad_uploads_are_refused_in_plain_words(
    app: Flask, coordinator: PageBrowser, filename: str, content: bytes, expected: str
) -> None:
    coordinator.get(DESIGNER)
    before = _draft_count(app)
    response = coordinator.post(
        DESIGNER + "import",
        {"definition_file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert not page_problems(body, expect_error=True)
    assert expected in body
    assert _draft_count(app) == before


def test_every_problem_in_an_invalid_definition_is_listed(coordinator: PageBrowser) -> None:
    coordinator.get(DESIGNER)
    body = coordinator.post(
        DESIGNER + "import",
        {"definition_file": (io.BytesIO(LATER_RULE.encode()), "later.yaml")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "the first page is always shown" in body
    assert "used more than once" in body
    assert "Nothing has been created" in body


def test_an_upload_without_a_file_asks_for_one(coordinator: PageBrowser) -> None:
    coordinator.get(DESIGNER)
    response = coordinator.post(DESIGNER + "import", {})
    assert response.status_code == 400
    assert "Select a questionnaire file" in response.get_data(as_text=True)


def test_plain_refusals_and_form_errors(coordinator: PageBrowser) -> None:
    coordinator.get(DESIGNER)
    blank = coordinator.post(DESIGNER + "new", {"start": "blank", "title": ""})
    assert blank.status_code == 400
    assert "Enter a title for the blank questionnaire" in blank.get_data(as_text=True)

    draft = _new_blank(coordinator)
    refused = coordinator.post(draft + "questions/first_question/remove")
    assert refused.status_code == 400
    assert "needs at least one question" in refused.get_data(as_text=True)

    coordinator.get(draft + "add/single")
    no_options = coordinator.post(draft + "add/single", {"text": "Pick one", "options": " \n"})
    assert no_options.status_code == 400
    assert "Enter at least one answer" in no_options.get_data(as_text=True)
    same = coordinator.post(draft + "add/single", {"text": "Pick one", "options": "A\na"})
    assert "Each option must be different" in same.get_data(as_text=True)

    coordinator.get(draft + "details")
    minutes = coordinator.post(
        draft + "details",
        {
            "title": "T",
            "description": "D",
            "kind": "event",
            "estimated_minutes": "ten",
            "privacy_notice": "P",
            "next_steps": "N",
        },
    )
    assert minutes.status_code == 400
    assert "Enter how many minutes it takes, as a number" in minutes.get_data(as_text=True)
    assert [p["id"] for p in _exported(coordinator, draft)["pages"]] == ["first_question"]
    assert coordinator.client.get(draft + "add/not_a_type").status_code == 404


def test_live_problems_link_to_the_question(coordinator: PageBrowser) -> None:
    draft = _new_blank(coordinator)
    coordinator.get(draft + "add/yes_no")
    coordinator.post(
        draft + "add/yes_no", {"text": "Do you have an EHC plan?", "must_answer": "yes"}
    )
    coordinator.get(draft + "add/text")
    coordinator.post(draft + "add/text", {"text": "Tell us about the plan", "must_answer": "no"})
    rule = draft + "questions/tell_us_about_the_plan/show-if"
    coordinator.get(rule)
    coordinator.post(rule, {"source": "do_you_have_an_ehc_plan"})
    coordinator.post(coordinator.path, {"codes": ["yes"]})
    body = coordinator.get(draft).get_data(as_text=True)
    assert "No problems found" in body
    assert "Only if the answer to “Do you have an EHC plan?” is: Yes" in body

    coordinator.post(draft + "questions/tell_us_about_the_plan/move", {"direction": "up"})
    body = coordinator.get(draft).get_data(as_text=True)
    assert "There is 1 problem to fix" in body
    assert 'href="#question-tell_us_about_the_plan">Question 2</a>' in body
    assert "looks at the answer to a later question" in body

    # Going back to an earlier version is a new version: nothing is lost.
    coordinator.get(draft + "history")
    coordinator.post(draft + "history/4/restore")
    assert "No problems found" in coordinator.get(draft).get_data(as_text=True)
    history = coordinator.get(draft + "history").get_data(as_text=True)
    assert "went back to revision 4" in history


def test_removing_a_question_removes_rules_that_looked_at_it(coordinator: PageBrowser) -> None:
    draft = _new_blank(coordinator)
    coordinator.get(draft + "questions/first_question/show-if")
    coordinator.get(draft + "add-kpi")
    coordinator.post(draft + "add-kpi", {"kpi": "kpi_4_5"})
    rule = draft + "questions/listened_to_ehcp/show-if"
    coordinator.get(rule)
    coordinator.post(rule, {"source": "first_question"})
    coordinator.post(coordinator.path, {"codes": ["agree"]})
    coordinator.get(draft)
    coordinator.post(draft + "questions/first_question/remove")
    data = _exported(coordinator, draft)
    assert [p["id"] for p in data["pages"]] == ["listened_to_ehcp"]
    assert "show_when" not in data["pages"][0]
    assert data["first_page"] == "listened_to_ehcp"


@pytest.mark.parametrize("answer_type", [t.value for t in AnswerType])
def test_every_answer_type_can_be_added_and_previewed(
    coordinator: PageBrowser, answer_type: str
) -> None:
    draft = _new_blank(coordinator)
    coordinator.get(draft + "add")
    coordinator.post(draft + "add", {"answer_type": answer_type})
    coordinator.post(
        draft + f"add/{answer_type}",
        {
            "text": "How was it for you",
            "options": "Good\nBad",
            "must_answer": "yes",
            "min_value": "0",
            "max_value": "12",
        },
    )
    assert coordinator.path == draft
    for width in ("phone", "full"):
        coordinator.get(draft + f"preview/q/how_was_it_for_you?width={width}")
    question = parse_questionnaire(
        coordinator.client.get(draft + "export").get_data(as_text=True)
    ).question("how_was_it_for_you")
    assert question is not None and question.type == answer_type


@pytest.mark.parametrize("template", list(bundled_questionnaires()))
def test_every_bundled_template_opens_and_previews(coordinator: PageBrowser, template: str) -> None:
    coordinator.get(DESIGNER)
    coordinator.post(DESIGNER + "new", {"start": template, "title": ""})
    draft = coordinator.path
    assert re.match(r"^/staff/north/designer/\d+/$", draft)
    assert "No problems found" in coordinator.last.get_data(as_text=True)
    questionnaire = bundled_questionnaires()[template]
    coordinator.get(draft + "preview")
    for page in questionnaire.pages:
        coordinator.get(draft + f"preview/q/{page.id}")
        for question in page.questions:
            coordinator.get(draft + f"questions/{question.id}/edit")
            coordinator.get(draft + f"questions/{question.id}/show-if")
    coordinator.get(draft + "preview/done")
    coordinator.get(draft + "details")
    coordinator.get(draft + "history")
    coordinator.get(draft + "add-kpi")
    coordinator.get(draft + "add")


def test_other_areas_and_published_drafts(app: Flask, coordinator: PageBrowser) -> None:
    draft = _new_blank(coordinator)
    make_area_with_staff(app, "south")
    south = signed_in(app.test_client(), "coordinator@south.example")
    assert south.client.get(draft.replace("north", "south")).status_code == 404
    assert south.client.get(draft).status_code == 404

    with app.app_context():
        row = db.session().scalars(select(QuestionnaireDraft)).one()
        row.status = "published"
        db.session().commit()
    # A published draft stays editable (issue 15 point 4): publishing again makes
    # the next version.
    page = coordinator.get(draft).get_data(as_text=True)
    assert "cannot be changed" not in page and "/edit" in page
    assert coordinator.client.get(draft + "questions/first_question/edit").status_code == 200
    assert coordinator.client.get(draft + "add").status_code == 200
    assert coordinator.client.get(draft + "export").status_code == 200


def test_easy_read_questions_get_a_picture_and_a_face_scale(coordinator: PageBrowser) -> None:
    coordinator.get(DESIGNER)
    coordinator.post(DESIGNER + "new", {"start": "young_people", "title": ""})
    draft = coordinator.path
    add = draft + "add/face"
    coordinator.get(add)
    missing = coordinator.post(add, {"text": "How is your school?", "must_answer": "yes"})
    assert missing.status_code == 400
    assert "Select a picture to show beside the question" in missing.get_data(as_text=True)
    odd = coordinator.post(
        add, {"text": "How is your school?", "must_answer": "yes", "picture": "../x"}
    )
    assert odd.status_code == 400 and "Select one of the pictures" in odd.get_data(as_text=True)
    coordinator.post(
        add,
        {"text": "How is your school?", "must_answer": "yes", "picture": "school", "points": "3"},
    )
    # The survey's other faces are 5: one scale length per survey (issue 15 point 12).
    assert "uses the same number of faces" in coordinator.last.get_data(as_text=True)
    coordinator.get(draft + "questions/how_is_your_school/edit")
    coordinator.post(
        draft + "questions/how_is_your_school/edit",
        {"text": "How is your school?", "must_answer": "yes", "picture": "school", "points": "5"},
    )
    assert "No problems found" in coordinator.last.get_data(as_text=True)
    question = parse_questionnaire(
        coordinator.client.get(draft + "export").get_data(as_text=True)
    ).question("how_is_your_school")
    assert question is not None and question.picture == "school" and question.points == 5
    assert [o.code for o in question.options] == [
        "very_happy", "happy", "ok", "sad", "very_sad", "dont_know"
    ]  # fmt: skip
    coordinator.get(draft + "preview/q/how_is_your_school")


def test_a_json_file_imports_like_yaml(app: Flask, coordinator: PageBrowser) -> None:
    bundled = bundled_questionnaires()["event_feedback"]
    text = bundled.model_dump_json(exclude_defaults=True)
    coordinator.get(DESIGNER)
    coordinator.post(
        DESIGNER + "import",
        {"definition_file": (io.BytesIO(text.encode()), "event.json")},
        content_type="multipart/form-data",
    )
    draft = coordinator.path
    exported = coordinator.client.get(draft + "export").get_data(as_text=True)
    assert parse_questionnaire(exported) == bundled
    assert _draft_count(app) == 1


def test_a_draft_the_designer_cannot_read_is_shown_not_lost(
    app: Flask, coordinator: PageBrowser
) -> None:
    draft = _new_blank(coordinator)
    broken = "id: x\ntitle: [unclosed\n"
    with app.app_context():
        row = db.session().scalars(select(QuestionnaireDraft)).one()
        row.definition = broken
        db.session().commit()
    page = coordinator.get(draft).get_data(as_text=True)
    assert "The designer cannot read this questionnaire" in page
    assert "is not valid YAML" in page
    assert coordinator.client.get(draft + "questions/first_question/edit").status_code == 409
    assert coordinator.client.get(draft + "preview").status_code == 409
    assert coordinator.client.get(draft + "export").get_data(as_text=True) == broken
    coordinator.get(draft + "history")
    coordinator.post(draft + "history/1/restore")
    assert "No problems found" in coordinator.get(draft).get_data(as_text=True)


def test_a_0_to_10_scale_can_leave_out_dont_know(coordinator: PageBrowser) -> None:
    draft = _new_blank(coordinator)
    page_html = coordinator.get(draft + "add/scale_0_10").get_data(as_text=True)
    assert 'name="dont_know"' in page_html and 'name="points"' not in page_html
    fields = {"text": "How likely are you to recommend us", "must_answer": "yes"}
    coordinator.post(draft + "add/scale_0_10", {**fields, "dont_know": "no"})
    assert coordinator.path == draft
    page = _exported(coordinator, draft)["pages"][-1]
    codes = [o["code"] for o in page["questions"][0]["options"]]
    assert codes == [str(n) for n in range(11)]
    edit = draft + f"questions/{page['id']}/edit"
    coordinator.get(edit)
    coordinator.post(edit, {**fields, "dont_know": "yes"})
    page = _exported(coordinator, draft)["pages"][-1]
    assert page["questions"][0]["options"][-1]["code"] == "dont_know"


def test_easy_read_is_a_switch_for_any_questionnaire(coordinator: PageBrowser) -> None:
    """Issue 15 point 12: any questionnaire can be made Easy Read in the designer."""
    draft = _new_blank(coordinator)
    form = coordinator.get(draft + "details").get_data(as_text=True)
    assert 'name="easy_read"' in form
    details = {
        "title": "Our youth survey",
        "description": "For young people who use our services.",
        "kind": "young_people",
        "estimated_minutes": "5",
        "easy_read": "yes",
        "privacy_notice": "You do not need to give your name.",
        "next_steps": "Thank you. We will tell you what we change.",
    }
    coordinator.post(draft + "details", details)
    overview = coordinator.last.get_data(as_text=True)
    assert "Easy Read questions need a picture" in overview
    assert _exported(coordinator, draft)["easy_read"] is True
    coordinator.get(draft + "details")
    coordinator.post(draft + "details", {**details, "easy_read": "no"})
    assert not _exported(coordinator, draft).get("easy_read")
