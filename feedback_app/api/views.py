"""The read-only results API (ADR 0036): JSON and CSV of published figures.

``Authorization: Bearer <token>`` only: no cookie is read or set, so there is no
session and no CSRF to check, and every route is GET. Errors are RFC 9457 problem
details (``application/problem+json``): 401 for a missing, unknown, expired or
revoked token or a deactivated owner; 404 for an area the token does not read (or
that does not exist: the two look the same); 403 when the token reads the area but
its owner no longer has a role there that sees results; 400 for bad parameters.
Every use is audited as ``api_read``, grouped (one row per token, area and
endpoint per 15 minutes with a count, ``staff.audit.GROUPED_ACTIONS``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NoReturn

from flask import Blueprint, Response, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.api import feed, tokens
from feedback_app.api.openapi import document
from feedback_app.models import ApiToken, LocalArea, Wave
from feedback_app.results.downloads.analysis_tables import Selection
from feedback_app.staff import audit
from feedback_app.web.errors import problem_response
from feedback_app.web.exports import csv_response

bp = Blueprint("api", __name__, url_prefix="/api")

#: Items per page unless ``limit`` says otherwise, and the most ``limit`` may be.
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
#: The longest secret looked up (tokens are 43 characters).
MAX_SECRET = 200

_REFUSALS = {
    tokens.Refused.UNKNOWN: "The token is not known. Check you copied all of it.",
    tokens.Refused.EXPIRED: "The token has expired. Make a new one on the API tokens page.",
    tokens.Refused.REVOKED: "The token has been revoked. Make a new one on the API tokens page.",
    tokens.Refused.DEACTIVATED: "The token's owner no longer has access to the service.",
}


class Problem(Exception):
    """An RFC 9457 problem: the status, a short title and what to do."""

    def __init__(self, status: int, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


@bp.errorhandler(Problem)
def _problem(error: Problem) -> Response:
    return problem_response(error.status, error.title, error.detail)


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Set-Cookie", None)
    return response


def _fail(status: int, title: str, detail: str) -> NoReturn:
    raise Problem(status, title, detail)


def _reader(area_slug: str) -> tuple[LocalArea, ApiToken]:
    """The area asked for and the token that may read it, with the use audited."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        _fail(401, "Token needed", "Send a personal access token in the Authorization header:"
              " 'Authorization: Bearer <token>'. Make one on the API tokens page.")  # fmt: skip
    session = db.session()
    found = tokens.find(session, secret[:MAX_SECRET])
    if found.token is None:
        refused = found.refused or tokens.Refused.UNKNOWN
        if found.owner_id is not None:  # unknown tokens would be in no area's log
            db.begin_write(session)
            audit.record_for_account(
                session, "api_refused", user_id=found.owner_id, reason=refused.value
            )
        _fail(401, "Token refused", _REFUSALS[refused])
    token = found.token
    area = session.scalar(select(LocalArea).where(LocalArea.slug == area_slug))
    if area is None or area.id not in {link.area_id for link in token.areas}:
        _fail(404, "Area not found", "This token reads no area with that name.")
    if not tokens.may_read(session, token, area.id):
        _fail(403, "No longer allowed", "The token's owner no longer has a role that sees"
              " results in this area, so the token reads nothing here.")  # fmt: skip
    db.begin_write(session)
    tokens.mark_used(token)
    audit.record(
        session, "api_read", user_id=token.user_id, area_id=area.id, commit=False,
        token=token.id, endpoint=request.endpoint,
    )  # fmt: skip
    session.commit()
    return area, token


def _int_arg(name: str, default: int | None, *, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 12 or not low <= int(raw) <= high:
        _fail(400, "Bad parameter", f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def _ids(name: str) -> list[int]:
    values = request.args.getlist(name)
    if not all(v.isdigit() and len(v) < 12 for v in values):
        _fail(400, "Bad parameter", f"{name} must be wave ids (whole numbers).")
    return [int(v) for v in values]


def _selection(area: LocalArea) -> Selection:
    baselines = _ids("baseline")
    if len(baselines) > 1:
        _fail(400, "Bad parameter", "Give one baseline wave.")
    try:
        return feed.selection(
            db.session(), area, baselines[0] if baselines else None, _ids("follow_up")
        )
    except feed.UnknownWave as error:
        _fail(404, "Wave not found", str(error))
    except feed.FeedError as error:
        _fail(400, "Waves cannot be compared", str(error))


def _page(rows: list[dict[str, Any]], **about: Any) -> Response:
    """One page of ``rows`` with links to the next and previous pages."""
    limit = _int_arg("limit", DEFAULT_LIMIT, low=1, high=MAX_LIMIT) or DEFAULT_LIMIT
    offset = _int_arg("offset", 0, low=0, high=10**9) or 0
    # Only the choice of waves is carried to the other pages' links.
    args: dict[str, Any] = {
        k: request.args.getlist(k) for k in ("baseline", "follow_up") if k in request.args
    }
    values = dict(request.view_args or {})

    def link(at: int) -> str:
        return url_for(request.endpoint or "", **values, **args, limit=limit, offset=at)

    return jsonify(
        {
            **about,
            "total": len(rows),
            "limit": limit,
            "offset": offset,
            "items": rows[offset : offset + limit],
            "links": {
                "self": link(offset),
                "next": link(offset + limit) if offset + limit < len(rows) else None,
                "prev": link(max(0, offset - limit)) if offset > 0 else None,
            },
        }
    )


def _csv(table: feed.Table, rows: list[dict[str, Any]], area: LocalArea) -> Response:
    names = [column.name for column in table.columns]

    def lines() -> Iterator[list[Any]]:
        yield names
        for row in rows:
            yield [row[name] for name in names]

    return csv_response(lines(), f"{area.slug}-{table.name}.csv")


def _tabular(table: feed.Table, rows: list[dict[str, Any]], area: LocalArea, fmt: str,
             **about: Any) -> Response:  # fmt: skip
    if fmt == "csv":
        return _csv(table, rows, area)
    return _page(rows, area=area.slug, **about)


def _selection_about(chosen: Selection) -> dict[str, Any]:
    return {"baseline": chosen.baseline.id, "follow_up": [w.id for w in chosen.follow_ups]}


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document (public: it holds no figures)."""
    return jsonify(document())


@bp.get("/areas/<area_slug>/plan")
@bp.get("/areas/<area_slug>/plan.csv", endpoint="plan_csv", defaults={"fmt": "csv"})
def plan(area_slug: str, fmt: str = "json") -> Response:
    area, _token = _reader(area_slug)
    return _tabular(feed.PLAN, feed.plan_rows(db.session(), area), area, fmt)


@bp.get("/areas/<area_slug>/waves")
@bp.get("/areas/<area_slug>/waves.csv", endpoint="waves_csv", defaults={"fmt": "csv"})
def waves(area_slug: str, fmt: str = "json") -> Response:
    area, _token = _reader(area_slug)
    return _tabular(feed.WAVES, feed.wave_rows(db.session(), area), area, fmt)


def _selected_rows(
    table: feed.Table,
    rows_for: Callable[[Session, LocalArea, Selection], list[dict[str, Any]]],
    area_slug: str,
    fmt: str,
) -> Response:
    """A table of the KPIs the request selects (``_selection``), for a reader of the area."""
    area, _token = _reader(area_slug)
    chosen = _selection(area)
    rows = _rows(lambda: rows_for(db.session(), area, chosen))
    return _tabular(table, rows, area, fmt, **_selection_about(chosen))


@bp.get("/areas/<area_slug>/kpis")
@bp.get("/areas/<area_slug>/kpis.csv", endpoint="kpis_csv", defaults={"fmt": "csv"})
def kpis(area_slug: str, fmt: str = "json") -> Response:
    return _selected_rows(feed.KPIS, feed.kpi_rows, area_slug, fmt)


@bp.get("/areas/<area_slug>/kpi-series")
@bp.get("/areas/<area_slug>/kpi-series.csv", endpoint="kpi_series_csv", defaults={"fmt": "csv"})
def kpi_series(area_slug: str, fmt: str = "json") -> Response:
    return _selected_rows(feed.KPI_SERIES, feed.kpi_series_rows, area_slug, fmt)


@bp.get("/areas/<area_slug>/breakdowns")
@bp.get("/areas/<area_slug>/breakdowns.csv", endpoint="breakdowns_csv", defaults={"fmt": "csv"})
def breakdowns(area_slug: str, fmt: str = "json") -> Response:
    return _selected_rows(feed.BREAKDOWNS, feed.breakdown_rows, area_slug, fmt)


@bp.get("/areas/<area_slug>/waves/<int:wave_id>/results")
@bp.get(
    "/areas/<area_slug>/waves/<int:wave_id>/results.csv",
    endpoint="wave_results_csv",
    defaults={"fmt": "csv"},
)
def wave_results(area_slug: str, wave_id: int, fmt: str = "json") -> Response:
    area, _token = _reader(area_slug)
    wave = db.session().get(Wave, wave_id)
    if wave is None or wave.area_id != area.id:
        _fail(404, "Wave not found", "The area has no wave with that id (see /waves).")
    rows = feed.wave_result_rows(db.session(), area, wave)
    return _tabular(feed.WAVE_RESULTS, rows, area, fmt, wave_id=wave.id)


def _rows(make: Any) -> list[dict[str, Any]]:
    try:
        rows: list[dict[str, Any]] = make()
    except feed.FeedError as error:
        _fail(400, "Waves cannot be compared", str(error))
    return rows
