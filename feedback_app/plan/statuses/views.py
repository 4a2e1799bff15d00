"""Staff pages of the status scheme: see it (everyone in the workspace), choose a
preset or edit it (officers and administrators), and override a KPI's status."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea
from feedback_app.plan.statuses import service
from feedback_app.plan.statuses.forms import (
    END_OVERRIDE,
    OverrideForm,
    PresetForm,
    scheme_form,
    statuses_from_form,
)
from feedback_app.plan.statuses.schemes import KIND_NAMES, Scheme, preset, presets
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission

bp = Blueprint("plan_statuses", __name__, url_prefix="/staff")


@bp.get("/<area_slug>/plan/statuses")
@requires(Permission.VIEW_WORKSPACE)
def index(area: LocalArea) -> str:
    return _index_page(area, PresetForm())[0]


def _index_page(area: LocalArea, form: PresetForm) -> tuple[str, int]:
    scheme = service.area_scheme(db.session(), area)
    page = render_template(
        "staff/plan/statuses.html",
        area=area,
        scheme=scheme,
        presets=presets(),
        kind_names=KIND_NAMES,
        form=form,
    )
    return page, 400 if form.errors else 200


@bp.post("/<area_slug>/plan/statuses/preset")
@requires(Permission.MANAGE_RESULTS)
def choose_preset(area: LocalArea) -> HttpResponse | tuple[str, int]:
    form = PresetForm()
    if not form.validate_on_submit():
        if not form.errors:
            abort(400)
        return _index_page(area, form)
    chosen = preset(form.preset.data or "")
    assert chosen is not None  # the field only accepts the presets' ids
    service.save_scheme(
        db.session(),
        area,
        chosen.scheme.statuses,
        preset=chosen.id,
        edited=False,
        user_id=g.staff_user.id,
    )
    flash(gettext("Status scheme set to %(name)s", name=chosen.name))
    return redirect(url_for(".index", area_slug=area.slug))


@bp.route("/<area_slug>/plan/statuses/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def edit(area: LocalArea) -> HttpResponse | tuple[str, int]:
    session = db.session()
    scheme = service.area_scheme(session, area)
    form = scheme_form(scheme, formdata=request.form or None)
    if request.method == "POST":
        if not form.validate_on_submit():
            if not form.errors:
                abort(400)
        else:
            statuses = statuses_from_form(form)
            if statuses is not None:
                service.save_scheme(
                    session,
                    area,
                    statuses,
                    preset=scheme.preset,
                    edited=True,
                    user_id=g.staff_user.id,
                )
                flash(gettext("Status scheme saved"))
                return redirect(url_for(".index", area_slug=area.slug))
    page = render_template(
        "staff/plan/statuses_edit.html", area=area, form=form, rows=len(scheme.statuses)
    )
    return page, 400 if form.errors else 200


@bp.route("/<area_slug>/plan/kpi-status", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def kpi_status(area: LocalArea) -> HttpResponse | tuple[str, int]:
    """Override a KPI's status, or end its override; the overrides now and before."""
    session = db.session()
    scheme = service.area_scheme(session, area)
    kpis = service.plan_kpis(area)
    form = OverrideForm(kpis=kpis, scheme=scheme, data={"kpi": request.args.get("kpi", "")})
    if request.method == "POST":
        if form.validate_on_submit():
            return _save_override(area, form, scheme)
        if not form.errors:
            abort(400)
    history = service.override_history(session, area)
    people = service.emails(session, {row.set_by_id for row in history if row.set_by_id})
    page = render_template(
        "staff/plan/kpi_status.html",
        area=area,
        form=form,
        current=service.current_overrides(session, area),
        history=history,
        people=people,
        scheme=scheme,
    )
    return page, 400 if form.errors else 200


def _save_override(area: LocalArea, form: OverrideForm, scheme: Scheme) -> HttpResponse:
    """Set the status chosen (or end the override), say so, and show the page again."""
    status = None if form.status.data == END_OVERRIDE else scheme.get(form.status.data)
    reference = form.kpi.data or ""
    service.set_override(
        db.session(),
        area,
        kpi_reference=reference,
        status=status,
        reason=form.reason.data or "",
        user_id=g.staff_user.id,
    )
    flash(
        gettext("Status of %(kpi)s overridden", kpi=reference)
        if status
        else gettext("Override of %(kpi)s ended", kpi=reference)
    )
    return redirect(url_for(".kpi_status", area_slug=area.slug))
