"""Reading and changing an area's plan; every change is a new version, audited.

The plan is kept as the file format's data (``surveys.kpis.plan_data``) and read
back with the one parser (``surveys.kpis``), so whatever a page or an imported file
changes is checked by the same rules and problems are named the same way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import g, has_request_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import AreaPlan, LocalArea, PlanRevision, utcnow
from feedback_app.staff import audit
from surveys.kpis import (
    KpiBank,
    KpiDefinition,
    bundled_kpi_bank,
    empty_plan,
    kpi_bank_from_data,
    moved_plan,
    plan_data,
    plan_from_bank,
)
from surveys.library import plan_template
from surveys.problems import QuestionnaireError


def read_plan(document: dict[str, Any]) -> KpiBank:
    """A stored plan document as a plan (it was checked when it was saved)."""
    return kpi_bank_from_data(document, source="<plan>")


def area_plan(session: Session, area: LocalArea) -> KpiBank | None:
    """The area's current plan, or None when it has none (read once per request)."""
    row = session.scalar(select(AreaPlan).where(AreaPlan.area_id == area.id))
    if row is None:
        return None
    key = (area.id, row.version)
    memo: dict[tuple[int, int], KpiBank] = (
        g.setdefault("area_plans", {}) if has_request_context() else {}
    )
    if key not in memo:
        memo[key] = read_plan(row.document)
    return memo[key]


def plan_row(session: Session, area: LocalArea) -> AreaPlan | None:
    """The area's stored plan row (version, when and by whom it last changed)."""
    return session.scalar(select(AreaPlan).where(AreaPlan.area_id == area.id))


def save_plan(
    session: Session,
    area: LocalArea,
    plan: KpiBank,
    *,
    user_id: int | None,
    summary: str,
    action: str = "plan_changed",
    commit: bool = True,
) -> int:
    """Store ``plan`` as the area's new version; return the version number.

    The plan is checked again by the parser first (a page's change could break a
    rule only the whole plan shows, e.g. a KPI id used twice): on a problem
    ``QuestionnaireError`` is raised and nothing is written. The audit event names
    the version and which KPIs changed; the revision holds the whole plan after
    the change, so before and after are the two revisions.
    """
    data = plan_data(plan)
    read_plan(data)  # raises QuestionnaireError listing every problem
    row = plan_row(session, area)
    before = read_plan(row.document) if row is not None else None
    now = utcnow()
    if row is None:
        row = AreaPlan(area_id=area.id, document=data, version=1, updated_at=now)
        session.add(row)
    else:
        row.document = data
        row.version += 1
        row.updated_at = now
    row.updated_by_id = user_id
    session.add(
        PlanRevision(
            area_id=area.id,
            version=row.version,
            document=data,
            summary=summary[:300],
            author_id=user_id,
            created_at=now,
        )
    )
    audit.record(
        session,
        action,
        user_id=user_id,
        area_id=area.id,
        commit=commit,
        version=row.version,
        summary=summary[:300],
        changed=changed_kpis(before, plan),
    )
    return row.version


def changed_kpis(before: KpiBank | None, after: KpiBank) -> list[str]:
    """Ids of the KPIs added, removed or changed between two plans."""
    old = {k.id: k for k in before.kpis} if before else {}
    new = {k.id: k for k in after.kpis}
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


def revisions(session: Session, area: LocalArea) -> list[PlanRevision]:
    """Every version of the area's plan, newest first."""
    return list(
        session.scalars(
            select(PlanRevision)
            .where(PlanRevision.area_id == area.id)
            .order_by(PlanRevision.version.desc())
        )
    )


def plan_as_of(session: Session, area: LocalArea, moment: dt.datetime) -> PlanRevision | None:
    """The version of the plan that stood at ``moment`` (None: no plan yet)."""
    return session.scalar(
        select(PlanRevision)
        .where(PlanRevision.area_id == area.id, PlanRevision.created_at <= moment)
        .order_by(PlanRevision.version.desc())
        .limit(1)
    )


def replace_kpi(plan: KpiBank, kpi: KpiDefinition) -> KpiBank:
    """``plan`` with the KPI of the same id replaced by ``kpi`` (checked again)."""
    data = plan_data(plan)
    data["kpis"] = [plan_data_kpi(kpi) if item["id"] == kpi.id else item for item in data["kpis"]]
    return kpi_bank_from_data(data, source="<plan>")


def plan_data_kpi(kpi: KpiDefinition) -> dict[str, Any]:
    """One KPI as file data (what it says; nothing filled in by defaults)."""
    return kpi.model_dump(mode="json", exclude_unset=True)


def kpi_with(kpi: KpiDefinition, **changes: Any) -> KpiDefinition:
    """``kpi`` with some keys set (None removes a key), checked by the parser."""
    data = plan_data_kpi(kpi)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    bank = kpi_bank_from_data({"kpis": [data]}, source="<plan>")
    return bank.kpis[0]


__all__ = [
    "QuestionnaireError",
    "area_plan",
    "changed_kpis",
    "kpi_with",
    "plan_as_of",
    "plan_row",
    "read_plan",
    "replace_kpi",
    "revisions",
    "save_plan",
    "start_plan",
    "start_plan_from_bank",
]


def start_plan(
    session: Session,
    area: LocalArea,
    *,
    template: str | None,
    user_id: int | None,
    starts_on: dt.date | None = None,
    commit: bool = True,
) -> KpiBank:
    """Give ``area`` its first plan: empty, or a bundled template re-dated to start
    on ``starts_on`` (the template's own dates when None). KeyError: no such template."""
    title = f"{area.name} improvement plan"
    if template is None:
        plan = empty_plan(title, starts_on=starts_on)
        summary = "Plan started empty"
    else:
        plan = plan_template(template)
        if starts_on is not None:
            plan = moved_plan(plan, starts_on=starts_on, title=title)
        summary = f"Plan started from the template {template}"
    save_plan(
        session, area, plan, user_id=user_id, summary=summary, action="plan_started", commit=commit
    )
    return plan


def start_plan_from_bank(
    session: Session, area: LocalArea, *, baseline_date: dt.date | None = None, commit: bool = True
) -> KpiBank:
    """What upgrading gives an existing area (migration 0010): today's KPI bank with
    its recorded baselines agreed (for the command line and tests of older areas)."""
    plan = plan_from_bank(
        bundled_kpi_bank(), title=f"{area.name} improvement plan", baseline_date=baseline_date
    )
    save_plan(
        session, area, plan, user_id=None, summary="Plan made from the KPI bank",
        action="plan_started", commit=commit,
    )  # fmt: skip
    return plan
