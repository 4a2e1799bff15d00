"""Each area's own improvement plan, and every version of it (docs/adr/0025-area-plans.md).

The plan is one validated document in the plan file format (``surveys.kpis``:
header, KPIs, agreed baselines, staged targets, entered values), so the file an
officer imports, the row the board reads and each stored version are the same
shape and one parser checks them all. Every change writes a :class:`PlanRevision`
holding the whole plan after the change, who made it and when, so the plan as it
stood on any date is the newest revision made on or before that date, and the
change itself is the difference between a revision and the one before.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from feedback_app.models.base import Base, utcnow


class AreaPlan(Base):
    """An area's current plan: the document the board, pages and exports read."""

    __tablename__ = "area_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("local_area.id", ondelete="CASCADE"), unique=True
    )
    #: The plan in the file format, as JSON (``surveys.kpis.plan_data``).
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: 1 for the first version, +1 for each change.
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )


class PlanRevision(Base):
    """The whole plan as it stood after one change: who, when and what."""

    __tablename__ = "plan_revision"
    __table_args__ = (
        UniqueConstraint("area_id", "version", name="uq_plan_revision_area_id_version"),
        Index("ix_plan_revision_area_created", "area_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    version: Mapped[int]
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: What changed, in words ("Agreed baseline of KPI 4/1 set").
    summary: Mapped[str] = mapped_column(String(300))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
