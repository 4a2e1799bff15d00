"""Publishing drafts as immutable versions, and the comparability warning for KPIs."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.designer.drafts import save_draft
from feedback_app.models import (
    AuditEvent,
    QuestionnaireDraft,
    QuestionnaireVersion,
)
from surveys import Questionnaire
from tests.support.browser import PageBrowser
from tests.support.drafts import make_draft
from tests.support.questionnaires import annual, with_question_changed
from tests.support.staff import make_area_with_staff, signed_in


def _save(app: Flask, draft_id: int, definition: str | Questionnaire) -> None:
    with app.app_context():
        draft = db.session().get(QuestionnaireDraft, draft_id)
        assert draft is not None
        save_draft(db.session(), draft, definition=definition, user=None, summary="changed")


def _versions(app: Flask) -> list[tuple[int, str, str]]:
    with app.app_context():
        rows = db.session().scalars(
            select(QuestionnaireVersion).order_by(QuestionnaireVersion.version)
        )
        return [(v.version, v.definition, v.checksum) for v in rows]


def _publish_events(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        events = db.session().scalars(
            select(AuditEvent).where(AuditEvent.action == "publish").order_by(AuditEvent.id)
        )
        return [dict(e.detail, user_id=e.user_id) for e in events]


def test_publishing_makes_versions_and_never_changes_an_old_one(app: Flask) -> None:
    make_area_with_staff(app, "north")
    draft_id = make_draft(app, title="Parent survey")
    url = f"/staff/north/review/{draft_id}"
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    coordinator.get(url)

    page = coordinator.post(f"{url}/publish")
    assert page.request.path == "/staff/north/versions"
    html = page.get_data(as_text=True)
    assert "Published as version 1" in html
    assert "by coordinator@north.example" in html
    ((number, first_text, first_checksum),) = _versions(app)
    assert number == 1

    coordinator.get(url)
    page = coordinator.post(f"{url}/publish")
    assert "Nothing has changed since version 1" in page.get_data(as_text=True)
    assert len(_versions(app)) == 1

    _save(
        app,
        draft_id,
        with_question_changed(annual(), "plan_type", text="What help does your child get?"),
    )
    coordinator.get(url)
    page = coordinator.post(f"{url}/publish")
    assert "Published as version 2" in page.get_data(as_text=True)
    (one, two) = _versions(app)
    assert one == (1, first_text, first_checksum)
    assert "What help does your child get?" in two[1] and two[0] == 2

    events = _publish_events(app)
    assert [(e["version"], e["new_version"]) for e in events] == [(1, True), (1, False), (2, True)]
    assert all(e["draft_id"] == draft_id and e["user_id"] for e in events)
    with app.app_context():
        draft = db.session().get(QuestionnaireDraft, draft_id)
        assert draft is not None and draft.status == "published"


def test_a_draft_with_problems_is_refused_with_the_problems_listed(app: Flask) -> None:
    make_area_with_staff(app, "north")
    draft_id = make_draft(app, title="Parent survey")
    _save(app, draft_id, "id: broken\ntitle: Broken\n")
    url = f"/staff/north/review/{draft_id}"
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    html = coordinator.get(url).get_data(as_text=True)
    assert "This draft has problems" in html
    page = coordinator.post(f"{url}/publish")
    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "This draft cannot be published yet" in html and "pages" in html
    assert _versions(app) == []
    assert _publish_events(app) == []


def _kpi_question_changed_after_version_1(
    app: Flask, question_id: str, **update: Any
) -> tuple[PageBrowser, str]:
    """An officer publishes version 1 of a draft of the annual survey, then the draft's
    question ``question_id`` is changed; the officer, on the draft's review page, and
    that page's address."""
    make_area_with_staff(app, "north")
    draft_id = make_draft(app, title="Parent survey")
    url = f"/staff/north/review/{draft_id}"
    officer = signed_in(app.test_client(), "officer@north.example")
    officer.get(url)
    officer.post(f"{url}/publish")
    _save(app, draft_id, with_question_changed(annual(), question_id, **update))
    officer.get(url)
    return officer, url


def test_changing_a_kpi_question_needs_confirmation(app: Flask) -> None:
    officer, url = _kpi_question_changed_after_version_1(
        app, "trust_confidence", text="I trust the council"
    )
    page = officer.post(f"{url}/publish")
    assert page.status_code == 200
    assert page.request.path == f"{url}/publish"
    html = page.get_data(as_text=True)
    assert "Some KPI results will not be comparable" in html
    assert "KPI 4/1" in html and "The wording of the question has changed." in html
    assert "I have trust and confidence in the local area" in html  # before
    assert "I trust the council" in html  # now
    assert "the year-on-year change will be shown as a break in the series" in html
    assert len(_versions(app)) == 1

    page = officer.post(f"{url}/publish", {"seen_warning": "1"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "<title>Error:" in html and "Confirm that you understand" in html
    assert len(_versions(app)) == 1

    page = officer.post(f"{url}/publish", {"seen_warning": "1", "confirm": "y"})
    assert "Published as version 2" in page.get_data(as_text=True)
    assert len(_versions(app)) == 2
    assert _publish_events(app)[-1]["comparability_breaks"] == 1


def test_changing_kpi_options_is_explained(app: Flask) -> None:
    question = annual().question("help_support_rating")
    assert question is not None
    options = tuple(o for o in question.options if o.code != "neither")
    officer, url = _kpi_question_changed_after_version_1(
        app, "help_support_rating", options=options
    )
    html = officer.post(f"{url}/publish").get_data(as_text=True)
    assert "The answer options have changed." in html and "KPI 4/2" in html
    assert "neither: Neither good nor poor" in html
