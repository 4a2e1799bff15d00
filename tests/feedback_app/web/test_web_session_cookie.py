"""The session cookie is re-signed only when the session changed or is an hour old
(feedback_app/web/session_cookie.py, ADR 0041), and still expires as before."""

from __future__ import annotations

import time
import types

import flask
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


def _keyed_app(key: str, fallbacks: list[str] | None = None) -> Flask:
    """A bare app with this session interface, its secret key and fallbacks."""
    keyed = Flask(f"keyed_{key}")
    keyed.config.update(SECRET_KEY=key, SECRET_KEY_FALLBACKS=fallbacks or [])
    session_cookie.init_app(keyed)

    @keyed.get("/set")
    def set_value() -> str:
        flask.session["who"] = key
        return "set"

    @keyed.get("/read")
    def read_value() -> str:
        return str(flask.session.get("who"))

    return keyed


def test_each_secret_key_signs_and_checks_its_own_cookies() -> None:
    """The serializer and derived keys are kept per key (issue 17): a second app in
    the process, or a rotated key, must not sign with the first key it saw."""
    first, second = _keyed_app("first-" + "a" * 40), _keyed_app("second-" + "b" * 40)
    for keyed in (first, second):
        client = keyed.test_client()
        client.get("/set")
        assert client.get("/read").get_data(as_text=True) == keyed.config["SECRET_KEY"]
    # A cookie of the first key is not accepted under the second ...
    stranger = first.test_client()
    stranger.get("/set")
    cookie = stranger.get_cookie("feedback_session") or stranger.get_cookie("session")
    assert cookie is not None
    visitor = second.test_client()
    visitor.set_cookie(cookie.key, cookie.value)
    assert visitor.get("/read").get_data(as_text=True) == "None"
    # ... unless the first key is one of the second app's fallbacks (key rotation).
    rotated = _keyed_app("third-" + "c" * 40, fallbacks=[first.config["SECRET_KEY"]])
    visitor = rotated.test_client()
    visitor.set_cookie(cookie.key, cookie.value)
    assert visitor.get("/read").get_data(as_text=True) == first.config["SECRET_KEY"]
