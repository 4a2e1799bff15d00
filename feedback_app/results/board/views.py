"""The KPI board pages: the board, each KPI's detail and commentary, and the status rules."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from markupsafe import Markup
from werkzeug.wrappers import Response as HttpResponse

from analysis import AnalysisInputError
from analysis.method import describe_method
from feedback_app import db
from feedback_app.models import KpiCommentary, LocalArea, utcnow
from feedback_app.results import data
from feedback_app.results.board import view_model as boards
from feedback_app.results.board.benchmarks import other_areas_average
from feedback_app.results.board.forms import (
    CommentaryForm,
    ResetForm,
    settings_form,
    settings_from_form,
)
from feedback_app.results.board.status_rules import (
    SETTINGS_KEY,
    area_rules,
    default_rules,
)
from feedback_app.results.charts import (
    SPARK_POINTS,
    Figure,
    Point,
    Series,
    SparkPoint,
    interval_chart,
    sparkline,
)
from feedback_app.results.data import area_plan
from feedback_app.staff.auth import record_action, requires
from feedback_app.staff.roles import Permission

bp = Blueprint("results", __name__, url_prefix="/staff")


@bp.app_template_global()
def open_wave_figures() -> dict[str, object] | None:
    """For an open wave's results: how often they are refreshed and when these were
    worked out (templates/staff/results/_open_wave_note.html); None otherwise."""
    moment = data.worked_out_at()
    if moment is None:
        return None
    return {"minutes": max(1, data.open_wave_refresh_seconds() // 60), "at": moment}


def _board(area: LocalArea) -> boards.Board:
    session = db.session()
    now = utcnow()
    try:
        return boards.build_board(
            session, area, now=now, benchmarks=other_areas_average(session, area, now=now)
        )
    except AnalysisInputError as error:
        # Answers analysis cannot read (e.g. a code a KPI does not know): say so, no 500.
        return boards.Board(rows=(), method=describe_method(), today=now.date(),
                            problem=str(error))  # fmt: skip


@bp.get("/<area_slug>/results")
@requires(Permission.VIEW_RESULTS)
def board(area: LocalArea) -> str:
    return render_template(
        "staff/results/board.html",
        area=area,
        board=_board(area),
        rules=area_rules(area.results_settings),
        trend=kpi_trend,
    )


def kpi_trend(row: boards.BoardRow) -> Markup:
    """The KPI's last six figures as a sparkline with the numbers (empty with one)."""
    return sparkline(
        [SparkPoint(label, value) for label, value in row.trend_points],
        spark_id=f"trend-{row.kpi.id}",
        title=gettext("Trend of %(kpi)s: the last %(n)s figures", kpi=row.reference,
                      n=min(SPARK_POINTS, len(row.trend_points))),
        percentage=row.kpi.is_percentage,
        unit=row.kpi.unit,
    )  # fmt: skip


def kpi_chart(row: boards.BoardRow) -> Figure | None:
    """The KPI's waves as a point-and-interval chart with its target line."""
    if row.figures is None:
        return None
    points = tuple(
        Point(
            step.label,
            step.estimate.percent,
            step.estimate.ci_low,
            step.estimate.ci_high,
            base=step.estimate.base,
            caution=step.estimate.caution,
        )
        for step in row.figures.steps
    )
    # The line of the next target due (the one the status follows).
    current = next((t for t in row.targets if t.due_passed is False), None) or (
        row.targets[-1] if row.targets else None
    )
    target = current.level if current else None
    return interval_chart(
        Series(gettext("This area"), points),
        chart_id=f"chart-{row.kpi.id}",
        title=gettext("%(kpi)s: percentage positive at each wave", kpi=row.kpi.label),
        target=target,
    )


@bp.get("/<area_slug>/results/kpis/<kpi_id>")
@requires(Permission.VIEW_RESULTS)
def kpi(area: LocalArea, kpi_id: str) -> str:
    found = _board(area)
    row = boards.find_row(found, kpi_id)
    if row is None and found.problem is None:
        abort(404)
    return render_template(
        "staff/results/kpi.html",
        area=area,
        board=found,
        row=row,
        chart=kpi_chart(row) if row else None,
        form=CommentaryForm(
            data={"body": row.commentary[0].body if row and row.commentary else ""}
        ),
    )


@bp.post("/<area_slug>/results/kpis/<kpi_id>/commentary")
@requires(Permission.MANAGE_RESULTS)
def save_commentary(area: LocalArea, kpi_id: str) -> HttpResponse | tuple[str, int]:
    plan = area_plan(area)
    kpi = plan.get(kpi_id) if plan is not None else None
    if kpi is None:
        abort(404)
    form = CommentaryForm()
    if not form.validate_on_submit():
        if not form.errors:
            abort(400)
        return render_template("staff/results/commentary.html", area=area, kpi=kpi, form=form), 400
    session = db.session()
    session.add(
        KpiCommentary(
            area_id=area.id, kpi_id=kpi.id, body=form.body.data.strip(), author_id=g.staff_user.id
        )
    )
    record_action("kpi_commentary_saved", area=area, kpi_id=kpi.id)
    flash(gettext("Commentary saved"))
    return redirect(url_for(".kpi", area_slug=area.slug, kpi_id=kpi.id) + "#commentary")


@bp.route("/<area_slug>/results/settings", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def settings(area: LocalArea) -> str | HttpResponse | tuple[str, int]:
    """The area's status rules and baseline wave: shown, saved, or reset to the defaults."""
    saved = dict(area.results_settings or {})
    form = settings_form(
        area_rules(saved),
        waves=boards.closed_waves(db.session(), area, now=utcnow()),
        baseline_wave_id=saved.get(boards.BASELINE_KEY),
        formdata=request.form or None,
    )
    if request.method == "POST" and "reset" in request.form:
        if not ResetForm().validate_on_submit():
            abort(400)
        saved.pop(SETTINGS_KEY, None)
        return _save_settings(area, saved, gettext("Status rules reset to the defaults"))
    if request.method == "POST":
        if not form.validate_on_submit():
            if not form.errors:
                abort(400)
        elif (entered := settings_from_form(form, saved)) is not None:
            return _save_settings(area, entered, gettext("Results settings saved"))
    page = render_template(
        "staff/results/settings.html", area=area, form=form, defaults=default_rules()
    )
    return page, 400 if form.errors else 200


def _save_settings(area: LocalArea, saved: dict[str, object], message: str) -> HttpResponse:
    area.results_settings = saved
    record_action(
        "results_settings_saved",
        area=area,
        rules=len(saved.get(SETTINGS_KEY) or []),  # type: ignore[arg-type]
        baseline_wave_id=saved.get(boards.BASELINE_KEY),
    )
    flash(message)
    return redirect(url_for(".settings", area_slug=area.slug))
