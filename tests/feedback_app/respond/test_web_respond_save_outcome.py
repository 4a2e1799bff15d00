"""A page save says how it ended: saved (with the answers after it) or too many saves."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Answer
from feedback_app.respond import journey


def test_save_answers_upserts_removes_and_refuses_past_the_limit(
    app: Flask, demo: dict[str, str]
) -> None:
    with app.app_context():
        session = db.session()
        wave = journey.find_wave(session, demo["parent_annual"])
        assert wave is not None
        response = journey.start_response(session, wave, language="en")
        limit = journey.SaveLimit(saves=2, window=dt.timedelta(seconds=60))
        first = journey.save_answers(
            session, response, cleaned={"trust_confidence": "agree"}, language="en", limit=limit
        )
        assert first.status is journey.SaveStatus.SAVED
        assert first.answers == {"trust_confidence": "agree"}
        second = journey.save_answers(
            session,
            response,
            cleaned={"trust_confidence": "disagree", "plan_type": None},
            before=first.answers,
            language="en",
            limit=limit,
        )
        assert second.status is journey.SaveStatus.SAVED
        assert second.answers == {"trust_confidence": "disagree"}
        stored = session.execute(
            select(Answer.question_id, Answer.value).where(Answer.response_id == response.id)
        ).all()
        assert [tuple(row) for row in stored] == [("trust_confidence", "disagree")]
        third = journey.save_answers(
            session, response, cleaned={"trust_confidence": "agree"}, language="en", limit=limit
        )
        assert third.status is journey.SaveStatus.TOO_MANY_SAVES
        assert third.retry_after >= 1
        assert journey.saved_answers(session, response) == {"trust_confidence": "disagree"}
