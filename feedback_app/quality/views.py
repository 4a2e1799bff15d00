"""Flagged responses: officers see why each was flagged and keep or exclude it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea
from feedback_app.quality import review
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.web.area_records import area_wave_or_404

bp = Blueprint("quality", __name__, url_prefix="/staff")


@bp.get("/<area_slug>/flagged")
@requires(Permission.REVIEW_RESPONSES)
def index(area: LocalArea) -> str:
    waves = review.waves_with_flags(db.session(), area)
    return render_template("staff/quality/index.html", area=area, waves=waves)


@bp.get("/<area_slug>/waves/<int:wave_id>/flagged")
@requires(Permission.REVIEW_RESPONSES)
def flagged(area: LocalArea, wave_id: int) -> str:
    wave = area_wave_or_404(area, wave_id)
    responses, total = review.flagged_responses(db.session(), wave)
    return render_template(
        "staff/quality/flagged.html",
        area=area,
        wave=wave,
        responses=responses,
        total=total,
        form=FlaskForm(),
    )


@bp.post("/<area_slug>/waves/<int:wave_id>/flagged/<int:response_id>")
@requires(Permission.REVIEW_RESPONSES)
def decide(area: LocalArea, wave_id: int, response_id: int) -> HttpResponse:
    wave = area_wave_or_404(area, wave_id)
    decision = request.form.get("decision", "")
    if not FlaskForm().validate_on_submit() or decision not in review.DECISIONS:
        abort(400)
    if not review.decide(
        db.session(),
        area=area,
        wave=wave,
        response_id=response_id,
        decision=decision,
        user_id=g.staff_user.id,
    ):
        abort(404)
    flash(
        gettext("Response %(id)s kept: it counts in results", id=response_id)
        if decision == review.KEPT
        else gettext("Response %(id)s excluded: it is left out of results", id=response_id)
    )
    return redirect(
        url_for(".flagged", area_slug=area.slug, wave_id=wave.id, _anchor=f"response-{response_id}")
    )
