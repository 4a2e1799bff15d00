"""The live response monitor page: counts for one wave, one dimension at a time."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_wtf.csrf import validate_csrf
from werkzeug.wrappers import Response as HttpResponse
from wtforms.validators import ValidationError

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Wave
from feedback_app.monitor import population
from feedback_app.monitor.forms import entered, population_form
from feedback_app.monitor.view_model import dimensions, group_options, group_questions, monitor_page
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.web.area_records import area_wave_or_404

bp = Blueprint("monitor", __name__, url_prefix="/staff")


@bp.route("/<area_slug>/waves/<int:wave_id>/monitor", methods=["GET", "POST"])
@requires(Permission.RUN_SURVEYS)
def wave_monitor(area: LocalArea, wave_id: int) -> str | HttpResponse | tuple[str, int]:
    session = db.session()
    wave = area_wave_or_404(area, wave_id)
    questionnaire = questionnaire_for(wave.version)
    chosen = population.monitored(session, wave)
    available = dimensions(questionnaire, chosen)
    by = request.args.get("by") or (available[0][0] if available else "")
    if available and by not in dict(available):
        abort(404)
    options = group_options(questionnaire, by) if available else []
    saved = population.populations(session, area, by) if available else {}
    form = population_form(options, saved=saved, formdata=request.form or None)
    if request.method == "POST":
        if not available:
            abort(404)
        if form.validate_on_submit():
            return _save_counts(area, wave, by=by, values=entered(options, form))
        if not form.errors:
            abort(400)
    page = render_template(
        "staff/monitor/monitor.html",
        area=area,
        dimensions=available,
        monitorable=group_questions(questionnaire),
        monitored=set(chosen),
        form=form,
        **monitor_page(session, wave, questionnaire, by=by, options=options, saved=saved),
    )
    return page, 400 if form.errors else 200


def _save_counts(
    area: LocalArea, wave: Wave, *, by: str, values: dict[str, int | None]
) -> HttpResponse:
    population.save_populations(
        db.session(), area=area, question_id=by, values=values, user_id=g.staff_user.id
    )
    flash(gettext("Population counts saved"))
    return redirect(url_for(".wave_monitor", area_slug=area.slug, wave_id=wave.id, by=by))


@bp.post("/<area_slug>/waves/<int:wave_id>/monitor/groups")
@requires(Permission.RUN_SURVEYS)
def monitored_groups(area: LocalArea, wave_id: int) -> HttpResponse | tuple[str, int]:
    """Choose the questions the wave is monitored by (the area's "hard to reach" groups)."""
    session = db.session()
    wave = area_wave_or_404(area, wave_id)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400)
    allowed = dict(group_questions(questionnaire_for(wave.version)))
    picked = request.form.getlist("question")
    if any(question_id not in allowed for question_id in picked) or len(set(picked)) != len(picked):
        abort(400)
    ordered = [question_id for question_id in allowed if question_id in set(picked)]
    population.save_monitored(
        session, area=area, wave=wave, question_ids=ordered, user_id=g.staff_user.id
    )
    flash(gettext("Groups to monitor saved"))
    return redirect(url_for(".wave_monitor", area_slug=area.slug, wave_id=wave.id))
