"""The coordinator marks which answers of a closed question count as positive
(issue 14): the question's ``positive`` in the draft, read by the results."""

from __future__ import annotations

import re

import yaml
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import QuestionnaireDraft
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in

OWN = "how_was_the_venue"


def _draft(app: Flask) -> tuple[PageBrowser, str]:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), "coordinator@north.example")
    browser.get("/staff/north/designer/")
    browser.post("/staff/north/designer/new", {"start": "blank", "title": "Event 2026"})
    match = re.match(r"^(/staff/north/designer/\d+/)", browser.path)
    assert match, browser.path
    draft = match.group(1)
    browser.get(draft + "add")
    browser.post(draft + "add", {"answer_type": "single"})
    browser.post(
        draft + "add/single",
        {
            "text": "How was the venue?",
            "options": "Very good\nGood\nPoor\nDon't know\n",
            "must_answer": "yes",
        },
    )
    browser.get(draft + "add")
    browser.post(draft + "add", {"answer_type": "agreement"})
    browser.post(draft + "add/agreement", {"text": "The event was useful", "must_answer": "yes"})
    browser.get(draft + "add")
    browser.post(draft + "add", {"answer_type": "text"})
    browser.post(draft + "add/text", {"text": "Anything else?", "must_answer": "no"})
    return browser, draft


def _question(app: Flask, question_id: str) -> dict[str, object]:
    with app.app_context():
        draft = db.session().scalars(select(QuestionnaireDraft)).one()
        definition = yaml.safe_load(draft.definition)
    return next(
        q for page in definition["pages"] for q in page["questions"] if q["id"] == question_id
    )


def test_coordinator_ticks_the_positive_answers_of_their_own_question(app: Flask) -> None:
    browser, draft = _draft(app)
    overview = browser.get(draft).get_data(as_text=True)
    assert "None: no % positive in the results" in overview  # own options: none yet
    page = browser.get(draft + f"questions/{OWN}/positive")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Answers in the base only: "Don't know" cannot be positive.
    assert 'value="very_good"' in html and 'value="poor"' in html
    assert 'value="dont_know"' not in html
    assert "checked" not in html
    browser.post(draft + f"questions/{OWN}/positive", {"codes": ["very_good", "good"]})
    assert _question(app, OWN)["positive"] == ["very_good", "good"]
    overview = browser.get(draft).get_data(as_text=True)
    assert "Very good, Good" in overview
    # A code that is not in the list (or is left out of the base): a message, nothing saved.
    refused = browser.client.post(
        draft + f"questions/{OWN}/positive",
        data={"csrf_token": browser.csrf_token(), "codes": ["dont_know"]},
    )
    assert refused.status_code == 400
    assert "Select answers from the list" in refused.get_data(as_text=True)
    assert _question(app, OWN)["positive"] == ["very_good", "good"]
    # Nothing ticked: no % positive (the key goes: a "choose one" list has no default).
    browser.get(draft + f"questions/{OWN}/positive")
    browser.post(draft + f"questions/{OWN}/positive", {})
    assert "positive" not in _question(app, OWN)


def test_standard_scales_start_from_the_default_and_free_text_has_none(app: Flask) -> None:
    browser, draft = _draft(app)
    useful = "the_event_was_useful"
    html = browser.get(draft + f"questions/{useful}/positive").get_data(as_text=True)
    assert re.search(r'value="agree"[^>]*checked', html)
    assert re.search(r'value="strongly_agree"[^>]*checked', html)
    assert not re.search(r'value="disagree"[^>]*checked', html)
    # Unticking every answer is kept as "none", not the default.
    browser.post(draft + f"questions/{useful}/positive", {})
    assert _question(app, useful)["positive"] == []
    # Ticking exactly the default leaves the question to the default.
    browser.get(draft + f"questions/{useful}/positive")
    browser.post(draft + f"questions/{useful}/positive", {"codes": ["strongly_agree", "agree"]})
    assert "positive" not in _question(app, useful)
    assert browser.get(draft + "questions/anything_else/positive").status_code == 404
