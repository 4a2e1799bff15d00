"""Staff pages for personal access tokens: make one (shown once), list, revoke (ADR 0036).

A token belongs to a person, not an area: the page is reached from any area where
the person sees results, lists all their tokens, and offers every area where they
see results. Each make and revoke is audited in every area the token reads.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.api import tokens
from feedback_app.api.forms import TokenForm
from feedback_app.models import ApiToken, LocalArea, utcnow
from feedback_app.staff import audit
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission

bp = Blueprint("api_tokens", __name__, url_prefix="/staff")


def _readable_areas() -> list[LocalArea]:
    ids = tokens.readable_area_ids(db.session(), g.staff_user.id)
    return list(
        db.session().scalars(
            select(LocalArea).where(LocalArea.id.in_(ids)).order_by(LocalArea.name)
        )
    )


def _form(area: LocalArea) -> TokenForm:
    form = TokenForm(areas=[(str(a.id), a.name) for a in _readable_areas()])
    if not form.is_submitted():
        form.areas.data = [str(area.id)]
    return form


def _page(area: LocalArea, form: TokenForm, status: int = 200) -> tuple[str, int]:
    return render_template(
        "staff/api_tokens/index.html",
        area=area,
        form=form,
        tokens=tokens.token_rows(db.session(), g.staff_user.id),
    ), status


def _audit(action: str, token: ApiToken) -> None:
    for area_id in sorted(link.area_id for link in token.areas):
        audit.record(
            db.session(), action, user_id=g.staff_user.id, area_id=area_id, commit=False,
            token=token.id, name=token.name, expires=token.expires_at.date().isoformat(),
        )  # fmt: skip


@bp.get("/<area_slug>/api-tokens")
@requires(Permission.VIEW_RESULTS)
def index(area: LocalArea) -> tuple[str, int]:
    return _page(area, _form(area))


@bp.post("/<area_slug>/api-tokens")
@requires(Permission.VIEW_RESULTS)
def create(area: LocalArea) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
    form = _form(area)
    if not form.validate_on_submit():
        return _page(area, form, 400)
    days = int(form.lifetime.data or 0)
    try:
        token, secret = tokens.issue(
            db.session(), g.staff_user, name=form.name.data or "", area_ids=form.area_ids(),
            expires_at=utcnow() + dt.timedelta(days=days),
        )  # fmt: skip
    except tokens.BadToken:
        db.session().rollback()
        form.name.errors = [gettext("Enter a name for the token")]
        return _page(area, form, 400)
    _audit("api_token_created", token)
    db.session().commit()
    page = render_template("staff/api_tokens/created.html", area=area, token=token, secret=secret)
    # Shown once: never kept by a browser or proxy cache.
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("/<area_slug>/api-tokens/<int:token_id>/revoke")
@requires(Permission.VIEW_RESULTS)
def revoke(area: LocalArea, token_id: int) -> HttpResponse:
    if not FlaskForm().validate_on_submit():
        abort(400)
    token = db.session().get(ApiToken, token_id)
    if token is None or not tokens.revoke(db.session(), g.staff_user.id, token_id):
        abort(404)
    _audit("api_token_revoked", token)
    db.session().commit()
    flash(gettext("Token “%(name)s” revoked: it reads nothing from now on.", name=token.name))
    return redirect(url_for("api_tokens.index", area_slug=area.slug))
