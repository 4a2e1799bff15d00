"""Imported baselines and uploads waiting for their column mapping."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, utcnow


class BaselineImport(Base):
    """A CSV of responses collected elsewhere, imported as a wave."""

    __tablename__ = "baseline_import"
    __table_args__ = (UniqueConstraint("area_id", "file_sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    #: SHA-256 of the uploaded bytes: the same file is never imported twice.
    file_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    rows: Mapped[int] = mapped_column(Integer)
    #: Column -> question id, and answer text -> option code, as confirmed.
    mapping: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PendingImport(Base):
    """An uploaded CSV between the import steps, with the choices made so far.

    Kept in the database, not on one server's disk, so any instance behind a
    load balancer can carry on the import. Deleted after the import, when
    discarded, and a day after upload.
    """

    __tablename__ = "pending_import"

    #: Random, unguessable; the browser holds it inside a signed token.
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    state: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
