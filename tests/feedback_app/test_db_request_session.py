"""At the end of every request its database session is closed: what the view
did not commit is rolled back (no partial writes), whether the view answered or
failed, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.models import LocalArea


@pytest.mark.parametrize("fails", [False, True], ids=["answers", "fails"])
def test_what_a_request_did_not_commit_is_rolled_back_at_its_end(app: Flask, fails: bool) -> None:
    used: list[Session] = []

    def writes_without_commit() -> str:
        session = db.session()
        used.append(session)
        session.add(LocalArea(slug="never-kept", name="Never kept"))
        session.flush()  # sent to the database, inside the request's transaction
        assert session.in_transaction()
        if fails:
            raise RuntimeError("the view fails after writing")
        return "flushed, not committed"

    app.add_url_rule("/test-only/uncommitted", view_func=writes_without_commit)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    reply = app.test_client().get("/test-only/uncommitted")
    assert reply.status_code == (500 if fails else 200)
    (session,) = used
    assert not session.in_transaction()
    assert list(session) == []  # nothing left in the closed session
    with app.app_context():
        kept = db.session().scalar(select(LocalArea).where(LocalArea.slug == "never-kept"))
    assert kept is None
