"""Staff workspace: sign in and out, the area home, people and invitations, audit log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import accounts, audit, db, journey
from feedback_app.models import LocalArea, Wave
from feedback_app.roles import ROLE_NAMES, Permission, Role, allows
from feedback_app.staff.auth import current_user, memberships, requires, sign_in, sign_out
from feedback_app.staff.forms import InviteForm, SetPasswordForm, SignInForm
from feedback_app.staff_models import AuditEvent, Membership, StaffUser

bp = Blueprint("staff", __name__, url_prefix="/staff")


@bp.app_context_processor
def staff_context() -> dict[str, object]:
    return {"role_names": ROLE_NAMES, "allows": allows, "Permission": Permission}


def _safe_next(target: str | None) -> str | None:
    # Only local paths: never send someone to another site after signing in.
    if target and target.startswith("/staff/") and not target.startswith("//"):
        return target
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | HttpResponse | tuple[str, int] | tuple[str, int, dict[str, str]]:
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        email = form.email.data or ""
        if accounts.is_throttled(db.session(), email):
            audit.record(db.session(), "login_throttled")
            # The page says how long; Retry-After says it to machines (at most the window).
            wait = str(int(accounts.THROTTLE_WINDOW.total_seconds()))
            return render_template("staff/throttled.html"), 429, {"Retry-After": wait}
        user = accounts.authenticate(db.session(), email, form.password.data or "")
        if user is None:
            audit.record(db.session(), "login_failed")
            error = gettext("Enter a correct email address and password")
        else:
            audit.record(db.session(), "login", user_id=user.id)
            sign_in(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("staff.home"))
    status = 400 if (form.errors or error) else 200
    timed_out = request.args.get("timeout") == "1"
    return (
        render_template("staff/login.html", form=form, error=error, timed_out=timed_out),
        status,
    )


@bp.post("/logout")
def logout() -> HttpResponse:
    if not FlaskForm().validate_on_submit():
        abort(400)
    sign_out()
    flash(gettext("You have signed out"))
    return redirect(url_for("staff.login"))


@bp.get("/")
def home() -> str | HttpResponse:
    user = current_user()
    if user is None:
        timeout = "1" if g.get("staff_timed_out") else None
        return redirect(url_for("staff.login", timeout=timeout))
    roles = memberships(user)
    if len(roles) == 1:
        return redirect(url_for("staff.area_home", area_slug=roles[0].area.slug))
    return render_template("staff/choose_area.html", memberships=roles, user=user)


@bp.get("/<area_slug>/")
@requires(Permission.VIEW_WORKSPACE)
def area_home(area: LocalArea) -> str:
    waves = (
        db.session()
        .scalars(select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at.desc()))
        .all()
    )
    counts = journey.submitted_counts(db.session(), waves)
    return render_template(
        "staff/area_home.html", area=area, waves=waves, counts=counts, user=current_user()
    )


@bp.route("/<area_slug>/people", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def people(area: LocalArea) -> str | tuple[str, int]:
    form = InviteForm()
    link = None
    if form.validate_on_submit():
        try:
            token = accounts.issue_link(
                db.session(),
                purpose="invite",
                area=area,
                email=form.email.data or "",
                role=Role(form.role.data),
                created_by=current_user(),
            )
        except (accounts.AccountError, ValueError):
            form.email.errors = [
                gettext("Enter an email address in the correct format, like name@example.org")
            ]
        else:
            audit.record(
                db.session(),
                "invite",
                user_id=g.staff_user.id,
                area_id=area.id,
                commit=False,
                role=form.role.data,
            )
            db.session().commit()
            link = url_for("staff.use_link", token=token, _external=True)
    rows = (
        db.session()
        .execute(
            select(StaffUser, Membership)
            .join(Membership, Membership.user_id == StaffUser.id)
            .where(Membership.area_id == area.id)
            .order_by(StaffUser.email)
        )
        .all()
    )
    status = 400 if form.errors else 200
    return (
        render_template("staff/people.html", area=area, form=form, rows=rows, link=link),
        status,
    )


@bp.post("/<area_slug>/people/<int:user_id>/reset")
@requires(Permission.MANAGE_USERS)
def reset_password(area: LocalArea, user_id: int) -> str:
    if not FlaskForm().validate_on_submit():
        abort(400)
    membership = db.session().scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.area_id == area.id)
    )
    if membership is None:
        abort(404)
    token = accounts.issue_link(
        db.session(),
        purpose="reset",
        area=area,
        email=membership.user.email,
        role=None,
        created_by=current_user(),
    )
    audit.record(
        db.session(),
        "password_reset_link",
        user_id=g.staff_user.id,
        area_id=area.id,
        commit=False,
        for_user=user_id,
    )
    db.session().commit()
    link = url_for("staff.use_link", token=token, _external=True)
    return render_template(
        "staff/reset_link.html", area=area, link=link, email=membership.user.email
    )


@bp.route("/link/<token>", methods=["GET", "POST"])
def use_link(token: str) -> str | HttpResponse | tuple[str, int]:
    found = accounts.find_link(db.session(), token[:100])
    if found is None:
        return render_template("staff/link_used.html"), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.use_link(db.session(), token, password=form.password.data or "")
        except accounts.AccountError as error:
            form.password.errors = [gettext(str(error))]
        else:
            audit.record(
                db.session(), "password_set", user_id=user.id, area_id=found.area.id, commit=False
            )
            db.session().commit()
            sign_in(user)
            return redirect(url_for("staff.area_home", area_slug=found.area.slug))
    status = 400 if form.errors else 200
    return render_template("staff/set_password.html", form=form, found=found), status


@bp.get("/<area_slug>/audit")
@requires(Permission.VIEW_AUDIT)
def audit_log(area: LocalArea) -> str:
    events = (
        db.session()
        .execute(
            select(AuditEvent, StaffUser.email)
            .outerjoin(StaffUser, StaffUser.id == AuditEvent.user_id)
            .where(
                (AuditEvent.area_id == area.id)
                | (
                    AuditEvent.area_id.is_(None)
                    & AuditEvent.user_id.in_(
                        select(Membership.user_id).where(Membership.area_id == area.id)
                    )
                )
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(500)
        )
        .all()
    )
    return render_template("staff/audit.html", area=area, events=events)
