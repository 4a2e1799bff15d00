"""One wave's results: the page, its report (page, PDF, XLSX), periods, series and
breakdowns by any closed question (GET pages; figures from ``service``)."""

from __future__ import annotations

import tempfile
import time
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, g, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from analysis import AnalysisInputError
from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Wave
from feedback_app.results.downloads import board_report as report_files
from feedback_app.results.downloads.views import (
    SPOOL_BYTES,
    XLSX_TYPE,
    _end_read,
    _file_response,
    _today,
)
from feedback_app.results.wave import service, view_model
from feedback_app.results.wave.service import ResultsError
from feedback_app.staff import audit
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission
from feedback_app.web.area_records import area_wave_or_404
from surveys import Questionnaire

bp = Blueprint("wave_results", __name__, url_prefix="/staff")


@bp.errorhandler(AnalysisInputError)
def cannot_analyse(error: AnalysisInputError) -> tuple[str, int]:
    """Answers analysis cannot read (a stored code the question does not have): a page
    that says so, as the KPI board does, instead of a 500."""
    args = request.view_args or {}
    area = g.area
    chosen = area_wave_or_404(area, int(args.get("wave_id", 0)))
    page = render_template(
        "staff/results/wave_problem.html", area=area, wave=chosen, problem=str(error)
    )
    return page, 200


Page = str | HttpResponse | tuple[str, int]


@bp.get("/<area_slug>/results/waves")
@requires(Permission.VIEW_RESULTS)
def index(area: LocalArea) -> str:
    """Every wave of the area, each linking to its results."""
    return render_template(
        "staff/results/waves.html", area=area, waves=service.area_waves(db.session(), area)
    )


@bp.get("/<area_slug>/results/waves/<int:wave_id>")
@requires(Permission.VIEW_RESULTS)
def wave(area: LocalArea, wave_id: int) -> str:
    """One wave on its own, open or closed: every closed question, KPIs, themes, who."""
    chosen = area_wave_or_404(area, wave_id)
    result = service.results(db.session(), area, chosen, publication=False)
    return render_template(
        "staff/results/wave.html",
        area=area,
        wave=chosen,
        result=result,
        figures=view_model.question_figures(result["results"]),
        kind=questionnaire_for(chosen.version).kind,
        publication=False,
    )


def _check_crosstab(questionnaire: Questionnaire, question_id: str, by: str) -> None:
    """A breakdown the officer asked for: an unknown question or grouping is a 404,
    the same question twice a ``ResultsError`` (the page says so, with a 400)."""
    closed = {q.id for q in service.closed_questions(questionnaire)}
    if question_id not in closed or by not in dict(view_model.group_choices(questionnaire)):
        abort(404)
    if by == question_id:
        raise ResultsError(gettext("Choose a different question to break it down by"), "by")


def _report_extras(area: LocalArea, chosen: Wave) -> tuple[dict[str, Any], dict[str, str]]:
    """The breakdown and periods an officer chose on the results pages, for the
    report: (figures, the query that asks for them again).

    ``question`` and ``by`` add a cross-tabulation; ``every`` (month, quarter or
    dates, with ``dates``) adds the wave by period. Both are published figures:
    counts of 1 to 4, and whatever would reveal one, are withheld. An unknown
    question or grouping is a 404; the same question twice or unreadable dates a
    400 with the message (``ResultsError``).
    """
    session = db.session()
    query: dict[str, str] = {}
    extras: dict[str, Any] = {"crosstab": None, "periods": None, "every": None}
    question_id, by = request.args.get("question", ""), request.args.get("by", "")
    if question_id or by:
        _check_crosstab(questionnaire_for(chosen.version), question_id, by)
        extras["crosstab"] = service.cross(
            session, area, chosen, question_id=question_id, by=by, publication=True
        )
        query.update(question=question_id, by=by)
    every = request.args.get("every", "")
    if every:
        if every not in ("month", "quarter", "dates"):
            abort(404)
        text = request.args.get("dates", "")
        starts = service.parse_dates(text) if every == "dates" else []
        extras["periods"] = service.periods(
            session, area, [chosen], every=every, starts=starts, publication=True
        )
        extras["every"] = every
        query.update(every=every, **({"dates": text} if every == "dates" else {}))
    return extras, query


def _report_problem(area: LocalArea, chosen: Wave, error: ResultsError) -> tuple[str, int]:
    """A choice the report cannot be made from: the message, and a way back to choose."""
    back = "wave_results.periods" if error.field == "dates" else "wave_results.breakdown"
    page = render_template(
        "staff/results/wave_report_refused.html",
        area=area,
        wave=chosen,
        problem=str(error),
        back=back,
    )
    return page, 400


@bp.get("/<area_slug>/results/waves/<int:wave_id>/report")
@requires(Permission.VIEW_RESULTS)
def report(area: LocalArea, wave_id: int) -> Page:
    """The wave's results as a printable report (publication suppression on), with
    the breakdown and periods chosen on the results pages."""
    chosen = area_wave_or_404(area, wave_id)
    try:
        extras, query = _report_extras(area, chosen)
    except ResultsError as error:
        return _report_problem(area, chosen, error)
    result = service.results(db.session(), area, chosen, publication=True)
    return render_template(
        "staff/results/wave_report.html",
        area=area,
        wave=chosen,
        result=result,
        extras=extras,
        query=query,
        figures=view_model.question_figures(result["results"]),
        extra_figures=view_model.report_extra_figures(extras),
        report_css_url=report_files.report_css_url,
    )


def _report_document(
    area: LocalArea,
    chosen: Wave,
    result: dict[str, Any],
    extras: dict[str, Any],
    query: dict[str, str],
) -> str:
    """The report's printable HTML, its charts drawn for a document."""
    figures = {
        key: figure.for_document()
        for key, figure in view_model.question_figures(result["results"]).items()
    }
    return render_template(
        "staff/results/wave_report_document.html",
        area=area,
        wave=chosen,
        result=result,
        extras=extras,
        query=query,
        figures=figures,
        extra_figures={
            key: figure.for_document()
            for key, figure in view_model.report_extra_figures(extras).items()
        },
    )


@bp.get("/<area_slug>/results/waves/<int:wave_id>/report.pdf")
@requires(Permission.DOWNLOAD_RESPONSES)
def report_pdf(area: LocalArea, wave_id: int) -> HttpResponse | tuple[str, int]:
    """The wave's report as tagged PDF (WeasyPrint, like the board report)."""
    session = db.session()
    chosen = area_wave_or_404(area, wave_id)
    started = time.perf_counter()
    try:
        extras, query = _report_extras(area, chosen)
    except ResultsError as error:
        return _report_problem(area, chosen, error)
    result = service.results(session, area, chosen, publication=True)
    pdf, pages = report_files.render_pdf(_report_document(area, chosen, result, extras, query))
    _end_read(session)
    audit.record(
        session, "download_report", user_id=g.staff_user.id, area_id=area.id, format="pdf",
        waves=[chosen.id], rows=result["who"]["responses"], pages=pages,
        seconds=round(time.perf_counter() - started, 2), chosen=query,
    )  # fmt: skip
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by file_chunks
    spooled.write(pdf)
    name = f"wave-report-{area.slug}-{chosen.id}-{_today(ZoneInfo(area.timezone))}.pdf"
    return _file_response(spooled, name, "application/pdf")


@bp.get("/<area_slug>/results/waves/<int:wave_id>/report.xlsx")
@requires(Permission.DOWNLOAD_RESPONSES)
def report_xlsx(area: LocalArea, wave_id: int) -> HttpResponse | tuple[str, int]:
    """The wave's report as a workbook: labels in every sheet, codes in their own column."""
    session = db.session()
    chosen = area_wave_or_404(area, wave_id)
    try:
        extras, query = _report_extras(area, chosen)
    except ResultsError as error:
        return _report_problem(area, chosen, error)
    result = service.results(session, area, chosen, publication=True)
    workbook = view_model.report_workbook(result, extras)
    _end_read(session)
    audit.record(
        session, "download_report", user_id=g.staff_user.id, area_id=area.id, format="xlsx",
        waves=[chosen.id], rows=result["who"]["responses"], chosen=query,
    )  # fmt: skip
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by file_chunks
    spooled.write(workbook)
    name = f"wave-report-{area.slug}-{chosen.id}-{_today(ZoneInfo(area.timezone))}.xlsx"
    return _file_response(spooled, name, XLSX_TYPE)


@bp.get("/<area_slug>/results/waves/<int:wave_id>/breakdown")
@requires(Permission.VIEW_RESULTS)
def breakdown(area: LocalArea, wave_id: int) -> Page:
    """One closed question by any other (or language or channel), small numbers withheld."""
    chosen = area_wave_or_404(area, wave_id)
    questionnaire = questionnaire_for(chosen.version)
    questions = service.closed_questions(questionnaire)
    groups = view_model.group_choices(questionnaire)
    question_id, by, result, error = "", "", None, None
    if questions:
        question_id = request.args.get("question", questions[0].id)
        by = request.args.get("by", next(code for code, _ in groups if code != question_id))
        try:
            _check_crosstab(questionnaire, question_id, by)
            result = service.cross(
                db.session(), area, chosen, question_id=question_id, by=by, publication=True
            )
        except ResultsError as exc:
            error = exc
    page = render_template(
        "staff/results/wave_breakdown.html", area=area, wave=chosen, groups=groups,
        questions=[(q.id, service.question_text(questionnaire, q.id)) for q in questions],
        question_id=question_id, by=by, result=result, error=error,
        figure=view_model.crosstab_figure(result) if result else None,
    )  # fmt: skip
    return (page, 400) if error is not None else page


@bp.get("/<area_slug>/results/waves/<int:wave_id>/periods")
@requires(Permission.VIEW_RESULTS)
def periods(area: LocalArea, wave_id: int) -> Page:
    """The wave by month, quarter or dates the officer chooses, with change and a trend."""
    chosen = area_wave_or_404(area, wave_id)
    every = request.args.get("every", "quarter")
    if every not in ("month", "quarter", "dates"):
        abort(404)
    text = request.args.get("dates", "")
    error: ResultsError | None = None
    result: Any = None
    try:
        starts = service.parse_dates(text) if every == "dates" else []
    except ResultsError as exc:
        error = exc
    else:
        result = service.periods(db.session(), area, [chosen], every=every, starts=starts)
    page = render_template(
        "staff/results/wave_periods.html",
        area=area,
        wave=chosen,
        every=every,
        dates=text,
        error=error,
        result=result,
        figures=view_model.trend_figures(result) if result else {},
        series=False,
    )
    return (page, 400) if error is not None else page


@bp.get("/<area_slug>/results/waves/<int:wave_id>/series")
@requires(Permission.VIEW_RESULTS)
def series(area: LocalArea, wave_id: int) -> str:
    """Every wave of the same questionnaire (each event of a series): each one and all
    together."""
    chosen = area_wave_or_404(area, wave_id)
    waves = service.series_waves(db.session(), area, chosen)
    result = service.periods(db.session(), area, waves, every="wave", by_wave=True)
    return render_template(
        "staff/results/wave_periods.html",
        area=area,
        wave=chosen,
        waves=waves,
        every="wave",
        dates="",
        error=None,
        result=result,
        figures=view_model.trend_figures(result),
        series=True,
    )
