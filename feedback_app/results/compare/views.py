"""Comparing waves: two waves side by side, breakdowns, free text and trends (GET pages)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext
from werkzeug.wrappers import Response as HttpResponse

from analysis import AnalysisInputError
from feedback_app import db
from feedback_app.definitions import questionnaire_for
from feedback_app.models import LocalArea, Wave
from feedback_app.results.compare import service as compare
from feedback_app.results.compare.service import CompareError
from feedback_app.results.themes import service as themes
from feedback_app.staff.auth import requires
from feedback_app.staff.roles import Permission

bp = Blueprint("compare", __name__, url_prefix="/staff")

Page = str | HttpResponse | tuple[str, int]


def _chosen(waves: list[Wave]) -> tuple[str, str]:
    """The baseline and follow-up ids asked for (defaults: the latest two comparable
    waves with data, else the latest two waves)."""
    pair = compare.default_pair(db.session(), waves)
    if pair is None and len(waves) >= 2:
        pair = (waves[-2], waves[-1])
    default_first, default_second = (str(pair[0].id), str(pair[1].id)) if pair else ("", "")
    return (
        request.args.get("baseline", default_first),
        request.args.get("follow_up", default_second),
    )


def _unreadable(error: AnalysisInputError, field: str = "baseline") -> CompareError:
    """Answers analysis cannot read (a code a question does not offer, from an old import
    or a hand edit) as the officer's message naming the response, as the board says it;
    never a 500."""
    return CompareError(
        gettext("The answers could not be analysed: %(problem)s", problem=str(error)), field
    )


def _pair_page(
    area: LocalArea, template: str, build: Any, figures: Any = None, **context: Any
) -> Page:
    """Render ``template`` for the chosen pair; a bad choice re-shows the form with 400."""
    session = db.session()
    waves = compare.area_waves(session, area)
    baseline, follow_up = _chosen(waves)
    submitted = "baseline" in request.args or "follow_up" in request.args
    error: CompareError | None = None
    pair: tuple[Wave, Wave, compare.Shared] | None = None
    result: Any = None
    if submitted or template != "staff/results/compare.html":
        try:
            pair = compare.choose_pair(session, area, baseline, follow_up)
            result = build(session, *pair)
        except CompareError as exc:
            error, pair = exc, None
        except AnalysisInputError as exc:
            error, pair, result = _unreadable(exc), None, None
    drawn = figures(result, pair) if figures is not None and result is not None else {}
    if error is not None and template != "staff/results/compare.html":
        template = "staff/results/compare.html"
    page = render_template(
        template,
        area=area,
        waves=waves,
        baseline=baseline,
        follow_up=follow_up,
        error=error,
        pair=pair,
        result=result,
        figures=drawn,
        **context,
    )
    return (page, 400) if error is not None else page


@bp.get("/<area_slug>/results/compare")
@requires(Permission.VIEW_RESULTS)
def compare_waves(area: LocalArea) -> Page:
    """Pick two waves; every shared KPI and closed question, option by option."""
    return _pair_page(
        area,
        "staff/results/compare.html",
        lambda session, first, second, shared: compare.comparison(
            session, area, first, second, shared
        ),
        lambda result, pair: compare.comparison_figures(result, pair[0], pair[1]),
    )


@bp.get("/<area_slug>/results/compare/breakdowns")
@requires(Permission.VIEW_RESULTS)
def breakdowns(area: LocalArea) -> Page:
    """Each shared KPI broken down by one grouping, small numbers suppressed, and reach."""
    by = request.args.get("by", "")
    found: dict[str, Any] = {}

    def build(session: Any, first: Wave, second: Wave, shared: compare.Shared) -> Any:
        available = compare.breakdown_dimensions(
            [questionnaire_for(w.version) for w in (first, second)]
        )
        chosen = by or available[0][0]
        if chosen not in dict(available):
            abort(404)
        found.update(dimensions=available, by=chosen)
        if not shared.kpis:
            return None
        return compare.breakdown(session, area, first, second, shared, chosen)

    return _pair_page(
        area,
        "staff/results/compare_breakdowns.html",
        build,
        lambda result, pair: compare.breakdown_figures(result, pair[0], pair[1], found["by"]),
        found=found,
    )


@bp.get("/<area_slug>/results/compare/free-text")
@requires(Permission.VIEW_RESULTS)
def free_text(area: LocalArea) -> Page:
    """Themes per wave with change, sentiment (English only) and redacted quotes."""
    return _pair_page(
        area,
        "staff/results/compare_free_text.html",
        lambda session, first, second, shared: themes.free_text(
            session, area, first, second, shared
        ),
    )


@bp.get("/<area_slug>/results/trend")
@requires(Permission.VIEW_RESULTS)
def trend(area: LocalArea) -> Page:
    """Three or more waves chosen with checkboxes: each shared KPI over time."""
    session = db.session()
    waves = compare.area_waves(session, area)
    chosen = request.args.getlist("wave")
    submitted = "show" in request.args or bool(chosen)
    error: CompareError | None = None
    result: Any = None
    picked: list[Wave] = []
    if submitted:
        try:
            picked = compare.choose_trend(session, area, chosen)
            result = compare.trend(session, area, picked)
        except CompareError as exc:
            error = exc
        except AnalysisInputError as exc:
            error, result = _unreadable(exc, "wave"), None
    page = render_template(
        "staff/results/compare_trend.html",
        area=area,
        waves=waves,
        chosen=set(chosen)
        if submitted
        else {str(w.id) for w in compare.default_trend(session, waves)},
        error=error,
        picked=picked,
        result=result,
        figures=compare.trend_figures(result) if result is not None else {},
    )
    return (page, 400) if error is not None else page
