"""Officers' results: KPI commentary, "you said, we did" actions, theme
corrections and cached analysis results.

Cached results hold figures only (never answers) and are keyed by a fingerprint
of the waves they came from, so a new or changed response makes a new key.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, utcnow


class KpiCommentary(Base):
    """An officer's commentary on one KPI; every edit is a new row (history kept)."""

    __tablename__ = "kpi_commentary"
    __table_args__ = (Index("ix_kpi_commentary_area_kpi", "area_id", "kpi_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    kpi_id: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AreaAction(Base):
    """A "you said, we did" action, linked to a KPI or a free-text theme."""

    __tablename__ = "area_action"
    __table_args__ = (Index("ix_area_action_area_date", "area_id", "action_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    kpi_id: Mapped[str | None] = mapped_column(String(60))
    theme: Mapped[str | None] = mapped_column(String(60))
    action_date: Mapped[dt.date] = mapped_column(Date)
    #: Shown on the public page only once published.
    published: Mapped[bool] = mapped_column(default=False)
    #: The plan's action this answers, if any (publishing stays a separate step).
    plan_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_action.id", ondelete="SET NULL"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ThemeCorrection(Base):
    """An officer's correction of the themes coded for one free-text answer."""

    __tablename__ = "theme_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("answer.id", ondelete="CASCADE"), unique=True)
    #: Theme codes from the codeframe; empty: no theme applies.
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class ResultCache(Base):
    """A computed analysis result (figures only), keyed by what it was computed from."""

    __tablename__ = "result_cache"

    #: SHA-256 of the kind of result, its parameters and the waves' fingerprints.
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
