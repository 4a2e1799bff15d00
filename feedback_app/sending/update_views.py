"""The update list's public pages (ADR 0039): sign-up, confirm and leave, in the
reader's language (this module is in the respondent catalog). The staff page is
``staff_update_views``. Views stay thin: the rules are in
``feedback_app.sending.updates``.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.extensions import csrf
from feedback_app.models import LocalArea
from feedback_app.sending import updates
from feedback_app.staff import audit
from feedback_app.web import throttle

public_bp = Blueprint("updates_public", __name__)


def offered_channels() -> frozenset[str]:
    return updates.channels(current_app.config)


def _public_area(area_slug: str) -> LocalArea:
    area = db.session().scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    if area is None or not offered_channels():
        abort(404)
    return area


@public_bp.app_template_global("update_list_offered")
def _update_list_offered() -> bool:
    return bool(offered_channels())


#: What the sign-up form shows before anything is entered.
_JOIN_DEFAULTS: dict[str, str | list[str]] = {
    "email": "",
    "mobile": "",
    "topics": ["actions", "surveys"],
}


def _submitted_sign_up() -> dict[str, str | list[str]]:
    return {
        "email": request.form.get("email", "")[:320],
        "mobile": request.form.get("mobile", "")[:30],
        "topics": request.form.getlist("topics")[:5],
    }


def _sign_up(
    area: LocalArea, offered: frozenset[str], values: dict[str, str | list[str]]
) -> HttpResponse | tuple[str, int] | dict[str, str]:
    """Throttle, check and record a sign-up: the response once it is done (or
    refused as too many), else the problems to show on the form."""
    secret = throttle.app_secret()
    session = db.session()
    keys = updates.client_keys(secret, throttle.client_address())
    if throttle.wait_seconds(session, keys):
        return render_template("public/updates/too_many.html", area=area), 429
    checked = updates.read_sign_up(
        email=str(values["email"]),
        mobile=str(values["mobile"]),
        topics=list(values["topics"]),
        offered=offered,
        language=str(get_locale() or "en"),
    )
    if isinstance(checked, dict):
        return checked
    throttle.note_failure(session, keys)
    outcome = updates.sign_up(
        session,
        area,
        checked,
        secret=secret,
        offered=offered,
        confirm_hours=int(
            current_app.config.get("UPDATE_CONFIRM_HOURS", updates.DEFAULT_CONFIRM_HOURS)
        ),
    )
    audit.record(session, "sign_up", area_id=area.id, what="update_list", people=1, outcome=outcome)
    return redirect(url_for(".check", area_slug=area.slug))


def _join_page(
    area: LocalArea,
    form: FlaskForm,
    offered: frozenset[str],
    problems: dict[str, str],
    values: dict[str, str | list[str]],
) -> tuple[str, int]:
    return render_template(
        "public/updates/join.html",
        area=area,
        form=form,
        offered=offered,
        problems=problems,
        error_list=[
            {"text": text, "href": "#" + (name if name != "topics" else "topics-actions")}
            for name, text in problems.items()
        ],
        values=values,
    ), 400 if problems else 200


@public_bp.route("/a/<area_slug>/updates", methods=["GET", "POST"])
def join(area_slug: str) -> HttpResponse | tuple[str, int]:
    """Join the area's update list: the same answer whoever is already on it."""
    area = _public_area(area_slug)
    offered = offered_channels()
    form = FlaskForm()
    if request.method != "POST":
        return _join_page(area, form, offered, {}, _JOIN_DEFAULTS)
    if not form.validate_on_submit():
        abort(400)
    values = _submitted_sign_up()
    outcome = _sign_up(area, offered, values)
    if isinstance(outcome, dict):
        return _join_page(area, form, offered, outcome, values)
    return outcome


@public_bp.get("/a/<area_slug>/updates/check")
def check(area_slug: str) -> str:
    area = _public_area(area_slug)
    return render_template("public/updates/check.html", area=area, offered=offered_channels())


@public_bp.route("/updates/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> str | tuple[str, int]:
    """A button, not the link itself, confirms: a mail scanner that opens every
    link cannot put someone on the list."""
    form = FlaskForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        session = db.session()
        subscriber = updates.confirm(session, token[:80])
        if subscriber is None:
            session.rollback()
            return render_template("public/updates/link_expired.html"), 410
        area = session.get(LocalArea, subscriber.area_id)
        audit.record(session, "confirm", area_id=subscriber.area_id, what="update_list", people=1)
        return render_template("public/updates/confirmed.html", area=area)
    return render_template("public/updates/confirm.html", form=form)


@public_bp.route("/updates/leave/<token>", methods=["GET", "POST"])
def leave(token: str) -> str:
    """Leave the list, without signing in: the button, or a mail program's own
    one-click unsubscribe (RFC 8058: a POST with ``List-Unsubscribe=One-Click``,
    which carries no form token, hence ``csrf.exempt``: the link's token is the
    proof, and leaving twice is leaving once)."""
    if request.method == "POST":
        session = db.session()
        area_id = updates.leave(session, token[:80])
        if area_id is not None:
            audit.record(session, "leave", area_id=area_id, what="update_list", people=1)
        else:
            session.rollback()
        return render_template("public/updates/left.html")
    return render_template("public/updates/leave.html", form=FlaskForm())


csrf.exempt(leave)
