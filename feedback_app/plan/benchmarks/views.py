"""The plan's benchmark pages: read by everyone in the area's workspace, changed by
officers and administrators. Every change is a new plan version (``plan.service``)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from feedback_app import db
from feedback_app.models import LocalArea
from feedback_app.plan import service as plans
from feedback_app.plan.benchmarks import service
from feedback_app.plan.benchmarks.forms import MAX_CSV, BenchmarkForm, BenchmarkUploadForm
from feedback_app.plan.forms import ConfirmForm
from feedback_app.plan.lookups import plan_kpi_or_404, plan_or_404, removal_or_404
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission, allows
from surveys.kpis import KpiBank
from surveys.problems import QuestionnaireError

bp = Blueprint("plan_benchmarks", __name__, url_prefix="/staff")

Page = str | HttpResponse | tuple[str, int]


def _save(area: LocalArea, change: KpiBank | None, summary: str) -> list[str]:
    """Save the changed plan as a new version; the problems when refused (nothing saved)."""
    if change is None:
        return []
    try:
        plans.save_plan(db.session(), area, change, user_id=g.staff_user.id, summary=summary)
    except QuestionnaireError as error:
        db.session().rollback()
        return [f"{p.where}: {p.message}" for p in error.problems]
    return []


def _changed(make: object) -> tuple[KpiBank | None, list[str]]:
    try:
        return make(), []  # type: ignore[operator]
    except QuestionnaireError as error:
        return None, [f"{p.where}: {p.message}" for p in error.problems]


@bp.get("/<area_slug>/plan/benchmarks")
@requires(Permission.VIEW_WORKSPACE)
def index(area: LocalArea) -> str:
    return render_template(
        "staff/plan/benchmarks.html",
        area=area,
        plan=plans.area_plan(db.session(), area),
        can_edit=allows(g.role, Permission.MANAGE_RESULTS),
        confirm=ConfirmForm(),
    )


@bp.route("/<area_slug>/plan/kpis/<kpi_id>/benchmarks", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def add(area: LocalArea, kpi_id: str) -> Page:
    plan, kpi = plan_kpi_or_404(area, kpi_id)
    form = BenchmarkForm()
    problems: list[str] = []
    if form.validate_on_submit():
        figure = form.figure()
        changed, problems = _changed(lambda: service.with_figures(plan, {kpi.id: [figure]}))
        problems = problems or _save(
            area, changed, f"Benchmark {figure['comparator']} {figure['period']} of "
            f"{kpi.reference or kpi.id} entered"[:300],
        )  # fmt: skip
        if not problems:
            flash(gettext("Benchmark saved"))
            return redirect(url_for(".index", area_slug=area.slug) + f"#benchmarks-{kpi.id}")
    elif request.method == "POST" and not form.errors:
        abort(400)
    page = render_template(
        "staff/plan/benchmark_form.html", area=area, kpi=kpi, form=form, problems=problems
    )
    return page, 400 if form.errors or problems else 200


@bp.post("/<area_slug>/plan/kpis/<kpi_id>/benchmarks/<int:number>/remove")
@requires(Permission.MANAGE_RESULTS)
def remove(area: LocalArea, kpi_id: str, number: int) -> HttpResponse:
    plan, kpi = removal_or_404(area, kpi_id, number, lambda kpi: kpi.benchmarks)
    figure = kpi.benchmarks[number - 1]
    changed = service.without_figure(plan, kpi.id, number)
    summary = f"Benchmark {figure.comparator} {figure.period} of {kpi.reference or kpi.id} removed"
    if _save(area, changed, summary[:300]):
        abort(400)
    flash(gettext("Benchmark removed"))
    return redirect(url_for(".index", area_slug=area.slug) + f"#benchmarks-{kpi.id}")


@bp.route("/<area_slug>/plan/benchmarks/upload", methods=["GET", "POST"])
@requires(Permission.MANAGE_RESULTS)
def upload(area: LocalArea) -> Page:
    plan = plan_or_404(area)
    form = BenchmarkUploadForm()
    problems: list[str] = []
    if form.validate_on_submit():
        text, name, problems = _uploaded_text(form)
        if not problems:
            try:
                found = service.read_csv(text, plan)
            except service.CsvProblem as error:
                problems = [
                    _where(line, column) + message for line, column, message in error.problems
                ]
            else:
                changed, problems = _changed(lambda: service.with_figures(plan, found))
                count = sum(len(v) for v in found.values())
                problems = problems or _save(
                    area, changed, f"{count} benchmark figures uploaded from {name}"[:300]
                )
                if not problems:
                    flash(gettext("%(n)s benchmark figures saved", n=count))
                    return redirect(url_for(".index", area_slug=area.slug))
    elif request.method == "POST" and not form.errors:
        abort(400)
    page = render_template("staff/plan/benchmark_upload.html", area=area, form=form,
                           problems=problems)  # fmt: skip
    return page, 400 if form.errors or problems else 200


def _uploaded_text(form: BenchmarkUploadForm) -> tuple[str, str, list[str]]:
    upload = form.csv_file.data
    if upload is not None and str(getattr(upload, "filename", None) or ""):
        raw = upload.read(MAX_CSV + 1)
        if len(raw) > MAX_CSV:
            return "", "", [gettext("The file is larger than 500 KB; is it the right file?")]
        try:
            return raw.decode("utf-8-sig"), str(upload.filename), []
        except UnicodeDecodeError:
            return "", "", [gettext("The file is not UTF-8 text; save it as CSV UTF-8.")]
    text = form.text.data or ""
    if not text.strip():
        return "", "", [gettext("Upload a CSV file or paste the figures")]
    return text, "pasted figures", []


def _where(line: int | None, column: str | None) -> str:
    if line and column:
        return gettext("Line %(n)s, column %(column)s", n=line, column=column) + ": "
    if line:
        return gettext("Line %(n)s", n=line) + ": "
    return ""


@bp.get("/<area_slug>/plan/benchmarks-template.csv")
@requires(Permission.VIEW_WORKSPACE)
def template(area: LocalArea) -> HttpResponse:
    response = HttpResponse(service.template_csv(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="benchmarks-template.csv"'
    return response
