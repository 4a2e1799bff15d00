"""The board report: what the page and the PDF show, and the PDF itself.

Laid out like the "analysis of the baseline parent carer survey" reports councils
take to their SEND Improvement Board: who responded, a headline KPI table, each
KPI with its chart and a plain-English sentence, breakdowns, what families wrote
about (themes), and the method with its suppression notes.

Publication suppression is always on: the report leaves the officer role (boards,
minutes, websites), so counts of 1-4 and what would reveal them are withheld.
Every figure comes from ``report.analyse`` (``analysis/``); this module only
reshapes it into a JSON-able dict, cached by ``data.cached``. Charts are drawn
when the page is rendered (``charts.py``), from the cached figures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import url_for
from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis import WaveEstimate
from analysis.render_csv import publication_percent
from analysis.rounding import format_number, format_percent
from analysis.suppression import published_sum, published_total
from analysis.tables import flag
from feedback_app.definitions import questionnaire_for
from feedback_app.models import AreaPlan, LocalArea
from feedback_app.plan.benchmarks.service import comparator_name
from feedback_app.results import charts, data
from feedback_app.results.board.status_rules import Outcome
from feedback_app.results.board.view_model import BoardRow, build_board, find_row
from feedback_app.results.compare.service import group_name
from feedback_app.results.downloads.analysis_tables import Results, Selection, analyse
from feedback_app.web.local_days import local_day
from surveys.kpis import BenchmarkFigure, KpiDefinition

if TYPE_CHECKING:
    from analysis import KpiComparison

STATIC = Path(__file__).resolve().parents[2] / "static"
#: The only files the PDF renderer may read: our report stylesheet.
PDF_FILES = {"report.css": STATIC / "report.css"}
#: Tagged, accessible PDF (ISO 14289-1); WeasyPrint >= 70 tags SVG charts as figures.
PDF_VARIANT = "pdf/ua-1"
#: Themes and quotes shown per free-text question.
TOP_THEMES = 6
QUOTES_PER_THEME = 2


def cached_report(session: Session, area: LocalArea, selection: Selection) -> dict[str, Any]:
    """The report of ``selection`` (see :func:`board_report`), from the cache when current."""
    return data.cached(
        session,
        area,
        "report.board",
        selection.params,
        selection.waves,
        lambda: board_report(session, area, selection),
        extra=data.corrections_fingerprint(session, selection.waves),
    )


def board_report(session: Session, area: LocalArea, selection: Selection) -> dict[str, Any]:
    """The report's figures and words as a JSON-able dict."""
    results = analyse(session, selection, publication=True)
    latest = results.comparisons[-1]
    questionnaire = questionnaire_for(selection.baseline.version)
    return {
        "area": area.name,
        "baseline": results.labels[0],
        "latest": results.labels[-1],
        "waves": list(results.labels),
        "responses": _responses(results),
        # The report is published: a wave of 1 to 4 responses is withheld, and so
        # is the total that would give it away (analysis.suppression).
        "responses_total": published_sum(d.responses for d in results.descriptions),
        "kpis": [_kpi(item, results, questionnaire) for item in latest.kpis],
        "themes": _themes(results, selection),
        "method": [[name, str(value)] for name, value in asdict(latest.method).items()],
        "generated": dt.date.today().isoformat(),
    }


def plan_only_report(area: LocalArea) -> dict[str, Any]:
    """The report of an area with a plan but no survey wave yet: no survey figures,
    so the pack is the plan's entered KPIs (``with_plan_targets`` adds them)."""
    return {
        "area": area.name,
        "baseline": "",
        "latest": "",
        "waves": [],
        "responses": [],
        "responses_total": 0,
        "kpis": [],
        "themes": [],
        "method": [],
        "generated": dt.date.today().isoformat(),
    }


#: The longest board name a report title takes.
AUDIENCE_MAX = 120
#: Boards officers report to, offered as suggestions (any name can be typed).
AUDIENCES = (
    _l("SEND Improvement Board"),
    _l("Health and Wellbeing Board"),
    _l("SEND Partnership Board"),
    _l("Children and Young People's Partnership"),
    _l("Parent carer forum steering group"),
)


def audience_name(typed: str) -> str:
    """The board an officer typed, spaces tidied and a leading "the" dropped (the
    title says "results for the ...")."""
    words = typed.split()
    if words and words[0].casefold() == "the":
        words = words[1:]
    return " ".join(words)


def with_plan_targets(session: Session, area: LocalArea, report: dict[str, Any]) -> dict[str, Any]:
    """``report`` with each KPI's staged targets from the area's plan, judged as the
    board judges them (level from the agreed baseline, on each target's own date).

    Added after the cache, so a change to the plan shows at once.
    """
    board = build_board(session, area)
    kpis = []
    for kpi in report["kpis"]:
        row = find_row(board, kpi["id"])
        if row is None:  # a KPI of the question bank that is not in the plan
            kpis.append(
                {**kpi, "plan_targets": [], "agreed_baseline": "", "benchmarks": [],
                 "status": None, "commentary": None, "trend": kpi["series"][-TREND_POINTS:]}
            )  # fmt: skip
            continue
        # The trend is the report's own series (suppressed for publication).
        kpis.append({**kpi, **_plan_parts(row), "trend": kpi["series"][-TREND_POINTS:]})
    entered = []
    for row in board.rows:
        if row.kpi.kind != "entered":
            continue
        latest = row.latest_point
        change = row.latest_change
        unit = gettext("points") if row.kpi.is_percentage else (row.kpi.unit or "")
        entered.append(
            {
                "id": row.kpi.id,
                "reference": row.reference,
                "title": row.kpi.title,
                "latest": _level_text(latest.point, percentage=row.kpi.is_percentage,
                                      unit=row.kpi.unit) if latest else "",
                "latest_period": latest.label if latest else "",
                "change_text": f"{format_number(change, 1, sign=True)} {unit}".strip()
                if change is not None else "",
                "trend": [
                    {"wave": label, "text": _level_text(value, percentage=row.kpi.is_percentage,
                                                        unit=row.kpi.unit), "flag": ""}
                    for label, value in row.trend_points[-TREND_POINTS:]
                ],
                **_plan_parts(row),
            }
        )  # fmt: skip
    plan = session.scalar(select(AreaPlan).where(AreaPlan.area_id == area.id))
    plan_version = (
        {
            "number": plan.version,
            "date": format_date(local_day(plan.updated_at, area.timezone), "d MMMM yyyy"),
        }
        if plan is not None
        else None
    )
    return {**report, "kpis": kpis, "entered": entered, "plan_version": plan_version}


#: The trend a board pack shows: the last six figures, oldest first (as the board).
TREND_POINTS = 6


def _plan_parts(row: BoardRow) -> dict[str, Any]:
    """What the plan adds to a KPI of the report, as the board shows it: the staged
    targets with their judgements, benchmarks, agreed baseline, status and commentary."""
    kpi = row.kpi
    agreed = kpi.baseline_figure
    return {
        "plan_targets": [
            {
                "level": _level_text(target.level, percentage=kpi.is_percentage, unit=kpi.unit),
                "label": target.target.label or "",
                "due": format_date(target.due_on, "d MMM yyyy") if target.due_on else None,
                "status": target.status.value,
                "judged_on": target.judged_on.label if target.judged_on else "",
                "benchmark": _benchmark_text(target.benchmark_figure, kpi),
            }
            for target in row.targets
        ],
        "benchmarks": [
            {
                "name": comparator_name(figure),
                "value": _level_text(figure.value, percentage=kpi.is_percentage, unit=kpi.unit),
                "period": figure.period,
                "source": figure.source,
                "published": format_date(figure.published_on, "d MMM yyyy"),
            }
            for figure in row.published
        ],
        "agreed_baseline": _level_text(agreed, percentage=kpi.is_percentage, unit=kpi.unit)
        if agreed is not None
        else "",
        "status": _status(row.status),
        "commentary": _commentary(row),
    }


def _status(outcome: Outcome) -> dict[str, str]:
    """The KPI's status in the board's words (``status_tag``), and the override."""
    if outcome.label and outcome.override:
        text = outcome.label
    elif outcome.label:
        text = f"{outcome.label}: {outcome.words}"
    else:
        text = f"{outcome.colour_name}: {outcome.words}"
    override = outcome.override
    return {
        "text": text,
        "override": gettext(
            "Override: %(reason)s (%(by)s, %(date)s). The rules give: %(status)s",
            reason=override.reason,
            by=override.by or gettext("someone no longer here"),
            date=format_date(override.on, "d MMM yyyy"),
            status=f"{override.derived.colour_name}: {override.derived.words}",
        )
        if override
        else "",
    }


def _commentary(row: BoardRow) -> dict[str, str] | None:
    """The KPI's latest commentary, whole, with who wrote it and when."""
    if not row.commentary:
        return None
    latest = row.commentary[0]
    return {
        "body": latest.body,
        "author": latest.author or gettext("a former member of staff"),
        "date": format_date(latest.created_at, "d MMM yyyy"),
    }


def _benchmark_text(figure: BenchmarkFigure | None, kpi: KpiDefinition) -> str:
    if figure is None:
        return ""
    value = _level_text(figure.value, percentage=kpi.is_percentage, unit=kpi.unit)
    return f"{comparator_name(figure)} {value}"


def _level_text(value: float | None, *, percentage: bool, unit: str | None) -> str:
    # One rounding rule with the board: half away from zero, one decimal place.
    if value is None:
        return ""
    if percentage:
        return format_percent(value, 1)
    return f"{format_number(value, 1)} {unit or ''}".strip()


def kpi_figure(kpi: dict[str, Any]) -> charts.Figure:
    """The chart of one KPI: each wave's percentage and interval, and the target."""
    points = tuple(
        charts.Point(
            label=p["wave"],
            percent=p["percent"],
            low=p["ci_low"],
            high=p["ci_high"],
            base=p["base"],
            caution=p["flag"] == "caution",
        )
        for p in kpi["series"]
    )
    return charts.interval_chart(
        charts.Series(kpi["short_title"], points),
        chart_id=f"chart-{kpi['id']}",
        title=kpi["short_title"],
        target=kpi["target_percent"],
    )


def kpi_document_figure(kpi: dict[str, Any]) -> charts.Figure:
    """The chart of one KPI for the tagged PDF: its alternative text says what it shows."""
    return kpi_figure(kpi).for_document()


def report_css_url() -> str:
    """The report stylesheet's URL, versioned by its content (static files are cached)."""
    return url_for("static", filename="report.css", v=_css_version())


@lru_cache(maxsize=1)
def _css_version() -> str:
    return hashlib.sha256(PDF_FILES["report.css"].read_bytes()).hexdigest()[:12]


def render_pdf(html: str) -> tuple[bytes, int]:
    """The report page as PDF, and its number of pages.

    The PDF is tagged PDF/UA-1 (ISO 14289-1): a structure tree with headings,
    tables with header cells, lists and figures with alternative text, the
    document's language (``<html lang>``), its title (``<title>``, shown in the
    title bar) and bookmarks from the headings, so a screen reader can read it and
    it can be published under the accessibility regulations.

    WeasyPrint fetches nothing from the network or the disk beyond our report
    stylesheet (``static/report.css``): every other URL is refused.
    """
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=STATIC.as_uri() + "/", url_fetcher=_static_fetcher()
    ).render(pdf_variant=PDF_VARIANT)
    return document.write_pdf(pdf_variant=PDF_VARIANT), len(document.pages)


def _static_fetcher() -> Any:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = {path.as_uri(): path for path in PDF_FILES.values()}

    class StaticOnly(URLFetcher):
        """Serves our report stylesheet; refuses every other URL."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = allowed.get(url.split("?")[0])
            if path is None:
                raise ValueError(f"the board report may not load {url!r}")
            return URLFetcherResponse(
                url, path.read_bytes(), {"Content-Type": "text/css; charset=utf-8"}
            )

    return StaticOnly()


def percent_text(value: float | None) -> str:
    """A published percentage: whole number, ``<1%`` for tiny non-zero values."""
    if value is None:
        return ""
    return f"{publication_percent(value)}%"


def _estimate(estimate: WaveEstimate) -> dict[str, Any]:
    return {
        "wave": estimate.wave,
        "base": estimate.base,
        "percent": estimate.percent,
        "ci_low": estimate.ci_low,
        "ci_high": estimate.ci_high,
        "flag": flag(estimate),
        "text": percent_text(estimate.percent),
    }


def _kpi(item: KpiComparison, results: Results, questionnaire: Any) -> dict[str, Any]:
    kpi = item.kpi
    series = [_estimate(item.baseline), _estimate(item.follow_up)]
    trend_sentence = ""
    if results.trend is not None:
        found = next((t for t in results.trend.kpis if t.kpi.id == kpi.id), None)
        if found is not None:
            series = [_estimate(step.estimate) for step in found.steps]
            trend_sentence = found.trend.sentence if found.trend is not None else ""
    target = item.target
    return {
        "id": kpi.id,
        "reference": kpi.reference or kpi.id,
        "title": kpi.title,
        "short_title": kpi.label,
        "frequency": kpi.frequency,
        "baseline": _estimate(item.baseline),
        "latest": _estimate(item.follow_up),
        "change_pp": item.change.change_pp,
        "change_text": _change_text(item.change.change_pp),
        "direction": item.change.direction.value,
        "target_percent": target.target_percent if target else None,
        "target_text": percent_text(target.target_percent) if target else "",
        "target_status": target.status.value if target else "",
        "due": kpi.target.due if kpi.target else None,
        "summary": item.summary,
        "trend_sentence": trend_sentence,
        "series": series,
        "breakdowns": _breakdowns(item, questionnaire),
    }


def _breakdowns(item: KpiComparison, questionnaire: Any) -> list[dict[str, Any]]:
    out = []
    for breakdown in item.breakdowns:
        question = questionnaire.question(breakdown.column)
        out.append(
            {
                "column": breakdown.column,
                "name": _breakdown_name(breakdown.column, question),
                "groups": [
                    {
                        "group": group_name(breakdown.column, g.group, question),
                        "baseline": _estimate(g.baseline),
                        "latest": _estimate(g.follow_up),
                        "change_text": _change_text(g.change.change_pp),
                        "direction": g.change.direction.value,
                    }
                    for g in breakdown.groups
                ],
            }
        )
    return out


def _breakdown_name(column: str, question: Any) -> str:
    names = {
        "plan_type": gettext("Type of support"),
        "age_phase": gettext("Age of child"),
        "locality": gettext("Locality"),
        "language": gettext("Language"),
        "channel": gettext("Online or paper"),
    }
    return names.get(column) or (question.text if question is not None else column)


def _responses(results: Results) -> list[dict[str, Any]]:
    rows = []
    for description in results.descriptions:
        channels = next((d for d in description.distributions if d.question == "channel"), None)
        rows.append(
            {
                "wave": description.wave,
                "responses": published_total(description.responses),
                "channels": [
                    [group_name("channel", o.option, None), o.count, percent_text(o.percent)]
                    for o in (channels.options if channels else ())
                ],
            }
        )
    return rows


def _themes(results: Results, selection: Selection) -> list[dict[str, Any]]:
    wording = {
        q.id: q.text for w in selection.waves for q in questionnaire_for(w.version).questions()
    }
    out: list[dict[str, Any]] = []
    for question, report in results.theme_reports:
        waves = list(report.waves)
        by_theme: dict[str, dict[str, Any]] = {}
        for count in report.counts:
            entry = by_theme.setdefault(
                count.theme, {"theme": count.theme, "label": count.label, "waves": {}}
            )
            entry["waves"][count.wave] = percent_text(count.percent) if count.comments else ""
        movement = {c.theme: c.movement for c in report.changes}
        last = [c for c in report.counts if c.wave == waves[-1]]
        ranked = sorted(last, key=lambda c: -(c.percent or 0))[:TOP_THEMES]
        quotes = dict(report.quotes)
        out.append(
            {
                "question": question,
                "text": wording.get(question, question),
                "waves": waves,
                "comments": {c.wave: c.comments for c in report.counts},
                "themes": [
                    {**by_theme[c.theme], "movement": movement.get(c.theme, "")} for c in ranked
                ],
                "quotes": [
                    (by_theme[c.theme]["label"], list(quotes.get(c.theme, ())[:QUOTES_PER_THEME]))
                    for c in ranked
                    if quotes.get(c.theme)
                ],
            }
        )
    return out


def _change_text(change: float | None) -> str:
    if change is None:
        return ""
    shown = publication_percent(change)
    if isinstance(shown, int):
        return f"{shown:+d} " + gettext("points")
    return f"{shown} " + gettext("points")
