"""Designer round trip: build a questionnaire through the pages, export it, check it
with ``feedback-app surveys check``, import it as a new draft, export again: identical.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import yaml
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import AuditEvent, DraftRevision, QuestionnaireDraft
from surveys import parse_questionnaire
from surveys.library import bundled_questionnaires
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in

CHECK_COMMAND = Path(sys.executable).parent / "feedback-app"


def _draft_url(browser: PageBrowser) -> str:
    match = re.match(r"^(/staff/north/designer/\d+/)", browser.path)
    assert match, browser.path
    return match.group(1)


def build_questionnaire(browser: PageBrowser) -> str:
    """Build a small questionnaire through the designer's pages; returns its URL."""
    browser.get("/staff/north/designer/")
    browser.post("/staff/north/designer/new", {"start": "blank", "title": "Parent survey 2026"})
    draft = _draft_url(browser)

    browser.get(draft + "add-kpi")
    browser.post(draft + "add-kpi", {"kpi": "kpi_4_1"})
    assert "KPI 4/1" in browser.last.get_data(as_text=True)

    browser.get(draft + "add")
    browser.post(draft + "add", {"answer_type": "single"})
    assert browser.path == draft + "add/single"
    browser.post(
        draft + "add/single",
        {
            "text": "Which school does your child go to?",
            "hint": "Choose the one they go to most days.",
            "options": "Mainstream school\nSpecial school\n\nDon't know\n",
            "must_answer": "yes",
        },
    )
    own = "which_school_does_your_child_go_to"

    browser.get(draft + "questions/first_question/edit")
    browser.post(
        draft + "questions/first_question/edit",
        {"text": "I know where to find help", "hint": "", "must_answer": "no"},
    )

    browser.get(draft + f"questions/{own}/show-if")
    browser.post(draft + f"questions/{own}/show-if", {"source": "trust_confidence"})
    assert browser.path == draft + f"questions/{own}/show-if/trust_confidence"
    browser.post(browser.path, {"codes": ["strongly_agree", "agree"]})

    browser.get(draft)
    browser.post(draft + "questions/trust_confidence/move", {"direction": "up"})

    browser.get(draft + "details")
    browser.post(
        draft + "details",
        {
            "title": "Parent survey 2026",
            "description": "For parents and carers of children with SEND.",
            "kind": "follow_up",
            "estimated_minutes": "4",
            "privacy_notice": "Anonymous. We keep answers for 3 years.",
            "easy_read": "no",
            "next_steps": "We will publish what you told us.",
        },
    )
    return draft


def test_designer_round_trip(app: Flask, tmp_path: Path) -> None:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), "coordinator@north.example")
    draft = build_questionnaire(browser)

    page = browser.get(draft).get_data(as_text=True)
    assert "No problems found" in page

    exported = browser.client.get(draft + "export")
    assert exported.status_code == 200
    assert "attachment" in exported.headers["Content-Disposition"]
    text = exported.get_data(as_text=True)

    data = yaml.safe_load(text)
    assert [p["id"] for p in data["pages"]] == [
        "trust_confidence",
        "first_question",
        "which_school_does_your_child_go_to",
    ]
    assert data["first_page"] == "trust_confidence"
    assert data["kind"] == "follow_up" and data["estimated_minutes"] == 4
    bank_wording = bundled_questionnaires()["parent_annual"].question("trust_confidence")
    questionnaire = parse_questionnaire(text)
    assert questionnaire.question("trust_confidence") == bank_wording
    own = questionnaire.question("which_school_does_your_child_go_to")
    assert own is not None
    assert [o.code for o in own.options] == ["mainstream_school", "special_school", "dont_know"]
    assert own.options[-1].exclude_from_base
    assert data["pages"][2]["show_when"] == {
        "in": [{"answer": "trust_confidence"}, ["strongly_agree", "agree"]]
    }
    first = questionnaire.question("first_question")
    assert first is not None and first.optional and first.text == "I know where to find help"

    path = tmp_path / "shared.yaml"
    path.write_text(text, encoding="utf-8")
    check = subprocess.run(
        [str(CHECK_COMMAND), "surveys", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr

    browser.get("/staff/north/designer/")
    browser.post(
        "/staff/north/designer/import",
        {"definition_file": (io.BytesIO(text.encode("utf-8")), "shared.yaml")},
        content_type="multipart/form-data",
    )
    imported = _draft_url(browser)
    assert imported != draft
    again = browser.client.get(imported + "export").get_data(as_text=True)
    assert again == text

    with app.app_context():
        session = db.session()
        downloads = session.scalars(select(AuditEvent).where(AuditEvent.action == "download"))
        rows = [event.detail["rows"] for event in downloads]
        assert rows == [3, 3]
        first_draft = session.scalars(select(QuestionnaireDraft).order_by(QuestionnaireDraft.id))
        original = next(iter(first_draft))
        summaries = session.scalars(
            select(DraftRevision.summary)
            .where(DraftRevision.draft_id == original.id)
            .order_by(DraftRevision.revision)
        ).all()
    assert summaries[0] == "started the draft"
    # Named by its wording, never its id (issue 14).
    assert (
        "moved question “I have trust and confidence in the local area to provide support for"
        " my child” up" in summaries
    )
    assert not any("trust_confidence" in summary for summary in summaries)
    assert len(summaries) == 7


def test_preview_pages_show_the_respondent_pages(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), "coordinator@north.example")
    draft = build_questionnaire(browser)

    start = browser.get(draft + "preview").get_data(as_text=True)
    assert "Parent survey 2026" in start and "Start now" in start
    assert "app-preview--phone" in start
    full = browser.get(draft + "preview/q/trust_confidence?width=full").get_data(as_text=True)
    assert "app-preview--full" in full
    assert "I have trust and confidence in the local area" in full
    assert 'name="trust_confidence"' in full
    # "Save and continue" posts the page, keeping the width and language; the
    # preview then follows the route as families do.
    assert f'action="{draft}preview/q/trust_confidence?width=full&amp;language=en"' in full
    shown_if = browser.get(draft + "preview/q/which_school_does_your_child_go_to")
    # Its "show only if" does not hold with nothing answered: it is not shown.
    assert "which_school" not in shown_if.request.path
    assert "(optional)" in browser.get(draft + "preview/q/first_question").get_data(as_text=True)
    done = browser.get(draft + "preview/done").get_data(as_text=True)
    assert "We will publish what you told us." in done
