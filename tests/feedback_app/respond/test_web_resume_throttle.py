"""Resume codes cannot be guessed without limit (issue 11, part 6; ADR 0018).

Failed codes are counted per client (keyed hash of the address, rotated daily)
and per wave; past the limit a translated "try again in N minutes" page with 429
and Retry-After, without looking the code up. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from feedback_app import db
from feedback_app.models import LoginThrottle
from feedback_app.respond import journey
from feedback_app.web import throttle
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"


def _browser(app: Flask, address: str) -> PageBrowser:
    client: FlaskClient = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address  # through the trusted proxy
    return PageBrowser(client)


def _code_of_a_response(app: Flask) -> str:
    browser = _browser(app, "192.0.2.1")
    browser.get(f"/s/{EVENT}")
    browser.post(f"/s/{EVENT}/start")
    browser.post(browser.path, {"event_useful": "agree"})
    browser.get(f"/s/{EVENT}/save")
    page = browser.post(f"/s/{EVENT}/save").get_data(as_text=True)
    found = re.search(r'id="resume-code">([A-Z0-9 ]+)<', page)
    assert found
    return found.group(1)


def _try(browser: PageBrowser, code: str, **kwargs: object) -> tuple[int, str, dict[str, str]]:
    browser.get(f"/s/{EVENT}/resume")
    response = browser.client.post(
        f"/s/{EVENT}/resume", data={"csrf_token": browser.csrf_token(), "code": code}, **kwargs
    )
    return response.status_code, response.get_data(as_text=True), dict(response.headers)


def _end_waits(app: Flask) -> None:
    with app.app_context():
        db.session().execute(
            update(LoginThrottle).values(blocked_until=throttle.utcnow() - dt.timedelta(seconds=1))
        )
        db.session().commit()


def test_wrong_codes_from_one_client_get_a_translated_wait_page(
    app: Flask, demo: dict[str, str]
) -> None:
    code = _code_of_a_response(app)
    guesser = _browser(app, "203.0.113.5")
    for _guess in range(journey.RESUME_LIMIT_CLIENT.free):
        status, _html, _headers = _try(guesser, "ZZZZ ZZZZ")
        assert status == 400
    # Now even the right code is not looked up from this client for a while.
    status, html, headers = _try(guesser, code, headers={"Accept-Language": "cy"})
    assert status == 429
    assert 1 <= int(headers["Retry-After"]) <= 60
    assert 'lang="cy"' in html and "Rhowch gynnig arall arni ymhen 1 munud." in html
    assert f"/s/{EVENT}/resume" in html, "a way back to the code page"
    # Another family elsewhere is not affected.
    other = _browser(app, "198.51.100.7")
    _try(other, code)
    assert other.client.get(f"/s/{EVENT}/q/do_differently").status_code == 200
    # After the wait the right code works; the next wrong one waits twice as long.
    _end_waits(app)
    status, _html, _headers = _try(guesser, "YYYY YYYY")
    assert status == 400
    status, html, headers = _try(guesser, code)
    assert status == 429 and 60 < int(headers["Retry-After"]) <= 120
    assert "Try again in 2 minutes." in html
    _end_waits(app)
    status, _html, _headers = _try(guesser, code)
    assert status == 302
    # Only keyed hashes are kept: not the address.
    with app.app_context():
        keys = db.session().scalars(select(LoginThrottle.key)).all()
    assert keys and not any("203.0.113" in key for key in keys)


def test_wrong_codes_from_many_clients_pause_the_wave(
    app: Flask, demo: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A smaller wave limit than the default, so the test sends fewer requests.
    monkeypatch.setattr(journey, "RESUME_LIMIT_WAVE", throttle.Limit(free=4))
    code = _code_of_a_response(app)
    for number in range(4):
        status, _html, _headers = _try(_browser(app, f"203.0.113.{number + 10}"), "ZZZZ ZZZZ")
        assert status == 400
    status, _html, headers = _try(_browser(app, "203.0.113.99"), code)
    assert status == 429 and int(headers["Retry-After"]) > 0
    # Other waves are not paused.
    other_wave = next(slug for slug in demo.values() if slug != EVENT)
    browser = _browser(app, "203.0.113.99")
    browser.get(f"/s/{other_wave}/resume")
    response = browser.client.post(
        f"/s/{other_wave}/resume", data={"csrf_token": browser.csrf_token(), "code": "ZZZZ ZZZZ"}
    )
    assert response.status_code == 400
