"""Co-production review: comments on questions, replies, resolving, the evidence CSV."""

from __future__ import annotations

import csv
import io

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.designer.drafts import save_draft
from feedback_app.models import AuditEvent, DraftComment, QuestionnaireDraft, StaffUser
from tests.support.browser import PageBrowser
from tests.support.drafts import make_draft
from tests.support.rows import detached_rows
from tests.support.staff import make_area_with_staff, signed_in


def _comments(app: Flask) -> list[DraftComment]:
    return detached_rows(app, DraftComment)


def _new_revision(app: Flask, draft_id: int) -> None:
    with app.app_context():
        draft = db.session().get(QuestionnaireDraft, draft_id)
        assert draft is not None
        save_draft(db.session(), draft, definition=draft.definition, user=None, summary="tidied")


def _on_a_draft(app: Flask, role: str) -> tuple[PageBrowser, str, int]:
    """North's ``role``, signed in and on the review page of a new draft; that page's
    address and the draft's id."""
    make_area_with_staff(app, "north")
    draft_id = make_draft(app)
    url = f"/staff/north/review/{draft_id}"
    browser = signed_in(app.test_client(), f"{role}@north.example")
    browser.get(url)
    return browser, url, draft_id


def test_comment_reply_and_resolve_record_who_and_when(app: Flask) -> None:
    reviewer, url, draft_id = _on_a_draft(app, "reviewer")
    assert reviewer.last is not None
    html = reviewer.last.get_data(as_text=True)
    assert "I have trust and confidence in the local area" in html
    assert "Only shown when the answer to “What support does your child have" in html
    assert "KPI 4/1" in html
    assert "0 open comments" in html
    # Reviewers see no reply, resolve, publish or share controls.
    assert "Mark as resolved" not in html and "Publish this draft" not in html
    assert "Share this link" not in html

    done = reviewer.post(
        f"{url}/comments",
        {
            "question_id": "trust_confidence",
            "body": "  Families may not know what 'local area' means  ",
        },
    )
    assert done.request.path == url
    assert "1 open comment" in done.get_data(as_text=True)
    reviewer.post(f"{url}/comments", {"question_id": "", "body": "Too long overall"})
    (first, general) = _comments(app)
    assert first.question_id == "trust_confidence" and first.revision == 1
    assert first.body == "Families may not know what 'local area' means"
    assert general.question_id is None

    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    html = coordinator.get(url).get_data(as_text=True)
    assert "Share this link with reviewers" in html
    assert f"http://localhost{url}" in html and "reviewer@north.example" in html
    _new_revision(app, draft_id)
    coordinator.post(f"{url}/comments/{first.id}/reply", {"body": "Good point: we added a hint."})
    page = coordinator.post(f"{url}/comments/{first.id}/resolve")
    html = page.get_data(as_text=True)
    assert "Resolved by coordinator@north.example" in html
    assert "1 open comment" in html  # the whole-questionnaire one is still open

    first, general, reply = _comments(app)
    assert reply.parent_id == first.id and reply.question_id == "trust_confidence"
    assert reply.revision == 2  # made after the draft changed
    assert first.resolved_at is not None
    with app.app_context():
        resolver = db.session().get(StaffUser, first.resolved_by_id)
        assert resolver is not None and resolver.email == "coordinator@north.example"
    assert general.resolved_at is None


def test_an_empty_or_too_long_comment_is_a_clear_error_and_writes_nothing(app: Flask) -> None:
    reviewer, url, _ = _on_a_draft(app, "reviewer")
    page = reviewer.post(f"{url}/comments", {"question_id": "need", "body": "   "})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert "<title>Error:" in html and 'href="#comment-need"' in html
    assert "Enter your comment" in html
    page = reviewer.post(f"{url}/comments", {"question_id": "", "body": "x" * 2001})
    assert page.status_code == 400
    assert "2000 characters or fewer" in page.get_data(as_text=True)
    assert 'href="#general-comment"' in page.get_data(as_text=True)
    page = reviewer.post(f"{url}/comments", {"question_id": "no_such_question", "body": "Hi"})
    assert page.status_code == 400
    assert _comments(app) == []


def test_reviewers_cannot_reply_resolve_download_or_publish(app: Flask) -> None:
    reviewer, url, _ = _on_a_draft(app, "reviewer")
    reviewer.post(f"{url}/comments", {"question_id": "need", "body": "Clear"})
    (comment,) = _comments(app)
    token = reviewer.csrf_token()
    for path in (
        f"{url}/comments/{comment.id}/reply",
        f"{url}/comments/{comment.id}/resolve",
        f"{url}/publish",
    ):
        response = reviewer.client.post(path, data={"csrf_token": token, "body": "x"})
        assert response.status_code == 403, path
    assert reviewer.client.get(f"{url}/evidence.csv").status_code == 403
    assert _comments(app)[0].resolved_at is None


def test_other_areas_drafts_are_not_found(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    south_draft = make_draft(app, area_slug="south")
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    assert coordinator.client.get(f"/staff/north/review/{south_draft}").status_code == 404


def test_evidence_csv_lists_revisions_and_comments_with_formulas_neutralised(app: Flask) -> None:
    reviewer, url, draft_id = _on_a_draft(app, "reviewer")
    reviewer.post(
        f"{url}/comments",
        {"question_id": "trust_confidence", "body": '=HYPERLINK("http://evil.example","x")'},
    )
    _new_revision(app, draft_id)
    coordinator = signed_in(app.test_client(), "coordinator@north.example")
    coordinator.get(url)
    (comment,) = _comments(app)
    coordinator.post(f"{url}/comments/{comment.id}/reply", {"body": "+1 agreed"})
    coordinator.post(f"{url}/comments/{comment.id}/resolve")

    response = coordinator.client.get(f"{url}/evidence.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, *body = rows
    assert header[:6] == [
        "Record",
        "Comment number",
        "Revision",
        "When (Europe/London)",
        "Who",
        "Question",
    ]
    kinds = [row[0] for row in body]
    assert kinds == ["Revision", "Revision", "Comment", "Reply"]
    assert body[0][2] == "1" and body[0][4] == "coordinator@north.example"
    assert body[0][6] == "started the draft"
    assert body[1][6] == "tidied"
    comment_row, reply_row = body[2], body[3]
    assert comment_row[6] == '\'=HYPERLINK("http://evil.example","x")'
    assert comment_row[2] == "1" and comment_row[4] == "reviewer@north.example"
    assert comment_row[5] == "trust_confidence"
    assert comment_row[8] == "coordinator@north.example" and comment_row[9]
    assert reply_row[6] == "'+1 agreed" and reply_row[2] == "2"
    assert reply_row[7] == str(comment.id)

    with app.app_context():
        (event,) = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "download"))
        assert event.detail["rows"] == 4 and event.detail["draft_id"] == draft_id
        assert event.user_id is not None


def test_an_empty_reply_is_an_error_next_to_its_comment(app: Flask) -> None:
    coordinator, url, _ = _on_a_draft(app, "coordinator")
    coordinator.post(f"{url}/comments", {"question_id": "need", "body": "Add autism?"})
    (comment,) = _comments(app)
    page = coordinator.post(f"{url}/comments/{comment.id}/reply", {"body": ""})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert f'href="#reply-{comment.id}"' in html and "Enter your reply" in html
    assert len(_comments(app)) == 1
    missing = coordinator.client.post(
        f"{url}/comments/999/resolve", data={"csrf_token": coordinator.csrf_token()}
    )
    assert missing.status_code == 404
