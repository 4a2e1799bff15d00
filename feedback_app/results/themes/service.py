"""Free-text results: themes per wave with change, sentiment, redacted quotes, and
officers' corrections of a comment's themes (which override the keyword coding).

Every figure comes from ``analysis.themes``; corrections are passed to it as
``overrides`` and are part of the cache key (``data.corrections_fingerprint``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

import analysis
from analysis import redact
from analysis.codeframe import Theme, load_codeframe
from feedback_app.definitions import questionnaire_for
from feedback_app.models import Answer, LocalArea, Response, ThemeCorrection, Wave, utcnow
from feedback_app.results import data
from feedback_app.results.compare.service import Shared, area_waves
from feedback_app.staff import audit
from feedback_app.translating.content_translation import content_gettext
from surveys import AnswerType

#: Comments listed per page on the correction page.
PER_PAGE = 25


def codeframe() -> tuple[Theme, ...]:
    """The codeframe themes are coded with (the default SEND codeframe)."""
    return load_codeframe()


def corrections(session: Session, waves: Sequence[Wave], question_id: str) -> dict[int, list[str]]:
    """response_id -> themes an officer gave its answer to ``question_id``."""
    rows = session.execute(
        select(Answer.response_id, ThemeCorrection.themes)
        .join(ThemeCorrection, ThemeCorrection.answer_id == Answer.id)
        .join(Response, Response.id == Answer.response_id)
        .where(*data.counted(w.id for w in waves), Answer.question_id == question_id)
    ).all()
    return {int(response_id): list(given or []) for response_id, given in rows}


def free_text(
    session: Session, area: LocalArea, first: Wave, second: Wave, shared: Shared
) -> list[Any]:
    """Per shared free-text question: the theme report of the two waves, as a dict."""
    waves = [first, second]
    labels = data.wave_labels(waves)

    def compute() -> list[dict[str, Any]]:
        found = []
        frame = data.wave_frame(session, waves, questions=[q.id for q in shared.free_text])
        for question in shared.free_text:
            report = analysis.to_dict(
                analysis.themes(
                    frame,
                    column=question.id,
                    waves=[labels[first.id], labels[second.id]],
                    overrides=corrections(session, waves, question.id),
                )
            )
            report["text"] = content_gettext(question.text)
            found.append(report)
        return found

    return data.cached(
        session,
        area,
        "compare-themes",
        {"first": first.id, "second": second.id},
        waves,
        compute,
        extra=data.corrections_fingerprint(session, waves),
    )


@dataclass(frozen=True)
class Comment:
    """One free-text answer as the correction page shows it (redacted)."""

    answer_id: int
    text: str
    automatic: tuple[str, ...]
    corrected: tuple[str, ...] | None


@dataclass(frozen=True)
class CommentPage:
    """One page of a wave's comments to one question."""

    wave: Wave
    question_id: str
    question_text: str
    comments: list[Comment]
    page: int
    pages: int
    total: int


def find_question(area: LocalArea, session: Session, wave_id: int, question_id: str) -> Any:
    """(wave, question) when ``wave_id`` is the area's and ``question_id`` is free text."""
    wave = next((w for w in area_waves(session, area) if w.id == wave_id), None)
    if wave is None:
        return None
    question = questionnaire_for(wave.version).question(question_id)
    if question is None or question.type is not AnswerType.TEXT:
        return None
    return wave, question


def comment_page(session: Session, wave: Wave, question_id: str, *, page: int) -> CommentPage:
    """The ``page``-th page of non-empty comments (oldest first), redacted and coded."""
    where = (*data.counted([wave.id]), Answer.question_id == question_id)
    total = (
        session.scalar(select(func.count()).select_from(Answer).join(Response).where(*where)) or 0
    )
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = session.execute(
        select(Answer.id, Answer.value, ThemeCorrection.themes)
        .join(Response, Response.id == Answer.response_id)
        .outerjoin(ThemeCorrection, ThemeCorrection.answer_id == Answer.id)
        .where(*where)
        .order_by(Answer.id)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    frame = codeframe()
    comments = [
        Comment(
            answer_id=answer_id,
            text=redact(data.as_text(value)),
            automatic=analysis.comment_themes(data.as_text(value), codeframe=frame),
            corrected=tuple(given) if given is not None else None,
        )
        for answer_id, value, given in rows
    ]
    question = questionnaire_for(wave.version).question(question_id)
    text = content_gettext(question.text) if question is not None else question_id
    return CommentPage(wave, question_id, text, comments, page, pages, total)


def correct_themes(
    session: Session, area: LocalArea, *, answer_id: int, given: Sequence[str], user_id: int
) -> tuple[Wave, str] | None:
    """Save an officer's themes for one free-text answer (one correction per answer).

    Returns the answer's wave and question, or None when the answer is not a counted
    free-text answer in ``area``. Raises ``ValueError`` for a theme not in the codeframe.
    """
    row = session.execute(
        select(Answer, Wave)
        .join(Response, Response.id == Answer.response_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(
            Answer.id == answer_id,
            Wave.area_id == area.id,
            Response.status == "submitted",
            Response.review != "excluded",
        )
    ).first()
    if row is None:
        return None
    answer, wave = row
    question = questionnaire_for(wave.version).question(answer.question_id)
    if question is None or question.type is not AnswerType.TEXT:
        return None
    known = [theme.theme for theme in codeframe()]
    if any(code not in known for code in given):
        raise ValueError("unknown theme")
    chosen = [code for code in known if code in set(given)]
    correction = session.scalar(
        select(ThemeCorrection).where(ThemeCorrection.answer_id == answer.id)
    )
    if correction is None:
        correction = ThemeCorrection(answer_id=answer.id)
        session.add(correction)
    correction.themes = chosen
    correction.author_id = user_id
    # A new time on every edit: the corrections fingerprint, and so the cache, moves on.
    correction.created_at = utcnow()
    audit.record(
        session,
        "theme_corrected",
        user_id=user_id,
        area_id=area.id,
        commit=False,
        answer_id=answer.id,
        question_id=answer.question_id,
        themes=chosen,
    )
    session.commit()
    return wave, answer.question_id
