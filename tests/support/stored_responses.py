"""What a respondent's journey left in the database: new responses and their answers,
and what they should hold for the answers given."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.models import Answer, Response, Wave
from surveys import AnswerValue, Questionnaire
from surveys.routing import on_path_answers


def last_response_id(app: Flask) -> int:
    """The newest response's id (0 when there is none): responses after it are new."""
    with app.app_context():
        return db.session().scalar(select(func.max(Response.id))) or 0


def responses_since(session: Session, slug: str, after_id: int) -> list[Response]:
    """The responses to wave ``slug`` made after response ``after_id``."""
    return list(
        session.scalars(
            select(Response)
            .join(Wave, Response.wave_id == Wave.id)
            .where(Wave.slug == slug, Response.id > after_id)
        )
    )


def stored_answers(session: Session, response: Response) -> dict[str, object]:
    """``response``'s answers as stored: question id to value."""
    rows = session.scalars(select(Answer).where(Answer.response_id == response.id))
    return {a.question_id: a.value for a in rows}


def expected_answers(
    questionnaire: Questionnaire, answers: Mapping[str, AnswerValue]
) -> dict[str, object]:
    """What should be stored for ``answers``: only those on the route they take, a
    multiple choice as a list."""
    return {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in on_path_answers(questionnaire, answers).items()
    }
