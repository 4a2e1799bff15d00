"""The session cookie is re-signed only when the session changed or is an hour old
(feedback_app/web/session_cookie.py, ADR 0041), and still expires as before."""

from __future__ import annotations

import time
import types

import itsdangerous.timed
import pytest
from flask import Flask

from feedback_app.web import session_cookie
from tests.support.browser import PageBrowser

SURVEY = "/s/demo-event-feedback"
OTHER_SURVEY = "/s/demo-parent-annual"


def _started(browser: PageBrowser) -> str:
    """Start the demo event survey; the path of its first question page."""
    browser.get(SURVEY)
    started = browser.client.post(f"{SURVEY}/start", data={"csrf_token": browser.csrf_token()})
    assert started.status_code == 302
    assert "Set-Cookie" in started.headers  # the session changed: a new response
    return started.headers["Location"]


def test_an_unchanged_session_is_not_signed_again(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    page = _started(browser)
    first = browser.client.get(page)
    assert first.status_code == 200
    again = browser.client.get(page)
    assert again.status_code == 200
    assert "Set-Cookie" not in again.headers


def test_a_changed_session_is_signed(
    app: Flask, demo: dict[str, str], browser: PageBrowser
) -> None:
    page = _started(browser)
    assert "Set-Cookie" not in browser.client.get(page).headers
    # Starting a second survey adds its response to the session: the cookie is re-set.
    browser.get(OTHER_SURVEY)
    started = browser.client.post(
        f"{OTHER_SURVEY}/start", data={"csrf_token": browser.csrf_token()}
    )
    assert started.status_code == 302
    assert "Set-Cookie" in started.headers


def _clock_ahead(monkeypatch: pytest.MonkeyPatch, module: object, seconds: float) -> None:
    """``module``'s ``time.time()`` reads ``seconds`` from now."""
    later = time.time() + seconds
    monkeypatch.setattr(module, "time", types.SimpleNamespace(time=lambda: later))


def test_a_cookie_an_hour_old_is_signed_again(
    app: Flask, demo: dict[str, str], browser: PageBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _started(browser)
    _clock_ahead(monkeypatch, session_cookie, session_cookie.REFRESH_AFTER + 5)
    refreshed = browser.client.get(page)
    assert refreshed.status_code == 200
    assert "Set-Cookie" in refreshed.headers


def test_a_cookie_past_its_lifetime_is_not_accepted(
    app: Flask, demo: dict[str, str], browser: PageBrowser, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = _started(browser)
    assert browser.client.get(page).status_code == 200
    lifetime = app.permanent_session_lifetime.total_seconds()
    _clock_ahead(monkeypatch, itsdangerous.timed, lifetime + 60)
    # The response the cookie pointed at is no longer this visitor's: back to the start.
    expired = browser.client.get(page)
    assert expired.status_code in (302, 303)
    assert expired.headers["Location"].rstrip("/").endswith(SURVEY)
