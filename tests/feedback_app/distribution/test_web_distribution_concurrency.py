"""20 concurrent submissions with one invitation link make exactly one response.

Each thread has its own engine and session, as separate server processes would,
and does what the respondent gate does on "send": use up the invitation, then
``journey.submit`` in the same transaction. Runs on a SQLite file and (with
TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.db import make_engine
from feedback_app.definitions import questionnaire_for
from feedback_app.distribution.invitations import consume_invitation, create_batch, hash_token
from feedback_app.models import Invitation, InvitationBatch, Response, Wave
from feedback_app.respond import journey

THREADS = 20


def _prepare(app: Flask, slug: str, *, respondents: int) -> tuple[list[int], str]:
    """``respondents`` answered responses to the wave and one invitation link."""
    with app.app_context():
        session = db.session()
        wave = session.scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        made = create_batch(session, wave=wave, size=1, label="one", created_by_id=None)
        session.commit()
        ids = []
        for _ in range(respondents):
            response = journey.start_response(session, wave, language="en")
            journey.save_page(
                session,
                response,
                cleaned={"event_useful": "agree", "do_differently": "yes"},
                language="en",
            )
            ids.append(response.id)
        return ids, hash_token(made.tokens[0])


def _send_all(app: Flask, response_ids: list[int], token_hash: str) -> list[bool]:
    url = app.config["DATABASE_URL"]
    barrier = threading.Barrier(THREADS)

    def send(response_id: int) -> bool:
        engine = make_engine(url).execution_options(sqlite_begin="IMMEDIATE")
        try:
            with Session(engine, expire_on_commit=False) as session:
                response = session.get(Response, response_id)
                assert response is not None
                questionnaire = questionnaire_for(response.wave.version)
                session.rollback()  # line up with nothing held
                barrier.wait(timeout=30)
                if not consume_invitation(session, token_hash):
                    session.rollback()
                    return False
                return journey.submit(session, response, questionnaire)
        finally:
            engine.dispose()

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        return list(pool.map(send, response_ids))


def _outcome(app: Flask) -> tuple[int, int]:
    with app.app_context():
        session = db.session()
        submitted = session.scalar(
            select(func.count()).select_from(Response).where(Response.status == "submitted")
        )
        used = session.scalar(select(func.count(Invitation.used_at)))
        return int(submitted or 0), int(used or 0)


@pytest.mark.parametrize("respondents", [THREADS, 1], ids=["20 people", "one person tapping"])
def test_twenty_concurrent_submissions_with_one_link_make_one_response(
    app: Flask, demo: dict[str, str], respondents: int
) -> None:
    ids, token_hash = _prepare(app, demo["event_feedback"], respondents=respondents)
    response_ids = ids if respondents == THREADS else ids * THREADS
    results = _send_all(app, response_ids, token_hash)
    assert results.count(True) == 1
    assert _outcome(app) == (1, 1)
    with app.app_context():
        # Nothing ties the link to the answers, not even the moment it was used.
        used_at, made_at = (
            db.session()
            .execute(select(Invitation.used_at, InvitationBatch.created_at).join(InvitationBatch))
            .one()
        )
        assert used_at == made_at
        assert {c.name for c in Invitation.__table__.columns} == {
            "id",
            "batch_id",
            "wave_id",
            "token_hash",
            "used_at",
        }
        assert not [c for c in Response.__table__.columns if "invitation" in c.name]


def test_a_failed_submission_gives_the_link_back(app: Flask, demo: dict[str, str]) -> None:
    (response_id,), token_hash = _prepare(app, demo["event_feedback"], respondents=1)
    with app.app_context():
        session = db.session()
        response = session.get(Response, response_id)
        assert response is not None
        response.status = "submitted"  # already sent: submit() will refuse
        session.commit()
        assert consume_invitation(session, token_hash)
        assert not journey.submit(session, response, questionnaire_for(response.wave.version))
    assert _outcome(app) == (1, 0)
