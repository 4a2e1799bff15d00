"""Responses and their answers, online and keyed from paper.

Nothing here stores an IP address, a user agent or a name with an answer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow

if TYPE_CHECKING:
    from feedback_app.models.waves import (
        Wave,
    )


class Response(Base):
    """One person's answers to one wave: in progress, then submitted."""

    __tablename__ = "response"
    __table_args__ = (Index("ix_response_wave_status", "wave_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    #: SHA-256 of the random token held in the respondent's cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: SHA-256 of the short resume code, once one has been asked for.
    resume_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="in_progress")
    #: online, paper, imported.
    channel: Mapped[str] = mapped_column(String(20), default="online")
    language: Mapped[str] = mapped_column(String(10), default="en")
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    #: Why this response looks automated ({"honeypot": true, "fast_pages": 3});
    #: None when nothing was noticed. Officers review flagged responses.
    flags: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: "" (not reviewed), "kept" or "excluded" (left out of results).
    review: Mapped[str] = mapped_column(String(20), default="", server_default="")
    #: Answer-save rate limit: saves counted since the window started.
    rate_window_start: Mapped[dt.datetime | None]
    rate_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    wave: Mapped[Wave] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )

    @property
    def is_submitted(self) -> bool:
        """True once the respondent has sent their answers."""
        return self.status == "submitted"


class Answer(Base):
    """The answer to one question in one response (JSON-encoded value)."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(60))
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")


class PaperReturn(Base):
    """A paper questionnaire keyed in by staff: first keying, optional second
    keying by someone else, then accepted as a response (channel "paper")."""

    __tablename__ = "paper_return"
    __table_args__ = (UniqueConstraint("wave_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    #: The number written on the paper form, so a return is never keyed twice.
    reference: Mapped[str] = mapped_column(String(40))
    #: The language of the printed form that came back (its response is counted in it).
    language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    first_keying: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_keyed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    second_keying: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    second_keyed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    accepted_at: Mapped[dt.datetime | None]
