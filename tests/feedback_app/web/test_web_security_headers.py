"""Security headers on every route (docs/quality-bar.md, "Security and privacy").

Routes are discovered from ``app.url_map``: every GET route is requested, with real
ids from the demo area where the route takes them (a wave, its version, a draft,
a page, a question), signed in as an administrator for staff routes, signed out
for the rest. A new page is checked the moment it is registered.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.support.browser import PageBrowser
from tests.support.route_values import build_url, demo_route_values
from tests.support.staff import signed_in

PATHS = ["/", "/privacy", "/accessibility", "/s/demo-event-feedback", "/s/nope", "/healthz"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _check(response, where: str, *, https: bool) -> None:  # type: ignore[no-untyped-def]
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("frame-ancestors") == ["'none'"], where
    assert directives.get("object-src") == ["'none'"], where
    assert directives.get("base-uri") == ["'none'"], where
    assert directives.get("script-src") == ["'self'"], where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    if https:
        assert headers.get("Strict-Transport-Security", "").startswith("max-age="), where
    else:
        assert "Strict-Transport-Security" not in headers, where
    if response.request.path.startswith("/static/"):
        assert "immutable" in headers["Cache-Control"], where
    else:
        # Any page may show answers or a staff member's data: never cached anywhere.
        assert headers.get("Cache-Control") == "no-store", where
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        assert not INLINE_SCRIPT.search(html), f"{where}: inline script"
        assert not EVENT_HANDLER.search(html), f"{where}: inline event handler"


@pytest.mark.parametrize("path", PATHS)
def test_every_response_has_the_security_headers(
    app: Flask, demo: dict[str, str], path: str
) -> None:
    _check(app.test_client().get(path), path, https=False)


def test_every_get_route_has_the_security_headers(app: Flask, demo: dict[str, str]) -> None:
    values = demo_route_values(app, demo.get("event_feedback", "demo-event-feedback"))
    staff = signed_in(app.test_client(), "administrator@demo.example").client
    public = app.test_client()
    # A respondent part-way through, so question pages render rather than redirect.
    respondent = PageBrowser(app.test_client())
    respondent.get(f"/s/{values['slug']}")
    respondent.post(f"/s/{values['slug']}/start")
    checked, rendered = 0, 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "staff.logout":
            continue
        url = build_url(rule, values)
        client = staff if url.startswith("/staff/") else respondent.client
        for https in (True, False):
            base = "https://localhost" if https else "http://localhost"
            response = client.get(url, base_url=base)
            try:
                assert response.status_code < 500, f"{url}: {response.status_code}"
                _check(response, url, https=https)
                response.get_data()  # a streamed download runs to the end
            finally:
                response.close()
        checked += 1
        rendered += response.status_code == 200
    # Most routes must really render (not just 404), or the check proves little.
    assert checked >= 40 and rendered >= checked * 0.7, (checked, rendered)
    # Signed-out visitors get the same headers on redirects to sign in.
    _check(public.get("/staff/demo/", base_url="https://localhost"), "signed out", https=True)


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


def test_no_inline_script_in_pages(app: Flask, demo: dict[str, str], browser: PageBrowser) -> None:
    html = browser.get("/s/demo-event-feedback").get_data(as_text=True)
    assert "<script>" not in html
    assert "<script " in html and 'src="/static/dist/app.js' in html
