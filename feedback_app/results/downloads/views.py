"""Officers' downloads: responses (CSV, XLSX), analysis tables (CSV zip, XLSX), board report.

Every download is written to the audit log with its row counts before any byte is
sent. Choices come in as GET parameters (bookmarkable, no JavaScript); anything
wrong re-shows the downloads page with an error summary and a 400.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext, ngettext
from sqlalchemy import func, select
from werkzeug.wrappers import Response as HttpResponse

from analysis.render_csv import table_csv
from analysis.render_xlsx import tables_to_xlsx
from analysis.tables import Table
from feedback_app import db
from feedback_app.models import AreaPlan, LocalArea, Wave
from feedback_app.models import Response as StoredResponse
from feedback_app.monitor.view_model import language_name
from feedback_app.plan.actions.service import area_tracker_summary
from feedback_app.results import data
from feedback_app.results.downloads import analysis_tables as report
from feedback_app.results.downloads import board_report as report_model
from feedback_app.results.downloads import responses as downloads
from feedback_app.results.downloads.analysis_tables import Selection, SelectionError
from feedback_app.results.downloads.board_pack import board_pack_tables
from feedback_app.staff.auth import record_action, requires
from feedback_app.staff.roles import Permission
from feedback_app.web.area_records import area_wave
from feedback_app.web.exports import BOM, csv_text_response

bp = Blueprint("downloads", __name__, url_prefix="/staff")

#: Most responses in one XLSX download: what fits in a worksheet under the header
#: row. The workbook is written row by row with flat memory (ADR 0028).
XLSX_MAX_ROWS = downloads.XLSX_MAX_ROWS - 1
#: Built files stay in memory up to this size, then move to a temporary file.
SPOOL_BYTES = 8 * 1024 * 1024

RESPONSE_FORMATS = ("csv", "xlsx")
ANALYSIS_FORMATS = ("zip", "xlsx", "html", "pdf")


@dataclass
class Choice:
    """What the officer asked for, and what is wrong with it."""

    waves: list[Wave] = field(default_factory=list)
    selection: Selection | None = None
    fmt: str = ""
    publication: bool = False
    #: Who the board report is for, as the officer named it ("" when not given).
    audience: str = ""
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def report_audience(self) -> str:
        """The board the report's title names: the officer's, or the usual one."""
        return self.audience or gettext("SEND Improvement Board")


@bp.route("/<area_slug>/downloads")
@requires(Permission.DOWNLOAD_RESPONSES)
def index(area: LocalArea) -> str:
    """What can be downloaded, for which waves."""
    return _page(area, Choice())[0]


@bp.route("/<area_slug>/downloads/responses")
@requires(Permission.DOWNLOAD_RESPONSES)
def responses(area: LocalArea) -> HttpResponse | tuple[str, int]:
    """Responses of the chosen waves as CSV or XLSX."""
    session = db.session()
    choice = _response_choice(area)
    covering = _covering(session, choice)
    if choice.errors or covering is None:
        return _page(area, choice, status=400)
    waves = choice.waves
    columns = downloads.response_columns(waves)
    zone = ZoneInfo(area.timezone)
    name = f"responses-{area.slug}-{_today(zone)}.{choice.fmt}"
    record_action(
        "download_responses",
        area=area,
        format=choice.fmt,
        waves=[w.id for w in waves],
        rows=covering.rows,
    )
    if choice.fmt == "csv":
        lines = downloads.csv_lines(session, waves, columns=columns, covering=covering, zone=zone)
        return csv_text_response(lines, name)
    rows = downloads.response_rows(session, waves, columns=columns, covering=covering, zone=zone)
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by file_chunks
    downloads.write_xlsx(rows, spooled, columns=columns)
    return _file_response(spooled, name, XLSX_TYPE)


@bp.route("/<area_slug>/downloads/analysis")
@requires(Permission.DOWNLOAD_RESPONSES)
def analysis_tables(area: LocalArea) -> HttpResponse | tuple[str, int]:
    """Every analysis table of a comparison: CSV files in a zip, or one workbook.

    ``format=html`` and ``format=pdf`` lead to the board report of the same waves.
    """
    session = db.session()
    choice = _analysis_choice(area)
    if choice.errors or choice.selection is None:
        return _page(area, choice, status=400)
    selection = choice.selection
    if choice.fmt in ("html", "pdf"):
        return _to_board_report(area, choice, selection)
    try:
        named = report.cached_tables(session, area, selection, publication=choice.publication)
    except SelectionError as error:
        choice.errors.append(("baseline", str(error)))
        return _page(area, choice, status=400)
    name = f"analysis-{area.slug}-{_today(ZoneInfo(area.timezone))}"
    _end_read(session)
    record_action(
        "download_analysis", area=area, format=choice.fmt,
        waves=[w.id for w in selection.waves], publication=choice.publication,
        tables=len(named), rows=sum(len(t.rows) for _, t in named),
    )  # fmt: skip
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by file_chunks
    if choice.fmt == "xlsx":
        spooled.write(tables_to_xlsx(named, publication=choice.publication))
        return _file_response(spooled, f"{name}.xlsx", XLSX_TYPE)
    _write_csv_zip(spooled, named, publication=choice.publication)
    return _file_response(spooled, f"{name}.zip", "application/zip")


def _to_board_report(area: LocalArea, choice: Choice, selection: Selection) -> HttpResponse:
    """The board report of the chosen waves, as a page or a PDF (``format=html`` or
    ``pdf`` on the analysis download), for the audience named."""
    endpoint = ".board_report" if choice.fmt == "html" else ".board_report_pdf"
    args: dict[str, Any] = _selection_args(selection)
    if choice.audience:
        args["audience"] = choice.audience
    return redirect(url_for(endpoint, area_slug=area.slug, **args))


def _write_csv_zip(file: Any, named: list[tuple[str, Table]], *, publication: bool) -> None:
    """The analysis tables as CSV files in a zip (each with a BOM, so Excel reads UTF-8)."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet, table in named:
            text = BOM + table_csv(table, publication=publication)
            archive.writestr(f"{sheet}.csv", text.encode("utf-8"))


@bp.route("/<area_slug>/results/report")
@requires(Permission.VIEW_RESULTS)
def board_report(area: LocalArea) -> str | tuple[str, int]:
    """The board report as a printable page."""
    choice, model = _chosen_report(area, fmt="html")
    if model is None:
        return _page(area, choice, status=400)
    chosen = _selection_args(choice.selection) if choice.selection else {}
    return render_template(
        "staff/results/report.html",
        area=area,
        report=model,
        audience=choice.report_audience,
        pdf_args={**chosen, "audience": choice.audience},
        kpi_figure=report_model.kpi_figure,
        report_css_url=report_model.report_css_url,
    )


@bp.route("/<area_slug>/results/report.pdf")
@requires(Permission.DOWNLOAD_RESPONSES)
def board_report_pdf(area: LocalArea) -> HttpResponse | tuple[str, int]:
    """The board report as PDF (WeasyPrint renders the same report body)."""
    session = db.session()
    choice, model = _chosen_report(area, fmt="pdf")
    if model is None:
        return _page(area, choice, status=400)
    started = time.perf_counter()
    html = render_template(
        "staff/results/report_document.html",
        area=area,
        report=model,
        audience=choice.report_audience,
        kpi_figure=report_model.kpi_document_figure,
    )
    pdf, pages = report_model.render_pdf(html)
    waves = [w.id for w in choice.selection.waves] if choice.selection else []
    _end_read(session)
    record_action("download_report", area=area, format="pdf",
        waves=waves, rows=model["responses_total"], pages=pages,
        seconds=round(time.perf_counter() - started, 2),
    )  # fmt: skip
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by file_chunks
    spooled.write(pdf)
    name = f"board-report-{area.slug}-{_today(ZoneInfo(area.timezone))}.pdf"
    return _file_response(spooled, name, "application/pdf")


@bp.route("/<area_slug>/results/report.xlsx")
@requires(Permission.DOWNLOAD_RESPONSES)
def board_report_xlsx(area: LocalArea) -> HttpResponse | tuple[str, int]:
    """The board report as a workbook: the same figures and words, a sheet per table."""
    session = db.session()
    choice, model = _chosen_report(area, fmt="xlsx")
    if model is None:
        return _page(area, choice, status=400)
    named = board_pack_tables(
        model, area_tracker_summary(session, area), audience=choice.report_audience
    )
    waves = [w.id for w in choice.selection.waves] if choice.selection else []
    _end_read(session)
    record_action("download_report", area=area, format="xlsx",
        waves=waves, rows=model["responses_total"],
        tables=len(named),
    )  # fmt: skip
    spooled = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by file_chunks
    spooled.write(tables_to_xlsx(named, publication=True))
    name = f"board-report-{area.slug}-{_today(ZoneInfo(area.timezone))}.xlsx"
    return _file_response(spooled, name, XLSX_TYPE)


def _chosen_report(area: LocalArea, *, fmt: str) -> tuple[Choice, Any]:
    """The waves chosen in the query string and their report model (None, with
    the choice's errors filled in, when the choice is not a valid one)."""
    session = db.session()
    if _plan_only(session, area):
        # No survey waves yet: the pack carries the plan's entered KPIs alone (issue 13).
        choice = _analysis_choice(area, fmt=fmt)
        choice.errors = [(key, text) for key, text in choice.errors if key == "audience"]
        choice.selection = None
        if choice.errors:
            return choice, None
        model = report_model.plan_only_report(area)
        return choice, report_model.with_plan_targets(session, area, model)
    choice = _analysis_choice(area, fmt=fmt)
    if choice.errors or choice.selection is None:
        return choice, None
    try:
        session = db.session()
        model = report_model.cached_report(session, area, choice.selection)
        return choice, report_model.with_plan_targets(session, area, model)
    except SelectionError as error:
        choice.errors.append(("baseline", str(error)))
        return choice, None


def _plan_only(session: Any, area: LocalArea) -> bool:
    """Whether the area's board pack is its plan alone: it has a plan but no wave
    yet, so no survey figures can be compared (council and NHS data only)."""
    has_wave = session.scalar(select(Wave.id).where(Wave.area_id == area.id).limit(1))
    has_plan = session.scalar(select(AreaPlan.id).where(AreaPlan.area_id == area.id))
    return has_wave is None and has_plan is not None


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _end_read(session: Any) -> None:
    """End the read transaction before writing the audit event.

    ``data.cached`` may have stored a result on its own connection meanwhile; on
    SQLite a transaction that read before that write cannot write after it.
    """
    session.commit()


def _file_response(file: Any, filename: str, mimetype: str) -> HttpResponse:
    size = file.tell()
    response = Response(
        stream_with_context(downloads.file_chunks(file)),
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Content-Length": str(size),
        },
    )
    return response


def _page(area: LocalArea, choice: Choice, *, status: int = 200) -> tuple[str, int]:
    session = db.session()
    waves = area_waves(session, area)
    counts = dict(
        session.execute(
            select(Wave.id, func.count())
            .select_from(Wave)
            .join(StoredResponse, StoredResponse.wave_id == Wave.id)
            .where(*data.counted(w.id for w in waves))
            .group_by(Wave.id)
        ).all()
    )
    return (
        render_template(
            "staff/results/downloads.html",
            area=area,
            waves=[(w, counts.get(w.id, 0)) for w in waves],
            choice=choice,
            has_errors=bool(choice.errors),
            language_name=language_name,
            audiences=report_model.AUDIENCES,
            plan_only_pack=_plan_only(session, area),
        ),
        status,
    )


def area_waves(session: Any, area: LocalArea) -> list[Wave]:
    """The area's waves, oldest first."""
    return list(
        session.scalars(
            select(Wave).where(Wave.area_id == area.id).order_by(Wave.opens_at, Wave.id)
        )
    )


def _ids(name: str) -> list[int] | None:
    """Integer ids from repeated query parameters; None if any is not a whole number."""
    values = request.args.getlist(name)
    if not all(v.isdigit() and len(v) < 12 for v in values):
        return None
    return [int(v) for v in values]


def _response_choice(area: LocalArea) -> Choice:
    session = db.session()
    choice = Choice(fmt=request.args.get("format", ""))
    if choice.fmt not in RESPONSE_FORMATS:
        choice.errors.append(("format", gettext("Choose CSV or Excel")))
    ids = _ids("wave")
    waves = [area_wave(session, area, i) for i in ids or []]
    if not ids:
        choice.errors.append(("wave", gettext("Choose at least one wave")))
    elif any(w is None for w in waves) or len(set(ids)) != len(ids):
        choice.errors.append(("wave", gettext("Choose waves from the list")))
    else:
        choice.waves = sorted((w for w in waves if w is not None), key=lambda w: w.opens_at)
    return choice


def _covering(session: Any, choice: Choice) -> downloads.Snapshot | None:
    """The responses a download of the chosen waves holds (None when no wave is
    chosen); more than a worksheet takes adds an error to an Excel choice."""
    covering = downloads.snapshot(session, choice.waves) if choice.waves else None
    if covering is not None and choice.fmt == "xlsx" and covering.rows > XLSX_MAX_ROWS:
        choice.errors.append(
            (
                "format",
                gettext(
                    "Excel downloads hold up to %(n)s responses: choose CSV for these waves",
                    n=f"{XLSX_MAX_ROWS:,}",
                ),
            )
        )
    return covering


def _analysis_choice(area: LocalArea, *, fmt: str | None = None) -> Choice:
    session = db.session()
    choice = Choice(
        fmt=fmt or request.args.get("format", ""),
        publication=request.args.get("publication") == "1",
    )
    if choice.fmt not in ANALYSIS_FORMATS:
        choice.errors.append(("analysis-format", gettext("Choose what to download")))
    choice.audience = report_model.audience_name(request.args.get("audience", ""))
    if len(choice.audience) > report_model.AUDIENCE_MAX:
        choice.errors.append(
            (
                "audience",
                gettext(
                    "The board's name must be %(most)d characters or fewer",
                    most=report_model.AUDIENCE_MAX,
                ),
            )
        )
    baseline_ids = _ids("baseline")
    follow_up_ids = _ids("follow_up")
    baseline = (
        area_wave(session, area, baseline_ids[0])
        if baseline_ids and len(baseline_ids) == 1
        else None
    )
    follow_ups = [area_wave(session, area, i) for i in follow_up_ids or []]
    if baseline is None:
        choice.errors.append(("baseline", gettext("Choose the baseline wave from the list")))
    if not follow_up_ids or any(w is None for w in follow_ups):
        choice.errors.append(
            ("follow_up", gettext("Choose one or more follow-up waves from the list"))
        )
    if choice.errors or baseline is None:
        return choice
    try:
        choice.selection = report.make_selection(baseline, [w for w in follow_ups if w is not None])
    except SelectionError as error:
        choice.errors.append(("follow_up", _selection_message(str(error))))
    return choice


def _selection_message(message: str) -> str:
    known = {
        "Choose at least one follow-up wave": gettext("Choose one or more follow-up waves"),
        "The baseline cannot also be a follow-up wave": gettext(
            "The baseline cannot also be a follow-up wave"
        ),
        "Choose each follow-up wave once": gettext("Choose each follow-up wave once"),
        "These waves share no KPI question, so they cannot be compared": gettext(
            "These waves share no KPI question, so they cannot be compared"
        ),
    }
    return known.get(message, message)


def _selection_args(selection: Selection) -> dict[str, Any]:
    return {"baseline": selection.baseline.id, "follow_up": [w.id for w in selection.follow_ups]}


def _today(zone: ZoneInfo) -> str:
    return dt.datetime.now(zone).date().isoformat()


@bp.app_template_filter("download_wave_item")
def _wave_item(row: tuple[Wave, int], chosen: list[str]) -> dict[str, Any]:
    """A wave as a GOV.UK radio or checkbox item, with its number of responses."""
    from analysis.suppression import SMALLEST_SHOWN

    wave, count = row
    # The one small-number wording (as the monitor and every results table): 1 to 4
    # is "fewer than 5".
    words = (
        gettext("fewer than %(n)s responses", n=SMALLEST_SHOWN)
        if 0 < count < SMALLEST_SHOWN
        else ngettext("%(count)s response", "%(count)s responses", count, count=f"{count:,}")
    )
    return {
        "value": str(wave.id),
        "text": wave.name,
        "hint": {"text": words},
        "checked": str(wave.id) in chosen,
    }


@bp.app_template_filter("download_error")
def _error_link(pair: list[str]) -> dict[str, str]:
    """A (field id, message) pair as an error summary link."""
    return {"text": pair[1], "href": f"#{pair[0]}"}
