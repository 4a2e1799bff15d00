"""Staff workspace: sign in and out, the area home, people and invitations, audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_timezone, gettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea, StaffUser, Wave
from feedback_app.respond import journey
from feedback_app.staff import accounts, audit, sso, sso_views
from feedback_app.staff.auth import (
    begin_second_step,
    current_user,
    memberships,
    must_set_up_second_factor,
    record_action,
    requires,
    sign_in,
    sign_out,
    timeout_reason,
    timeouts,
)
from feedback_app.staff.forms import AuditFilterForm, InviteForm, SetPasswordForm, SignInForm
from feedback_app.staff.roles import ROLE_NAMES, Permission, Role, allows
from feedback_app.web import throttle
from feedback_app.web.choices import select_choices
from feedback_app.web.exports import csv_response
from feedback_app.web.redirects import local_path

bp = Blueprint("staff", __name__, url_prefix="/staff")
#: When every password check slot is taken, try again after this long.
BUSY_RETRY_SECONDS = 5


@bp.app_context_processor
def staff_context() -> dict[str, object]:
    return {"role_names": ROLE_NAMES, "allows": allows, "Permission": Permission}


def _safe_next(target: str | None) -> str | None:
    # Only local paths: never send someone to another site after signing in.
    return local_path(target, within="/staff/")


def _password_checks() -> accounts.PasswordChecks:
    # One set of slots per process (each gunicorn worker has its own).
    checks = current_app.extensions.get("password_checks")
    if checks is None:
        checks = current_app.extensions.setdefault(
            "password_checks",
            accounts.PasswordChecks(
                size=int(current_app.config.get("LOGIN_CONCURRENT_CHECKS", 1)),
                patience=float(current_app.config.get("LOGIN_CHECK_PATIENCE_SECONDS", 0.1)),
                host_slots=_host_slots_directory(),
                host_size=int(current_app.config.get("LOGIN_CONCURRENT_CHECKS_PER_HOST", 1)),
            ),
        )
    return checks


def _host_slots_directory() -> Path:
    # Shared by the worker processes of this instance (same secret and database),
    # not by another instance or test app on the same machine.
    instance = hashlib.sha256(
        f"{throttle.app_secret()}\n{current_app.config['DATABASE_URL']}".encode()
    ).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"send-feedback-password-checks-{instance}"


def _refused_sign_in(
    *, action: str, account: StaffUser | None, template: str, status: int, wait: int
) -> tuple[str, int, dict[str, str]]:
    # A known account's refusals go to every area it holds a role in. Those of
    # unknown e-mails would be in no area's log, so a flood of them writes
    # nothing. The page says the same either way.
    if account is not None:
        db.begin_write(db.session())
        audit.record_for_account(db.session(), action, user_id=account.id)
    minutes = max(1, -(-wait // 60))
    return render_template(template, minutes=minutes), status, {"Retry-After": str(wait)}


def _sign_in_keys(email: str) -> list[throttle.Key]:
    """The throttle keys of a sign-in with ``email`` from this client."""
    return accounts.sign_in_keys(
        email=email, client=throttle.client_address(), secret=throttle.app_secret()
    )


def _welcome(outcome: accounts.LinkOutcome, found: accounts.LinkUse) -> None:
    """Audit the link's use in every area of the account, sign in, and say what changed."""
    audit.record_for_person(
        db.session(),
        outcome.action,
        person=outcome.user,
        user_id=outcome.user.id,
        area_id=outcome.area.id,
        commit=False,
        via_area=outcome.area.slug,
        link=found.link.purpose,
        link_made_by=found.link.created_by_id,
    )
    db.session().commit()
    message = (
        gettext(
            "You have been added to the %(area)s workspace. You sign in with"
            " the same email address and password as before.",
            area=outcome.area.name,
        )
        if outcome.action == "role_added"
        else ""
    )
    if outcome.user.totp_secret:
        # A link proves the e-mail or the password, not the phone: the code still counts.
        begin_second_step(outcome.user, next_path=f"/staff/{outcome.area.slug}/", message=message)
        return
    sign_in(outcome.user)
    if message:
        flash(message)


def sso_provider_name() -> str:
    """The words on the single sign-on button (``OIDC_PROVIDER_NAME``)."""
    return str(current_app.config.get("OIDC_PROVIDER_NAME") or gettext("your organisation account"))


def _sign_in_refusal(outcome: accounts.SignInOutcome) -> str | None:
    """Sign in after a checked password and return None, or audit and say why not."""
    if outcome.user is None:
        if outcome.account is not None:
            audit.record_for_account(db.session(), "login_failed", user_id=outcome.account.id)
        else:
            audit.record(db.session(), "login_failed")
        return gettext("Enter a correct email address and password")
    if not accounts.has_access(db.session(), outcome.user):
        # The password was right, but every role was deactivated: no session.
        audit.record(db.session(), "login_deactivated", user_id=outcome.user.id)
        return gettext(
            "Your access has been removed. Ask an administrator for your area if you need it back."
        )
    if sso.password_refused(db.session(), outcome.user):
        # An area of theirs signs in with single sign-on only (ADR 0035).
        audit.record_for_account(db.session(), "login_sso_only", user_id=outcome.user.id)
        return gettext(
            "Your area signs in with single sign-on. Use \u201cSign in with %(provider)s\u201d"
            " instead of a password.",
            provider=sso_provider_name(),
        )
    if outcome.user.totp_secret:
        # The password was right; the session starts after the code (ADR 0038).
        audit.record(db.session(), "login_password_ok", user_id=outcome.user.id)
        begin_second_step(outcome.user, next_path=_safe_next(request.args.get("next")))
        return None
    audit.record(db.session(), "login", user_id=outcome.user.id)
    sign_in(outcome.user)
    return None


Refusal = tuple[str, int, dict[str, str]]


def _check_password(form: SignInForm) -> accounts.SignInOutcome | Refusal:
    """Check the e-mail and password entered: the outcome, or the refusal page when the
    password checks are busy (503) or this client or account is throttled (429)."""
    email = form.email.data or ""
    try:
        outcome = accounts.attempt_sign_in(
            db.session(),
            email=email,
            password=form.password.data or "",
            keys=_sign_in_keys(email),
            checks=_password_checks(),
            before_write=lambda: db.begin_write(db.session()),
        )
    except accounts.Busy:
        return _refused_sign_in(
            action="login_busy",
            account=accounts.find_account(db.session(), email),
            template="staff/sign_in_busy.html",
            status=503,
            wait=BUSY_RETRY_SECONDS,
        )
    if outcome.wait:
        return _refused_sign_in(
            action="login_throttled",
            account=outcome.account,
            template="staff/throttled.html",
            status=429,
            wait=outcome.wait,
        )
    return outcome


@bp.route("/login", methods=["GET", "POST"])
@db.reads_first
def login() -> str | HttpResponse | tuple[str, int] | Refusal:
    form = SignInForm()
    error = None
    if form.validate_on_submit():
        checked = _check_password(form)
        if isinstance(checked, tuple):
            return checked
        error = _sign_in_refusal(checked)
        if error is None and checked.user is not None and checked.user.totp_secret:
            return redirect(url_for("two_step.code"))
        if error is None:
            return redirect(_safe_next(request.args.get("next")) or url_for("staff.home"))
    status = 400 if (form.errors or error) else 200
    return (
        render_template(
            "staff/login.html",
            form=form,
            error=error,
            timed_out=request.args.get("timeout"),
            timeouts=timeouts(),
            sso_configured=sso.configured(),
            sso_provider=sso_provider_name(),
        ),
        status,
    )


@bp.post("/logout")
def logout() -> HttpResponse | str:
    if not FlaskForm().validate_on_submit():
        abort(400)
    # A single sign-on session also offers the provider's own sign-out.
    provider_sign_out = sso_views.end_session_url()
    user = current_user()
    if user is not None:
        audit.record_for_account(db.session(), "logout", user_id=user.id)
    sign_out()
    flash(gettext("You have signed out"))
    if provider_sign_out:
        return render_template("staff/signed_out.html", provider_sign_out=provider_sign_out)
    return redirect(url_for("staff.login"))


@bp.get("/")
def home() -> str | HttpResponse:
    user = current_user()
    if user is None:
        return redirect(url_for("staff.login", timeout=timeout_reason()))
    if must_set_up_second_factor(user):
        return redirect(url_for("two_step.set_up"))
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


def _invite(area: LocalArea, form: InviteForm) -> str | None:
    """Issue an invitation link for the form's e-mail address and role, or set the
    form's error and give None."""
    try:
        token = accounts.issue_link(
            db.session(),
            purpose=accounts.INVITE,
            area=area,
            email=form.email.data or "",
            role=Role(form.role.data),
            created_by=current_user(),
        )
    except (accounts.AccountError, ValueError):
        form.email.errors = [
            gettext("Enter an email address in the correct format, like name@example.org")
        ]
        return None
    record_action(
        "invite",
        area=area,
        commit=False,
        role=form.role.data,
    )
    db.session().commit()
    return url_for("staff.use_link", token=token, _external=True)


@bp.route("/<area_slug>/people", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def people(area: LocalArea) -> str | tuple[str, int]:
    form = InviteForm()
    link = _invite(area, form) if form.validate_on_submit() else None
    rows = accounts.people_in_area(db.session(), area=area, actor=g.staff_user)
    status = 400 if form.errors else 200
    return (
        render_template("staff/people.html", area=area, form=form, rows=rows, link=link),
        status,
    )


def _refused(area: LocalArea, error: accounts.AccountError, status: int) -> tuple[str, int]:
    """The page saying why a change to someone's account was not made."""
    db.session().commit()  # the refusal's audit events, nothing else
    return render_template(
        "staff/people_refused.html", area=area, message=gettext(str(error))
    ), status


@bp.post("/<area_slug>/people/<int:user_id>/reset")
@requires(Permission.MANAGE_USERS)
def reset_password(area: LocalArea, user_id: int) -> str | tuple[str, int]:
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        person, token = accounts.issue_reset_link(
            db.session(), area=area, actor=g.staff_user, person_id=user_id
        )
    except LookupError:
        abort(404)
    except accounts.NotYours as error:
        return _refused(area, error, 403)
    db.session().commit()
    link = url_for("staff.use_link", token=token, _external=True)
    return render_template("staff/reset_link.html", area=area, link=link, email=person.email)


@bp.post("/<area_slug>/people/<int:user_id>/deactivate")
@requires(Permission.MANAGE_USERS)
def deactivate(area: LocalArea, user_id: int) -> HttpResponse | tuple[str, int]:
    change = _change_access(accounts.deactivate, area=area, user_id=user_id)
    if not isinstance(change, accounts.AccessChange):
        return change
    if len(change.areas) > 1:
        flash(
            gettext(
                "%(email)s has been deactivated in every area you administer: they cannot sign in.",
                email=change.person.email,
            )
        )
    elif change.signed_out:
        flash(
            gettext(
                "%(email)s has been deactivated: they cannot sign in.", email=change.person.email
            )
        )
    else:
        flash(
            gettext(
                "%(email)s can no longer use this area. They keep their roles in other areas.",
                email=change.person.email,
            )
        )
    return redirect(url_for("staff.people", area_slug=area.slug))


@bp.post("/<area_slug>/people/<int:user_id>/reactivate")
@requires(Permission.MANAGE_USERS)
def reactivate(area: LocalArea, user_id: int) -> HttpResponse | tuple[str, int]:
    change = _change_access(accounts.reactivate, area=area, user_id=user_id)
    if not isinstance(change, accounts.AccessChange):
        return change
    flash(gettext("%(email)s can use this area again.", email=change.person.email))
    return redirect(url_for("staff.people", area_slug=area.slug))


def _change_access(
    change: Callable[..., accounts.AccessChange], *, area: LocalArea, user_id: int
) -> accounts.AccessChange | tuple[str, int]:
    """Deactivate or reactivate someone in ``area`` and commit, or the refusal page."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        done = change(db.session(), area=area, actor=g.staff_user, person_id=user_id)
    except LookupError:
        abort(404)
    except accounts.AccountError as error:
        db.session().rollback()
        return _refused(area, error, 400)
    db.session().commit()
    return done


def _use_link_with(
    token: str, found: accounts.LinkUse, form: SetPasswordForm
) -> accounts.LinkOutcome | Refusal | None:
    """Use the link with the password entered: the outcome, the throttled page, or None
    with the form's error set (a wrong password is counted and audited)."""
    # Joining with an existing account checks its password: the same throttle
    # as signing in applies, so a link cannot be used to guess it.
    keys = _sign_in_keys(found.link.email) if found.joins_existing_account else []
    if wait := throttle.wait_seconds(db.session(), keys):
        return _refused_sign_in(
            action="login_throttled",
            account=found.account,
            template="staff/throttled.html",
            status=429,
            wait=wait,
        )
    try:
        return accounts.use_link(db.session(), token, password=form.password.data or "")
    except accounts.WrongPassword as error:
        throttle.note_failure(db.session(), keys)
        if found.account is not None:  # commits the counted failure
            audit.record_for_account(db.session(), "login_failed", user_id=found.account.id)
        else:
            db.session().commit()
        form.password.errors = [gettext(str(error))]
    except accounts.AccountError as error:
        db.session().rollback()
        form.password.errors = [gettext(str(error))]
    return None


def _sso_only_link(found: accounts.LinkUse) -> bool:
    """True when using the link would give a password nobody may sign in with: the
    area it is for, or an area of the account it resets, is single sign-on only."""
    if found.area.sso_only:
        return True
    return found.account is not None and sso.password_refused(db.session(), found.account)


@bp.route("/link/<token>", methods=["GET", "POST"])
def use_link(token: str) -> str | HttpResponse | tuple[str, int] | Refusal:
    found = accounts.find_link(db.session(), token[:100])
    if found is None:
        return render_template("staff/link_used.html"), 404
    if _sso_only_link(found):
        # A password would be refused at every sign-in: send them to the provider.
        if request.method == "POST":
            audit.record(db.session(), "link_sso_only", area_id=found.area.id)
        return render_template(
            "staff/link_sso_only.html",
            found=found,
            sso_configured=sso.configured(),
            sso_provider=sso_provider_name(),
        ), 400 if request.method == "POST" else 200
    form = SetPasswordForm()
    if found.joins_existing_account:
        form.password.label.text = gettext("Your password")
        form.password.description = ""
    if form.validate_on_submit():
        used = _use_link_with(token, found, form)
        if isinstance(used, tuple):
            return used
        if used is not None:
            _welcome(used, found)
            if used.user.totp_secret:
                return redirect(url_for("two_step.code"))
            return redirect(url_for("staff.area_home", area_slug=used.area.slug))
    status = 400 if form.errors else 200
    return render_template("staff/set_password.html", form=form, found=found), status


#: Audit events per page.
AUDIT_PAGE_SIZE = 100


def _audit_filter(area: LocalArea) -> tuple[AuditFilterForm, audit.EventFilter | None, int]:
    """The filter form from the query string, the filter (None if invalid), the page."""
    form = AuditFilterForm(request.args)
    form.person.choices = select_choices(
        [("", gettext("Anyone"))]
        + [(str(user_id), email) for user_id, email in audit.people_in_log(db.session(), area.id)]
    )
    form.kind.choices = select_choices(
        [("", gettext("Anything"))]
        + [(kind, kind) for kind in audit.kinds_in_log(db.session(), area.id)]
    )
    page_text = request.args.get("page", "1")
    page = int(page_text) if page_text.isdigit() and 0 < len(page_text) < 7 else 0
    if not form.validate() or page < 1:
        if page < 1:
            form.form_errors.append(gettext("Enter a page number"))
        return form, None, 1
    since, until = form.date(form.since), form.date(form.until)
    return (
        form,
        audit.EventFilter(
            user_id=int(form.person.data) if form.person.data else None,
            action=form.kind.data or None,
            since=_local_midnight(since) if since else None,
            until=_local_midnight(until + dt.timedelta(days=1)) if until else None,
        ),
        page,
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    # The start of ``day`` in the areas' time zone, in UTC as every moment is stored.
    # (zoneinfo, not the pytz object Flask-Babel returns: attached with
    # tzinfo=, pytz gives London's 1847 offset of -0:01.)
    zone = ZoneInfo(str(get_timezone()))
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone).astimezone(dt.UTC)


@bp.get("/<area_slug>/audit")
@requires(Permission.VIEW_AUDIT)
def audit_log(area: LocalArea) -> str | tuple[str, int]:
    form, wanted, page = _audit_filter(area)
    if wanted is None:
        return render_template("staff/audit.html", area=area, form=form, events=[]), 400
    total = audit.count_events(db.session(), area.id, wanted)
    pages = max(1, -(-total // AUDIT_PAGE_SIZE))
    rows = list(
        audit.events(
            db.session(),
            area.id,
            wanted,
            offset=(page - 1) * AUDIT_PAGE_SIZE,
            limit=AUDIT_PAGE_SIZE,
        )
    )
    query = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "staff/audit.html",
        area=area,
        form=form,
        events=rows,
        total=total,
        page=page,
        pages=pages,
        query=query,
        describe=audit.describe,
    )


@bp.get("/<area_slug>/audit/download")
@requires(Permission.VIEW_AUDIT)
def audit_download(area: LocalArea) -> HttpResponse | tuple[str, int]:
    form, wanted, _page = _audit_filter(area)
    if wanted is None:
        return render_template("staff/audit.html", area=area, form=form, events=[]), 400
    total = audit.count_events(db.session(), area.id, wanted)
    record_action(
        "download",
        area=area,
        what="audit log",
        rows=total,
        **_filter_detail(),
    )
    header = ["when (UTC)", "who", "what", "times", "last (UTC)", "details"]
    rows = (
        [
            _utc_text(event.at),
            email or "",
            event.action,
            event.repeats,
            _utc_text(event.last_at) if event.last_at else "",
            audit.describe(event.detail),
        ]
        for event, email in audit.events(db.session(), area.id, wanted)
    )
    return csv_response(itertools.chain([header], rows), f"audit-log-{area.slug}.csv")


def _utc_text(moment: dt.datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _filter_detail() -> dict[str, Any]:
    # Which filters a downloaded audit log had, for the download's own event.
    wanted = ("person", "kind", "since", "until")
    return {k: v for k, v in request.args.items() if k in wanted and v}
