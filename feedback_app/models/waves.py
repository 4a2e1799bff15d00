"""Waves: one run of a questionnaire version, with its invitation links and the
population counts its reach is measured against.

Invitation links are deliberately not joined to responses: a link is used up
in the same transaction as a submission, but no response records which link.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, _aware, utcnow
from feedback_app.web import local_days

if TYPE_CHECKING:
    from feedback_app.models.areas import LocalArea
    from feedback_app.models.questionnaires import (
        QuestionnaireVersion,
    )


class _Zoned(Protocol):
    @property
    def timezone(self) -> str: ...


class _Dated(Protocol):
    @property
    def opens_at(self) -> dt.datetime: ...
    @property
    def closes_at(self) -> dt.datetime | None: ...
    @property
    def area(self) -> _Zoned: ...


class WaveCalendar:
    """A wave's calendar, written once for the mapped ``Wave`` and the journey's
    snapshot of one (``respond.public_wave.PublicWave``), so both answer alike."""

    __slots__ = ()

    @property
    def first_day(self: _Dated) -> dt.date:
        """The day the wave opens, on the area's calendar."""
        return local_days.local_day(self.opens_at, self.area.timezone)

    @property
    def last_day(self: _Dated) -> dt.date | None:
        """The last day people can answer, on the area's calendar (None: no end).

        ``closes_at`` is end-exclusive (the next local midnight, or the moment it was
        closed early): pages and posters show this day, never ``closes_at`` itself.
        """
        if self.closes_at is None:
            return None
        return local_days.last_day(self.closes_at, self.area.timezone)

    def is_scheduled(self: _Dated, now: dt.datetime | None = None) -> bool:
        """True before the open date."""
        return _aware(self.opens_at) > (now or utcnow())

    def is_open(self: _Dated, now: dt.datetime | None = None) -> bool:
        """True between the open and close dates."""
        now = now or utcnow()
        closes = _aware(self.closes_at) if self.closes_at else None
        return _aware(self.opens_at) <= now and (closes is None or now < closes)


class Wave(WaveCalendar, Base):
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


class InvitationBatch(Base):
    """A set of single-use invitation links made for one wave."""

    __tablename__ = "invitation_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Invitation(Base):
    """One single-use link. Only the token's hash is kept, after the CSV download."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("invitation_batch.id", ondelete="CASCADE"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[dt.datetime | None]


class PopulationCount(Base):
    """How many families are in a group (e.g. plan_type = ehcp: 2,140), entered by
    coordinators, to show reach and under-represented groups."""

    __tablename__ = "population_count"
    __table_args__ = (UniqueConstraint("area_id", "question_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(60))
    category: Mapped[str] = mapped_column(String(60))
    population: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class MonitoredQuestion(Base):
    """A closed question the coordinator chose to monitor reach by while a wave runs
    (the area's own "hard to reach" groups: milestone, role, setting ...).

    A wave with none monitors the usual context questions
    (``monitor.view_model.GROUP_QUESTIONS``).
    """

    __tablename__ = "monitored_question"
    __table_args__ = (UniqueConstraint("wave_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
