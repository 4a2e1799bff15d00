"""The live response monitor page: counts for one wave, one dimension at a time."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea
from feedback_app.monitor import population
from feedback_app.monitor.forms import entered, population_form
from feedback_app.monitor.view_model import dimensions, group_options, monitor_page
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
    available = dimensions(questionnaire)
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
            population.save_populations(
                session, area=area, question_id=by, values=entered(options, form),
                user_id=g.staff_user.id,
            )  # fmt: skip
            flash(gettext("Population counts saved"))
            return redirect(url_for(".wave_monitor", area_slug=area.slug, wave_id=wave.id, by=by))
        if not form.errors:
            abort(400)
    page = render_template(
        "staff/monitor/monitor.html",
        area=area,
        dimensions=available,
        form=form,
        **monitor_page(session, wave, questionnaire, by=by, options=options, saved=saved),
    )
    return page, 400 if form.errors else 200
