"""Staff pages of the plan's actions: the tracker with its filters, what changed since
the last board, an action with its milestones and status history, and the forms to
add and change them. Everyone in the workspace reads; officers and administrators
change. Views stay thin: form, service call, redirect or render."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea, PlanAction
from feedback_app.plan.actions import service
from feedback_app.plan.actions.forms import (
    FilterForm,
    MilestoneForm,
    PlanActionForm,
    SinceForm,
    StatusForm,
)
from feedback_app.plan.actions.tracker import (
    TrackerSummary,
    is_exception,
    is_overdue,
    matches,
    overdue_dates,
    tracker_summary,
)
from feedback_app.plan.statuses.service import area_scheme, emails, plan_kpis
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission

bp = Blueprint("plan_actions", __name__, url_prefix="/staff")

ACTION = "/<area_slug>/plan/actions/<int:plan_action_id>"
MILESTONE = ACTION + "/milestones/<int:milestone_id>"


def _action(area: LocalArea, plan_action_id: int) -> PlanAction:
    action = service.find_action(db.session(), area, plan_action_id)
    if action is None:
        abort(404)
    return action


@bp.get("/<area_slug>/plan/actions")
@requires(Permission.VIEW_WORKSPACE)
def index(area: LocalArea) -> tuple[str, int]:
    session = db.session()
    scheme = area_scheme(session, area)
    form = FilterForm(formdata=request.args or None, scheme=scheme)
    valid = form.validate() if request.args else True
    today = service.today_in(area)
    actions = service.area_actions(session, area)
    shown = [a for a in actions if matches(a, form.chosen(), today=today)] if valid else []
    page = render_template(
        "staff/plan/actions/index.html",
        area=area,
        form=form,
        scheme=scheme,
        actions=shown,
        total=len(actions),
        today=today,
        is_overdue=is_overdue,
        is_exception=is_exception,
        overdue_dates=overdue_dates,
        summary=tracker_summary(actions, scheme, today=today),
    )
    return page, 200 if valid else 400


@bp.get("/<area_slug>/plan/actions/changes")
@requires(Permission.VIEW_WORKSPACE)
def changes(area: LocalArea) -> tuple[str, int]:
    session = db.session()
    today = service.today_in(area)
    last_board = service.last_board_date(session, area)
    form = SinceForm(formdata=request.args or None)
    valid = form.validate() if request.args else True
    since = (form.since.data if valid else None) or service.default_since(
        session, area, today=today
    )
    if valid and not request.args:
        form.since.day, form.since.month, form.since.year = (
            str(since.day),
            str(since.month),
            str(since.year),
        )
    found = service.changes_since(session, area, since) if valid else []
    people = emails(session, {c.status.set_by_id for c in found if c.status and c.status.set_by_id})
    page = render_template(
        "staff/plan/actions/changes.html",
        area=area,
        form=form,
        since=since,
        last_board=last_board,
        changes=found,
        people=people,
    )
    return page, 200 if valid else 400


def _form_page(area: LocalArea, form: PlanActionForm, action: PlanAction | None) -> tuple[str, int]:
    page = render_template("staff/plan/actions/form.html", area=area, form=form, action=action)
    return page, 400 if form.errors else 200


@bp.route("/<area_slug>/plan/actions/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def new(area: LocalArea) -> HttpResponse | tuple[str, int]:
    form = PlanActionForm(kpis=plan_kpis(area))
    if form.validate_on_submit():
        action = service.create_action(
            db.session(), area, form.action_input(), user_id=g.staff_user.id
        )
        flash(gettext("Action added. Set its status when there is one to report"))
        return redirect(url_for(".show", area_slug=area.slug, plan_action_id=action.id))
    if form.is_submitted() and not form.errors:
        abort(400)
    return _form_page(area, form, None)


@bp.get(ACTION)
@requires(Permission.VIEW_WORKSPACE)
def show(area: LocalArea, plan_action_id: int) -> tuple[str, int]:
    return _show_page(area, _action(area, plan_action_id), MilestoneForm())


def _show_page(
    area: LocalArea, action: PlanAction, milestone_form: MilestoneForm
) -> tuple[str, int]:
    session = db.session()
    today = service.today_in(area)
    people = emails(session, {h.set_by_id for h in action.history if h.set_by_id})
    page = render_template(
        "staff/plan/actions/show.html",
        area=area,
        action=action,
        scheme=area_scheme(session, area),
        milestone_form=milestone_form,
        action_form=FlaskForm(),
        people=people,
        today=today,
        overdue=overdue_dates(action, today),
        entries=service.linked_entries(session, action),
        kpis=dict(plan_kpis(area)),
    )
    return page, 400 if milestone_form.errors else 200


@bp.route(ACTION + "/edit", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def edit(area: LocalArea, plan_action_id: int) -> HttpResponse | tuple[str, int]:
    action = _action(area, plan_action_id)
    form = PlanActionForm(kpis=plan_kpis(area))
    if form.validate_on_submit():
        service.update_action(db.session(), action, form.action_input(), user_id=g.staff_user.id)
        flash(gettext("Action changed"))
        return redirect(url_for(".show", area_slug=area.slug, plan_action_id=action.id))
    if form.is_submitted() and not form.errors:
        abort(400)
    if not form.is_submitted():
        form.fill_from(action)
    return _form_page(area, form, action)


@bp.route(ACTION + "/status", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def status(area: LocalArea, plan_action_id: int) -> HttpResponse | tuple[str, int]:
    session = db.session()
    action = _action(area, plan_action_id)
    scheme = area_scheme(session, area)
    form = StatusForm(scheme=scheme)
    if form.validate_on_submit():
        chosen = form.chosen()
        assert chosen is not None and form.status_date.data is not None  # validated
        service.set_status(
            session,
            action,
            chosen,
            status_date=form.status_date.data,
            commentary=form.commentary.data or "",
            user_id=g.staff_user.id,
        )
        flash(gettext("Status set to %(status)s", status=chosen.label))
        return redirect(url_for(".show", area_slug=area.slug, plan_action_id=action.id))
    if form.is_submitted() and not form.errors:
        abort(400)
    if not form.is_submitted():
        today = service.today_in(area)
        form.status.data = action.status_colour if scheme.get(action.status_colour) else None
        form.status_date.day, form.status_date.month = str(today.day), str(today.month)
        form.status_date.year = str(today.year)
        form.commentary.data = action.commentary
    page = render_template(
        "staff/plan/actions/status.html", area=area, action=action, form=form, scheme=scheme
    )
    return page, 400 if form.errors else 200


@bp.post(ACTION + "/milestones")
@requires(Permission.MANAGE_RESULTS)
def add_milestone(area: LocalArea, plan_action_id: int) -> HttpResponse | tuple[str, int]:
    action = _action(area, plan_action_id)
    form = MilestoneForm()
    if not form.validate_on_submit():
        if not form.errors:
            abort(400)
        return _show_page(area, action, form)
    assert form.due_on.data is not None  # validated
    service.add_milestone(
        db.session(),
        action,
        title=form.title.data or "",
        due_on=form.due_on.data,
        user_id=g.staff_user.id,
    )
    flash(gettext("Milestone added"))
    return redirect(url_for(".show", area_slug=area.slug, plan_action_id=action.id) + "#milestones")


def _milestone(area: LocalArea, plan_action_id: int, milestone_id: int):  # type: ignore[no-untyped-def]
    action = _action(area, plan_action_id)
    milestone = service.find_milestone(action, milestone_id)
    if milestone is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    return action, milestone


@bp.post(MILESTONE + "/done")
@requires(Permission.MANAGE_RESULTS)
def milestone_done(area: LocalArea, plan_action_id: int, milestone_id: int) -> HttpResponse:
    action, milestone = _milestone(area, plan_action_id, milestone_id)
    service.mark_done(
        db.session(), action, milestone, on=service.today_in(area), user_id=g.staff_user.id
    )
    flash(gettext("Milestone marked done") if milestone.done_on else gettext("Milestone reopened"))
    return redirect(url_for(".show", area_slug=area.slug, plan_action_id=action.id) + "#milestones")


@bp.post(MILESTONE + "/delete")
@requires(Permission.MANAGE_RESULTS)
def milestone_delete(area: LocalArea, plan_action_id: int, milestone_id: int) -> HttpResponse:
    action, milestone = _milestone(area, plan_action_id, milestone_id)
    service.remove_milestone(db.session(), action, milestone, user_id=g.staff_user.id)
    flash(gettext("Milestone removed"))
    return redirect(url_for(".show", area_slug=area.slug, plan_action_id=action.id) + "#milestones")


@bp.app_template_global()
def plan_tracker_summary(area: LocalArea) -> TrackerSummary:
    """The action tracker summary, for the board report's block."""
    return service.area_tracker_summary(db.session(), area)
