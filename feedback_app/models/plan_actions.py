"""The plan's status scheme, KPI status overrides, and the plan's actions.

An area's status scheme (BRAG, RAGP or its own) is a list of statuses, one per
colour, each with the area's label, meaning and what it counts as (complete, on
track, not due yet, or an exception that needs commentary). Actions of the plan
carry a status from that scheme, set by people with the date it was set, and keep
every change (see docs/adr/0026-plan-statuses-and-actions.md).

KPIs are referred to by their reference string ("KPI 4/1"), so these tables do not
depend on how the plan stores its KPIs.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow


class StatusScheme(Base):
    """An area's chosen status scheme: which preset it started from, and when changed."""

    __tablename__ = "status_scheme"

    area_id: Mapped[int] = mapped_column(
        ForeignKey("local_area.id", ondelete="CASCADE"), primary_key=True
    )
    #: The preset it was made from (None: the area's own from scratch).
    preset: Mapped[str | None] = mapped_column(String(40))
    #: True once the area changed the preset's words.
    edited: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    statuses: Mapped[list[SchemeStatus]] = relationship(
        order_by="SchemeStatus.position", cascade="all, delete-orphan"
    )


class SchemeStatus(Base):
    """One status of an area's scheme: a colour (its identity), label, meaning, kind."""

    __tablename__ = "scheme_status"
    __table_args__ = (UniqueConstraint("area_id", "colour", name="uq_scheme_status_area_colour"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("status_scheme.area_id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    #: One of ``status_rules.Colour``; unique in the scheme, so it names the status.
    colour: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(60))
    meaning: Mapped[str] = mapped_column(Text, default="")
    #: ``complete``, ``on_track``, ``not_due`` or ``exception``.
    kind: Mapped[str] = mapped_column(String(20))


class KpiStatusOverride(Base):
    """A person's override of a KPI's board status, with the reason; every one kept.

    The newest row for an area and KPI applies; a row with no colour ends the
    override (the derived status shows again).
    """

    __tablename__ = "kpi_status_override"
    __table_args__ = (Index("ix_kpi_status_override_area_kpi", "area_id", "kpi_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    kpi_reference: Mapped[str] = mapped_column(String(60))
    #: The scheme status's colour; None: override removed.
    colour: Mapped[str | None] = mapped_column(String(20))
    #: The status's label when it was set (kept if the scheme changes later).
    label: Mapped[str] = mapped_column(String(60), default="")
    reason: Mapped[str] = mapped_column(Text)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PlanAction(Base):
    """One action of the plan: what, who, with whom, evidence, linked KPIs, status."""

    __tablename__ = "plan_action"
    __table_args__ = (Index("ix_plan_action_area", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    #: The plan's reference for the action ("1.1.1"), optional.
    reference: Mapped[str] = mapped_column(String(30), default="")
    #: The priority or outcome it sits under.
    priority: Mapped[str] = mapped_column(String(300), default="")
    action: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    #: The action's deadline (the plan's "completion date"), if it has one.
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    #: Links to evidence (http/https addresses).
    evidence_links: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: KPI reference strings ("KPI 4/1").
    kpi_references: Mapped[list[str]] = mapped_column(JSON, default=list)
    #: Current status (a scheme colour), with its label and the day it was set.
    status_colour: Mapped[str | None] = mapped_column(String(20))
    status_label: Mapped[str] = mapped_column(String(60), default="")
    status_kind: Mapped[str] = mapped_column(String(20), default="")
    status_date: Mapped[dt.date | None] = mapped_column(Date)
    commentary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    milestones: Mapped[list[PlanMilestone]] = relationship(
        order_by="(PlanMilestone.due_on, PlanMilestone.id)", cascade="all, delete-orphan"
    )
    history: Mapped[list[PlanActionStatus]] = relationship(
        order_by="(PlanActionStatus.set_at.desc(), PlanActionStatus.id.desc())",
        cascade="all, delete-orphan",
    )


class PlanMilestone(Base):
    """A milestone of an action with its due date, and the day it was done."""

    __tablename__ = "plan_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)


class PlanActionStatus(Base):
    """One status change of an action: status, its date, commentary, who and when."""

    __tablename__ = "plan_action_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        ForeignKey("plan_action.id", ondelete="CASCADE"), index=True
    )
    colour: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    status_date: Mapped[dt.date] = mapped_column(Date)
    commentary: Mapped[str] = mapped_column(Text, default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    set_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
