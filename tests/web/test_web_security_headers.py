"""Security headers on every kind of response (docs/quality-bar.md)."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.support.browser import PageBrowser

PATHS = ["/", "/privacy", "/accessibility", "/s/demo-event-feedback", "/s/nope", "/healthz"]


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_security_headers(
    app: Flask, demo: dict[str, str], path: str
) -> None:
    response = app.test_client().get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in [
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "script-src 'self'",
    ]:
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_https(app: Flask, demo: dict[str, str]) -> None:
    response = app.test_client().get("/", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_inline_script_in_pages(app: Flask, demo: dict[str, str], browser: PageBrowser) -> None:
    html = browser.get("/s/demo-event-feedback").get_data(as_text=True)
    assert "<script>" not in html
    assert "<script " in html and 'src="/static/dist/app.js' in html


def test_session_cookie_is_httponly_and_lax(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    browser.get("/s/demo-event-feedback")
    response = browser.client.post(
        "/s/demo-event-feedback/start", data={"csrf_token": browser.csrf_token()}
    )
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_static_assets_are_cached_for_a_year(app: Flask) -> None:
    response = app.test_client().get("/static/pictures/face_happy.svg")
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
