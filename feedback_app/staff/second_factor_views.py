"""Two-step sign-in pages (ADR 0038): the code after the password, a recovery code
instead, setting it up, turning it off, and an administrator's reset of someone's."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea, Membership, StaffUser
from feedback_app.staff import accounts, audit, second_factor
from feedback_app.staff.auth import (
    current_user,
    finish_second_step,
    pending_user,
    requires,
    timeout_reason,
)
from feedback_app.staff.forms import CodeForm, RecoveryCodeForm
from feedback_app.staff.roles import Permission
from feedback_app.web import throttle

bp = Blueprint("two_step", __name__, url_prefix="/staff")

#: The signed cookie key of a secret being set up (shown on the page anyway).
_SETUP_KEY = "staff_totp_setup"

Page = str | tuple[str, int] | tuple[str, int, dict[str, str]] | HttpResponse


def _keys(user: StaffUser) -> list[throttle.Key]:
    return second_factor.code_keys(
        user_id=user.id, client=throttle.client_address(), secret=throttle.app_secret()
    )


def _throttled(user: StaffUser, wait: int) -> tuple[str, int, dict[str, str]]:
    db.begin_write(db.session())
    audit.record_for_account(db.session(), "login_code_throttled", user_id=user.id)
    minutes = max(1, -(-wait // 60))
    return (
        render_template("staff/two_step/throttled.html", minutes=minutes),
        429,
        {"Retry-After": str(wait)},
    )


def _csrf_checked() -> None:
    """A POST with a missing or wrong CSRF token is a 400, whatever else is wrong."""
    if request.method == "POST" and not FlaskForm().validate_on_submit():
        abort(400)


def _second_step(*, recovery: bool) -> Page:
    _csrf_checked()
    user, expired = pending_user()
    if user is None:
        return redirect(url_for("staff.login", timeout="code" if expired else None))
    form = RecoveryCodeForm() if recovery else CodeForm()
    if form.validate_on_submit():
        keys = _keys(user)
        if wait := throttle.wait_seconds(db.session(), keys):
            return _throttled(user, wait)
        db.begin_write(db.session())
        code = form.code.data or ""
        checked = (
            second_factor.use_recovery_code(db.session(), user, code)
            if recovery
            else second_factor.check_code(db.session(), user, code)
        )
        if checked is second_factor.Checked.OK:
            throttle.clear(db.session(), [k for k in keys if k.scope == "code_pair"])
            left = second_factor.recovery_codes_left(db.session(), user) if recovery else None
            audit.record(
                db.session(),
                "login",
                user_id=user.id,
                commit=False,
                second_factor="recovery_code" if recovery else "code",
                **({"recovery_codes_left": left} if recovery else {}),
            )
            next_path = finish_second_step(user)
            if recovery:
                flash(
                    gettext(
                        "You signed in with a recovery code. You have %(num)d left:"
                        " each works once.",
                        num=left,
                    )
                )
            return redirect(next_path or url_for("staff.home"))
        throttle.note_failure(db.session(), keys)
        audit.record_for_account(
            db.session(),
            "login_code_failed",
            user_id=user.id,
            kind="recovery_code" if recovery else "code",
            reason=checked.value,
        )
        if checked is second_factor.Checked.REPLAYED:
            form.code.errors = [
                gettext("That recovery code has already been used. Enter another one.")
                if recovery
                else gettext(
                    "That code has already been used. Wait for your app to show a new one."
                )
            ]
        else:
            form.code.errors = [
                gettext("Enter a recovery code you have not used yet")
                if recovery
                else gettext("Enter the code your app shows now")
            ]
    template = "staff/two_step/recovery.html" if recovery else "staff/two_step/code.html"
    return render_template(template, form=form), 400 if form.errors else 200


@bp.route("/login/code", methods=["GET", "POST"])
@db.reads_first
def code() -> Page:
    return _second_step(recovery=False)


@bp.route("/login/recovery-code", methods=["GET", "POST"])
@db.reads_first
def recovery() -> Page:
    return _second_step(recovery=True)


def _signed_in() -> StaffUser | HttpResponse:
    user = current_user()
    if user is None:
        return redirect(url_for("staff.login", next=request.path, timeout=timeout_reason()))
    return user


def _is_password_session() -> bool:
    return g.get("staff_session_method", "password") == "password"


@bp.get("/account/two-step")
def manage() -> Page:
    user = _signed_in()
    if isinstance(user, HttpResponse):
        return user
    return _manage_page(user, CodeForm())


def _issuer() -> str:
    return str(current_app.config.get("TOTP_ISSUER") or gettext("SEND feedback workspace"))


@bp.route("/account/two-step/set-up", methods=["GET", "POST"])
def set_up() -> Page:
    user = _signed_in()
    if isinstance(user, HttpResponse):
        return user
    _csrf_checked()
    if user.totp_secret:
        return redirect(url_for("two_step.manage"))
    secret = session.get(_SETUP_KEY)
    if not isinstance(secret, str) or len(secret) != 32:
        secret = session[_SETUP_KEY] = second_factor.new_secret()
    form = CodeForm()
    if form.validate_on_submit():
        db.begin_write(db.session())
        codes = second_factor.turn_on(db.session(), user, secret=secret, code=form.code.data or "")
        if codes is not None:
            session.pop(_SETUP_KEY, None)
            audit.record_for_account(db.session(), "second_factor_on", user_id=user.id)
            return render_template("staff/two_step/recovery_codes.html", codes=codes)
        db.session().rollback()
        form.code.errors = [gettext("Enter the code your app shows now")]
    uri = second_factor.provisioning_uri(secret, email=user.email, issuer=_issuer())
    qr = Markup(second_factor.qr_svg(uri, title=gettext("QR code to scan with your app")))  # noqa: S704
    return render_template(
        "staff/two_step/set_up.html",
        form=form,
        qr=qr,
        secret=second_factor.grouped(secret),
        required=second_factor.required(db.session(), user) and _is_password_session(),
    ), 400 if form.errors else 200


def _turn_off_with_code(user: StaffUser, form: CodeForm) -> Page | None:
    """Turn two-step sign-in off if the form's code is right: the response when it
    is off (or the person is throttled), else None with the form's error set."""
    keys = _keys(user)
    if wait := throttle.wait_seconds(db.session(), keys):
        return _throttled(user, wait)
    db.begin_write(db.session())
    checked = second_factor.check_code(db.session(), user, form.code.data or "")
    if checked is second_factor.Checked.OK:
        second_factor.turn_off(db.session(), user)
        audit.record_for_account(db.session(), "second_factor_off", user_id=user.id)
        flash(gettext("Two-step sign-in is off. You sign in with your password only."))
        return redirect(url_for("two_step.manage"))
    throttle.note_failure(db.session(), keys)
    audit.record_for_account(
        db.session(), "second_factor_off_refused", user_id=user.id, reason=checked.value
    )
    form.code.errors = [
        gettext("That code has already been used. Wait for your app to show a new one.")
        if checked is second_factor.Checked.REPLAYED
        else gettext("Enter the code your app shows now")
    ]
    return None


@bp.post("/account/two-step/turn-off")
def turn_off() -> Page:
    user = _signed_in()
    if isinstance(user, HttpResponse):
        return user
    _csrf_checked()
    form = CodeForm()
    if not user.totp_secret:
        abort(404)
    required = second_factor.required(db.session(), user) and _is_password_session()
    if required:
        return _manage_page(
            user,
            form,
            refusal=gettext(
                "Administrators who sign in with a password must keep two-step sign-in on."
            ),
            status=403,
        )
    if form.validate_on_submit():
        done = _turn_off_with_code(user, form)
        if done is not None:
            return done
    return _manage_page(user, form, status=400)


def _manage_page(
    user: StaffUser, form: CodeForm, *, refusal: str | None = None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "staff/two_step/manage.html",
        user=user,
        form=form,
        left=second_factor.recovery_codes_left(db.session(), user),
        required=second_factor.required(db.session(), user) and _is_password_session(),
        refusal=refusal,
    ), status


def _person_to_reset(area: LocalArea, user_id: int) -> StaffUser:
    """The area's member whose two-step sign-in is to be reset: 404 if they are
    not a member or have it off."""
    membership = db.session().scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.area_id == area.id)
    )
    if membership is None:
        abort(404)
    person = membership.user
    if not person.totp_secret:
        abort(404)
    return person


def _record_reset(event: str, area: LocalArea, person: StaffUser) -> None:
    audit.record_for_person(
        db.session(),
        event,
        person=person,
        user_id=g.staff_user.id,
        area_id=area.id,
        via_area=area.slug,
    )


def _reset_refused(area: LocalArea, person: StaffUser) -> tuple[str, int] | None:
    """The refusal page when the signed-in administrator may not reset this
    person's two-step sign-in, else None."""
    if person.id == g.staff_user.id:
        # As deactivating oneself: another administrator checks it is really you.
        return render_template(
            "staff/people_refused.html",
            area=area,
            message=gettext(
                "You cannot reset your own two-step sign-in. Ask another administrator."
            ),
        ), 400
    if not accounts.may_manage_account(db.session(), actor=g.staff_user, person=person):
        _record_reset("second_factor_reset_refused", area, person)
        return render_template(
            "staff/people_refused.html",
            area=area,
            message=gettext(
                "You cannot reset this person's two-step sign-in, because they also work in"
                " an area you do not administer. They can ask the service's operator."
            ),
        ), 403
    return None


@bp.post("/<area_slug>/people/<int:user_id>/two-step/reset")
@requires(Permission.MANAGE_USERS)
def reset(area: LocalArea, user_id: int) -> Page:
    """Turn someone's two-step sign-in off (a lost phone); they sign in again."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    person = _person_to_reset(area, user_id)
    refused = _reset_refused(area, person)
    if refused is not None:
        return refused
    second_factor.reset(db.session(), person)
    _record_reset("second_factor_reset", area, person)
    flash(
        gettext(
            "Two-step sign-in is off for %(email)s and they have been signed out. They can"
            " set it up again after signing in.",
            email=person.email,
        )
    )
    return redirect(url_for("staff.people", area_slug=area.slug))
