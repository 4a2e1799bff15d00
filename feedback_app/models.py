"""Storage: SQLAlchemy 2.0 typed mappings. Schema changes go through Alembic.

Nothing here stores an IP address, a user agent or a name with an answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from feedback_app import local_days

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class LocalArea(Base):
    """A council and its NHS partners: the owner of surveys and their data."""

    __tablename__ = "local_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Header colour, e.g. "#1d70b8".
    colour: Mapped[str] = mapped_column(String(7), default="#1d70b8")
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/London")
    #: Locality options offered to respondents: [[code, label], ...].
    localities: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    #: Years answers are kept after a wave closes when the wave does not say.
    retention_years: Mapped[int | None]
    #: Officers' results settings: status (RAG) rules, the baseline wave, ...
    results_settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    waves: Mapped[list[Wave]] = relationship(back_populates="area")


class QuestionnaireVersion(Base):
    """An immutable snapshot of a questionnaire definition as published."""

    __tablename__ = "questionnaire_version"
    __table_args__ = (UniqueConstraint("area_id", "questionnaire_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id"))
    questionnaire_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    #: The definition exactly as answered (YAML text), with area options filled in.
    definition: Mapped[str] = mapped_column(Text)
    #: SHA-256 of ``definition``: the same text is never published twice.
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Wave(Base):
    """One run of a questionnaire version between open and close dates."""

    __tablename__ = "wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"))
    #: The public link: /s/<slug>. Unguessable enough not to be stumbled on.
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    opens_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime | None]
    #: Only people with a single-use invitation link may answer.
    invitation_only: Mapped[bool] = mapped_column(default=False)
    #: Years answers are kept after the wave closes (retention); None: the area's default.
    retention_years: Mapped[int | None]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    area: Mapped[LocalArea] = relationship(back_populates="waves")
    version: Mapped[QuestionnaireVersion] = relationship()
    #: Readable links the coordinator gave the wave, oldest first; all keep working.
    links: Mapped[list[WaveLink]] = relationship(
        order_by="WaveLink.id", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def link_name(self) -> str:
        """What follows /s/ in the link people are given: the newest readable link,
        else the wave's own slug (which always keeps working)."""
        return self.links[-1].name if self.links else self.slug

    @property
    def first_day(self) -> dt.date:
        """The day the wave opens, on the area's calendar."""
        return local_days.local_day(self.opens_at, self.area.timezone)

    @property
    def last_day(self) -> dt.date | None:
        """The last day people can answer, on the area's calendar (None: no end).

        ``closes_at`` is end-exclusive (the next local midnight, or the moment it was
        closed early): pages and posters show this day, never ``closes_at`` itself.
        """
        if self.closes_at is None:
            return None
        return local_days.last_day(self.closes_at, self.area.timezone)

    def is_scheduled(self, now: dt.datetime | None = None) -> bool:
        """True before the open date."""
        return _aware(self.opens_at) > (now or utcnow())

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """True between the open and close dates."""
        now = now or utcnow()
        opens = _aware(self.opens_at)
        closes = _aware(self.closes_at) if self.closes_at else None
        return opens <= now and (closes is None or now < closes)


class WaveLink(Base):
    """A readable, case-insensitive name for a wave's public link (/s/<name>).

    Stored in lower case. A wave can be given a new name; the older ones still
    open it, so posters already printed keep working.
    """

    __tablename__ = "wave_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


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
