"""The plan pages' lookups: the area's plan, one of its KPIs, a numbered entry of a KPI
to remove.

Each answers 404 when what the address names is not there, so the plan, benchmark
and value views share one rule for a missing plan, KPI, target or benchmark (and a
removal one rule for its confirmation).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from flask import abort

from feedback_app import db
from feedback_app.models import LocalArea
from feedback_app.plan import service
from feedback_app.plan.forms import ConfirmForm
from surveys.kpis import KpiBank, KpiDefinition


def plan_or_404(area: LocalArea) -> KpiBank:
    """The area's current plan; 404 when the area has none."""
    plan = service.area_plan(db.session(), area)
    if plan is None:
        abort(404)
    return plan


def kpi_or_404(plan: KpiBank, kpi_id: str) -> KpiDefinition:
    """The plan's KPI ``kpi_id``; 404 when the plan has no such KPI."""
    kpi = plan.get(kpi_id)
    if kpi is None:
        abort(404)
    return kpi


def plan_kpi_or_404(area: LocalArea, kpi_id: str) -> tuple[KpiBank, KpiDefinition]:
    """The area's plan and its KPI ``kpi_id``; 404 when either is missing."""
    plan = plan_or_404(area)
    return plan, kpi_or_404(plan, kpi_id)


def entered_kpi_or_404(area: LocalArea, kpi_id: str) -> tuple[KpiBank, KpiDefinition]:
    """As ``plan_kpi_or_404``, and 404 too when the KPI's values are not entered by hand."""
    plan, kpi = plan_kpi_or_404(area, kpi_id)
    if kpi.kind != "entered":
        abort(404)
    return plan, kpi


def removal_or_404(
    area: LocalArea,
    kpi_id: str,
    number: int,
    entries: Callable[[KpiDefinition], Sequence[object]],
) -> tuple[KpiBank, KpiDefinition]:
    """The plan and KPI of a confirmed request to remove the KPI's entry ``number``
    (counted from 1) of ``entries(kpi)``: 404 when the plan, KPI or entry is missing,
    400 when the confirmation form does not validate."""
    plan, kpi = plan_kpi_or_404(area, kpi_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not 1 <= number <= len(entries(kpi)):
        abort(404)
    return plan, kpi
