"""Staff pages to write and publish "you said, we did" actions, and the public page
per area (no sign-in) that shows the published ones with the headline KPI results.
Views stay thin: form, service call, redirect or render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.actions import service
from feedback_app.actions.figures import public_figures
from feedback_app.actions.forms import ActionForm
from feedback_app.models import AreaAction, LocalArea
from feedback_app.plan.actions.service import action_choices
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission

bp = Blueprint("actions", __name__, url_prefix="/staff")
public_bp = Blueprint("actions_public", __name__)

ACTION = "/<area_slug>/actions/<int:action_id>"


def _action(area: LocalArea, action_id: int) -> AreaAction:
    action = service.find_action(db.session(), area, action_id)
    if action is None:
        abort(404)
    return action


def _form_page(area: LocalArea, form: ActionForm, action: AreaAction | None) -> tuple[str, int]:
    page = render_template("staff/actions/form.html", area=area, form=form, action=action)
    return page, 400 if form.errors else 200


@bp.get("/<area_slug>/actions")
@requires(Permission.PUBLISH_ACTIONS)
def index(area: LocalArea) -> str:
    return render_template(
        "staff/actions/index.html",
        area=area,
        actions=service.area_actions(db.session(), area),
        kpi_label=service.kpi_label,
        theme_label=service.theme_label,
        form=FlaskForm(),
    )


@bp.route("/<area_slug>/actions/new", methods=["GET", "POST"])
@requires(Permission.PUBLISH_ACTIONS)
def new(area: LocalArea) -> HttpResponse | tuple[str, int]:
    form = ActionForm(plan_actions=action_choices(db.session(), area))
    if form.validate_on_submit():
        service.create_action(db.session(), area, form.action_input(), user_id=g.staff_user.id)
        flash(gettext("Action saved. It is not public until you publish it"))
        return redirect(url_for(".index", area_slug=area.slug))
    return _form_page(area, form, None)


@bp.route(ACTION + "/edit", methods=["GET", "POST"])
@requires(Permission.PUBLISH_ACTIONS)
def edit(area: LocalArea, action_id: int) -> HttpResponse | tuple[str, int]:
    action = _action(area, action_id)
    form = ActionForm(plan_actions=action_choices(db.session(), area))
    if form.validate_on_submit():
        service.update_action(db.session(), action, form.action_input(), user_id=g.staff_user.id)
        flash(gettext("Action changed"))
        return redirect(url_for(".index", area_slug=area.slug))
    if not form.is_submitted():
        form.fill_from(action)
    return _form_page(area, form, action)


def _publish(area: LocalArea, action_id: int, published: bool) -> HttpResponse:
    action = _action(area, action_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    service.set_published(db.session(), action, published, user_id=g.staff_user.id)
    flash(gettext("Action published") if published else gettext("Action unpublished"))
    return redirect(url_for(".index", area_slug=area.slug))


@bp.post(ACTION + "/publish")
@requires(Permission.PUBLISH_ACTIONS)
def publish(area: LocalArea, action_id: int) -> HttpResponse:
    return _publish(area, action_id, True)


@bp.post(ACTION + "/unpublish")
@requires(Permission.PUBLISH_ACTIONS)
def unpublish(area: LocalArea, action_id: int) -> HttpResponse:
    return _publish(area, action_id, False)


@bp.route(ACTION + "/delete", methods=["GET", "POST"])
@requires(Permission.PUBLISH_ACTIONS)
def delete(area: LocalArea, action_id: int) -> str | HttpResponse:
    action = _action(area, action_id)
    form = FlaskForm()
    if form.is_submitted():
        if not form.validate():
            abort(400)
        service.delete_action(db.session(), action, user_id=g.staff_user.id)
        flash(gettext("Action deleted"))
        return redirect(url_for(".index", area_slug=area.slug))
    return render_template(
        "staff/actions/delete.html",
        area=area,
        action=action,
        form=form,
        kpi_label=service.kpi_label,
        theme_label=service.theme_label,
    )


@public_bp.get("/a/<area_slug>/you-said-we-did")
def you_said_we_did(area_slug: str) -> str:
    session = db.session()
    area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    if area is None:
        abort(404)
    return render_template(
        "public/you_said_we_did.html",
        area=area,
        figures=public_figures(session, area),
        groups=service.group_actions(service.published_actions(session, area)),
        english_theme=service.theme_label,
        kpi_question=service.kpi_question,
    )
