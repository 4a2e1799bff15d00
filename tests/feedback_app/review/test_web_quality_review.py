"""Officers review flagged responses: why, when, the answers; keep or exclude, audited."""

from __future__ import annotations

import json

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.demo.loading import DEMO_SLUG
from feedback_app.models import AuditEvent, Response, Wave
from tests.support.browser import PageBrowser
from tests.support.staff import make_area_with_staff, signed_in

EVENT = "demo-event-feedback"
SECRET_ANSWER = "More parking near the hall"


def _flagged_submission(app: Flask) -> int:
    bot = PageBrowser(app.test_client())
    bot.get(f"/s/{EVENT}")
    bot.post(f"/s/{EVENT}/start")
    for data in (
        {"event_useful": "agree", "contact_website": "spam"},
        {"do_differently": "no"},
        {"event_comments": SECRET_ANSWER},
    ):
        bot.post(bot.path, data)
    bot.post(f"/s/{EVENT}/check")
    with app.app_context():
        return db.session().scalars(select(Response.id)).one()


def test_officer_sees_why_and_excludes_then_keeps_with_an_audit_trail(
    app: Flask, demo: dict[str, str]
) -> None:
    emails = make_area_with_staff(app, DEMO_SLUG)
    response_id = _flagged_submission(app)
    with app.app_context():
        wave_id = db.session().scalars(select(Wave.id).where(Wave.slug == EVENT)).one()
    officer = signed_in(app.test_client(), emails["officer"])

    index = officer.get(f"/staff/{DEMO_SLUG}/flagged").get_data(as_text=True)
    assert f"/staff/{DEMO_SLUG}/waves/{wave_id}/flagged" in index
    assert "Flagged responses" in officer.get(f"/staff/{DEMO_SLUG}/").get_data(as_text=True)

    page_url = f"/staff/{DEMO_SLUG}/waves/{wave_id}/flagged"
    page = officer.get(page_url).get_data(as_text=True)
    assert f"Response {response_id}" in page
    assert "Filled in a box that people cannot see" in page
    assert "First flagged" in page and SECRET_ANSWER in page
    assert "left out of results" in page

    decide_url = f"{page_url}/{response_id}"
    done = officer.post(decide_url, {"decision": "excluded"})
    assert done.status_code == 200 and "excluded" in done.get_data(as_text=True)
    officer.post(decide_url, {"decision": "kept"})
    officer.post(decide_url, {"decision": "excluded"})

    with app.app_context():
        assert db.session().get(Response, response_id).review == "excluded"  # type: ignore[union-attr]
        events = [
            (e.action, e.detail)
            for e in db.session().scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("response_%"))
                .order_by(AuditEvent.id)
            )
        ]
    assert [a for a, _ in events] == ["response_excluded", "response_kept", "response_excluded"]
    assert events[0][1]["response_id"] == response_id
    assert events[0][1]["reasons"] == ["honeypot"]
    assert SECRET_ANSWER not in json.dumps(events)

    # Bad decisions and responses that are not flagged (or not in the wave) are refused.
    assert (
        officer.client.post(
            decide_url, data={"csrf_token": officer.csrf_token(), "decision": "delete"}
        ).status_code
        == 400
    )
    assert (
        officer.client.post(
            f"{page_url}/999999", data={"csrf_token": officer.csrf_token(), "decision": "kept"}
        ).status_code
        == 404
    )

    coordinator = signed_in(app.test_client(), emails["coordinator"])
    assert coordinator.client.get(page_url).status_code == 403
