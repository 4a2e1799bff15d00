"""The read-only results API (ADR 0036): bearer tokens only, published figures,
pages, CSV for Power BI, and problem details for every refusal."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import db
from feedback_app.api import tokens
from feedback_app.api.feed import TABLES
from feedback_app.models import ApiToken, AuditEvent, LocalArea, Membership, StaffUser, utcnow
from tests.support.staff import make_area_with_staff

PER_WAVE = 40
#: Every tabular endpoint under /api/areas/<area>/ (the wave's results take an id).
PATHS = ("plan", "waves", "kpis", "kpi-series", "breakdowns")


def make_token(app: Flask, email: str, slugs: list[str], *, days: int = 30) -> str:
    """A token of ``email`` reading ``slugs``; returns the secret."""
    with app.app_context():
        session = db.session()
        user = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        ids = list(session.scalars(select(LocalArea.id).where(LocalArea.slug.in_(slugs))))
        _token, secret = tokens.issue(
            session, user, name="Power BI", area_ids=ids,
            expires_at=utcnow() + dt.timedelta(days=days),
        )  # fmt: skip
        session.commit()
        return secret


@pytest.fixture
def results_app(app: Flask, demo: dict[str, str]) -> Flask:
    """The demo area with three closed waves of results, and staff in two areas."""
    from feedback_app.demo.results import load_demo_results

    make_area_with_staff(app, "demo")
    make_area_with_staff(app, "north")
    with app.app_context():
        load_demo_results(db.session(), responses_per_wave=PER_WAVE)
    return app


def _get(app: Flask, path: str, secret: str | None) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret is not None else {}
    return app.test_client().get(path, headers=headers)


@contextmanager
def _newest_token(app: Flask) -> Iterator[tuple[Session, ApiToken]]:
    """The newest API token, to change in a session that is committed afterwards."""
    with app.app_context():
        session = db.session()
        token = session.scalars(select(ApiToken).order_by(ApiToken.id.desc())).first()
        assert token is not None
        yield session, token
        session.commit()


def first_wave_id(app: Flask, secret: str) -> int:
    return int(_get(app, "/api/areas/demo/waves", secret).json["items"][0]["wave_id"])


def test_every_table_as_json_and_csv_without_a_session(results_app: Flask) -> None:
    secret = make_token(results_app, "officer@demo.example", ["demo"])
    wave_id = first_wave_id(results_app, secret)
    for name, table in zip([*PATHS, f"waves/{wave_id}/results"], TABLES, strict=True):
        response = _get(results_app, f"/api/areas/demo/{name}", secret)
        assert response.status_code == 200, (name, response.json)
        assert (
            "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"
        )
        body = response.json
        assert body["area"] == "demo" and body["total"] >= 1, name
        assert all(set(item) == {c.name for c in table.columns} for item in body["items"])
        as_csv = _get(results_app, f"/api/areas/demo/{name}.csv", secret)
        assert as_csv.status_code == 200 and as_csv.mimetype == "text/csv", name
        rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True).lstrip("\ufeff"))))
        assert rows[0] == [c.name for c in table.columns], name
        assert len(rows) - 1 == body["total"], name


def test_pages_link_to_each_other(results_app: Flask) -> None:
    secret = make_token(results_app, "officer@demo.example", ["demo"])
    first = _get(results_app, "/api/areas/demo/kpi-series?limit=2", secret).json
    assert len(first["items"]) == 2 and first["links"]["prev"] is None
    second = _get(results_app, first["links"]["next"], secret).json
    assert second["offset"] == 2 and second["items"] != first["items"]
    assert second["baseline"] == first["baseline"]
    bad = _get(results_app, "/api/areas/demo/kpis?limit=0", secret)
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert "limit" in bad.json["detail"]


def test_tokens_of_one_area_read_nothing_of_another(results_app: Flask) -> None:
    north = make_token(results_app, "officer@north.example", ["north"])
    secret = make_token(results_app, "officer@demo.example", ["demo"])
    wave_id = first_wave_id(results_app, secret)
    for name in [*PATHS, f"waves/{wave_id}/results"]:
        for suffix in ("", ".csv"):
            response = _get(results_app, f"/api/areas/demo/{name}{suffix}", north)
            assert response.status_code == 404, name
            assert response.mimetype == "application/problem+json"
            assert response.json["title"] == "Area not found"
    # A demo token cannot reach north's wave by id either.
    assert _get(results_app, f"/api/areas/demo/waves/{wave_id}/results", secret).status_code == 200
    assert _get(results_app, f"/api/areas/north/waves/{wave_id}/results", secret).status_code == 404
    assert _get(results_app, "/api/areas/nowhere/kpis", secret).status_code == 404


def test_missing_unknown_expired_revoked_and_deactivated_tokens_are_refused(
    results_app: Flask,
) -> None:
    app = results_app
    secret = make_token(app, "officer@demo.example", ["demo"])
    assert _get(app, "/api/areas/demo/waves", secret).status_code == 200
    for header in ({}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer "}):
        response = app.test_client().get("/api/areas/demo/waves", headers=header)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith(
            "Bearer"
        )
        assert "Authorization" in response.json["detail"]
    assert (
        _get(app, "/api/areas/demo/waves", secret + "x")
        .json["detail"]
        .startswith("The token is not known")
    )
    # A staff session cookie is no way in.
    from tests.support.staff import signed_in

    browser = signed_in(app.test_client(), "officer@demo.example")
    assert browser.client.get("/api/areas/demo/waves").status_code == 401
    with _newest_token(app) as (_session, token):  # the only one so far
        token.expires_at = utcnow() - dt.timedelta(seconds=1)
    expired = _get(app, "/api/areas/demo/waves", secret)
    assert expired.status_code == 401 and "expired" in expired.json["detail"]
    revoked_secret = make_token(app, "officer@demo.example", ["demo"])
    with _newest_token(app) as (session, token):
        assert tokens.revoke(session, token.user_id, token.id)
    revoked = _get(app, "/api/areas/demo/waves", revoked_secret)
    assert revoked.status_code == 401 and "revoked" in revoked.json["detail"]
    live = make_token(app, "officer@demo.example", ["demo"])
    with app.app_context():
        session = db.session()
        membership = session.scalars(
            select(Membership).join(StaffUser).where(StaffUser.email == "officer@demo.example")
        ).one()
        membership.role = "coordinator"  # no longer sees results
        session.commit()
    lost = _get(app, "/api/areas/demo/waves", live)
    assert lost.status_code == 403 and "no longer" in lost.json["detail"]
    with app.app_context():
        session = db.session()
        user = session.scalars(
            select(StaffUser).where(StaffUser.email == "officer@demo.example")
        ).one()
        user.active = False
        session.commit()
    gone = _get(app, "/api/areas/demo/waves", live)
    assert gone.status_code == 401 and "no longer has access" in gone.json["detail"]
    with app.app_context():
        refused = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "api_refused"))
        assert {e.detail["reason"] for e in refused} >= {"expired", "revoked", "deactivated"}


def test_every_use_is_audited_on_one_row_per_window(results_app: Flask) -> None:
    secret = make_token(results_app, "officer@demo.example", ["demo"])
    for _ in range(3):
        assert _get(results_app, "/api/areas/demo/waves", secret).status_code == 200
    assert _get(results_app, "/api/areas/demo/plan", secret).status_code == 200
    with results_app.app_context():
        reads = list(
            db.session().scalars(select(AuditEvent).where(AuditEvent.action == "api_read"))
        )
        by_endpoint = {e.detail["endpoint"]: e.repeats for e in reads}
        assert by_endpoint == {"api.waves": 3, "api.plan": 1}
        token = db.session().scalars(select(ApiToken)).one()
        assert token.last_used_at is not None


def test_unknown_api_urls_and_methods_answer_in_json(results_app: Flask) -> None:
    client = results_app.test_client()
    missing = client.get("/api/areas/demo/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == "application/problem+json"
    posted = client.post("/api/areas/demo/kpis")
    assert posted.status_code == 405 and posted.mimetype == "application/problem+json"
