"""The blank template's stand-in words cannot be published."""

from __future__ import annotations

from html import unescape

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.designer.drafts import create_draft, save_draft
from feedback_app.models import LocalArea, QuestionnaireDraft, QuestionnaireVersion
from tests.support.staff import make_area_with_staff, signed_in


def test_placeholder_text_is_refused_until_it_is_replaced(app: Flask) -> None:
    make_area_with_staff(app, "north")
    with app.app_context():
        session = db.session()
        area = session.scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert area is not None
        draft_id = create_draft(session, area=area, title="Parent survey 2027", user=None).id
    url = f"/staff/north/review/{draft_id}"
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    coordinator.get(url)
    refused = coordinator.post(f"{url}/publish")
    assert refused.status_code == 409
    html = unescape(refused.get_data(as_text=True))
    assert "it still says “Who this survey is for, and why we are asking.”" in html
    assert "question first_question: it still says “Write your first question here”" in html

    # Write the question but leave the description: still refused, for that alone.
    with app.app_context():
        draft = db.session().get(QuestionnaireDraft, draft_id)
        assert draft is not None
        text = draft.definition.replace(
            "Write your first question here", "The support my child gets is right for them"
        )
        save_draft(db.session(), draft, definition=text, user=None, summary="question")
    coordinator.get(url)
    again = unescape(coordinator.post(f"{url}/publish").get_data(as_text=True))
    assert "Who this survey is for" in again and "first_question: it still says" not in again

    with app.app_context():
        draft = db.session().get(QuestionnaireDraft, draft_id)
        assert draft is not None
        text = draft.definition.replace(
            "Who this survey is for, and why we are asking.",
            "For parents and carers of children with SEND in North.",
        )
        save_draft(db.session(), draft, definition=text, user=None, summary="description")
    coordinator.get(url)
    published = coordinator.post(f"{url}/publish")
    assert published.request.path == "/staff/north/versions"
    with app.app_context():
        assert db.session().scalar(select(QuestionnaireVersion.id)) is not None
