"""Smaller exposures (issue 11, part 8): what the public home page lists, where
absolute links point, and what the logs keep.

- Invitation-only waves were listed on the public home page.
- The Host header was reflected into invitation and sign-in links; links now come
  from ``PUBLIC_BASE_URL`` and production refuses unknown hosts (``TRUSTED_HOSTS``).
- The development server logged ``/i/<token>`` and ``?code=``.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import io
import logging
import re
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from feedback_app import create_app, db
from feedback_app.config import ConfigError, from_environment
from feedback_app.models import Wave
from feedback_app.web.logging_config import REDACTED, RedactSecrets, dict_config, redact
from tests.support.staff import make_area_with_staff, signed_in

STRONG = "s" * 40
TOKEN = "AbCdEfGhIjKlMnOpQrStUv12"
BASE = "https://feedback.example.gov.uk"


def _wave(app: Flask, slug: str) -> Wave:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        return wave


def test_invitation_only_waves_are_not_listed_on_the_home_page(
    app: Flask, demo: dict[str, str]
) -> None:
    slug = demo["event_feedback"]
    assert f"/s/{slug}" in app.test_client().get("/").get_data(as_text=True)
    with app.app_context():
        session = db.session()
        wave = session.scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        wave.invitation_only = True
        session.commit()
    home = app.test_client().get("/").get_data(as_text=True)
    assert f"/s/{slug}" not in home
    assert any(f"/s/{other}" in home for other in demo.values() if other != slug)


@pytest.fixture
def based_app(database_url: str) -> Iterator[Flask]:
    application = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-" + "x" * 40,
            "PUBLIC_BASE_URL": BASE,
        }
    )
    yield application
    application.extensions["db_engine"].dispose()


def test_links_come_from_the_base_url_not_the_host_header(based_app: Flask) -> None:
    from feedback_app.demo.loading import load_demo

    with based_app.app_context():
        first = load_demo(db.session())[0]
        slug, wave_id = first.slug, first.id
    make_area_with_staff(based_app, "demo")
    browser = signed_in(based_app.test_client(), "coordinator@demo.example")
    forged = {"Host": "evil.example"}
    # The attacker's request carries the session (the browser sends it to the real
    # site; only the Host header is forged on the way).
    cookie = browser.client.get_cookie("feedback_session")
    assert cookie is not None
    browser.client.set_cookie("feedback_session", cookie.value, domain="evil.example")
    share = browser.client.get(f"/staff/demo/waves/{wave_id}/share", headers=forged)
    page = share.get_data(as_text=True)
    assert f"{BASE}/s/{slug}" in page and "evil.example" not in page
    browser.get(f"/staff/demo/waves/{wave_id}/invitations")
    made = browser.client.post(
        f"/staff/demo/waves/{wave_id}/invitations",
        data={"csrf_token": browser.csrf_token(), "size": "2", "label": "Host test"},
        headers=forged,
    )
    # The links come back on a confirmation page, as a file to save from it.
    page = made.get_data(as_text=True)
    assert "evil.example" not in page
    found = re.search(r'href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)"', page)
    assert found is not None
    text = base64.b64decode(found.group(1)).decode()
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert len(rows) == 2 and all(link.startswith(f"{BASE}/i/") for link, _label in rows)


def test_production_needs_a_base_url_and_refuses_other_hosts(database_url: str) -> None:
    env = {"FEEDBACK_ENV": "production", "SECRET_KEY": STRONG}
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        from_environment(env)
    for bad in ("feedback.example", "ftp://feedback.example", f"{BASE}/path", "http://x.example"):
        with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
            from_environment({**env, "PUBLIC_BASE_URL": bad})
    config = from_environment({**env, "PUBLIC_BASE_URL": BASE + "/"}).flask_config()
    assert config["PUBLIC_BASE_URL"] == BASE
    assert config["TRUSTED_HOSTS"] == ["feedback.example.gov.uk", "localhost", "127.0.0.1"]
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "PUBLIC_BASE_URL": BASE,
            "TRUSTED_HOSTS": config["TRUSTED_HOSTS"],
        }
    )
    client = app.test_client()
    assert client.get("/privacy", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/privacy", headers={"Host": "feedback.example.gov.uk"}).status_code == 200
    assert client.get("/privacy", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    app.extensions["db_engine"].dispose()


@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (f'"GET /i/{TOKEN} HTTP/1.1" 200 -', '"GET /i/[redacted] HTTP/1.1" 200 -'),
        (f"GET /staff/link/{TOKEN}?x=1", "GET /staff/link/[redacted]?x=1"),
        (f"/staff/demo/imports/{TOKEN}/columns", "/staff/demo/imports/[redacted]/columns"),
        ("/s/slug/resume?code=ABCD2345&lang=cy", "/s/slug/resume?code=[redacted]&lang=cy"),
        ("/s/slug/resume?lang=cy&CODE=ABCD+2345 x", "/s/slug/resume?lang=cy&CODE=[redacted] x"),
        ("/x?token=abc#f", "/x?token=[redacted]#f"),
        ("/s/slug/q/topic?change=1", "/s/slug/q/topic?change=1"),
    ],
)
def test_tokens_and_codes_are_redacted(line: str, kept: str) -> None:
    assert redact(line) == kept


def test_every_configured_handler_redacts() -> None:
    config = dict_config()
    assert config["handlers"]["stderr"]["filters"] == ["redact"]
    assert config["filters"]["redact"]["()"] is RedactSecrets
    record = logging.LogRecord("gunicorn.error", logging.INFO, "x", 1, "%s", (f"/i/{TOKEN}",), None)
    assert RedactSecrets().filter(record) and record.getMessage() == f"/i/{REDACTED}"


def test_the_development_server_log_holds_no_token_or_code(
    app: Flask, demo: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    slug = demo["event_feedback"]
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in (f"/i/{TOKEN}", f"/s/{slug}/resume?code=QWER7890"):
                with contextlib.suppress(urllib.error.HTTPError):
                    urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}").close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    lines = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert len(lines) >= 2, lines
    assert not any(TOKEN in line or "QWER7890" in line for line in lines), lines
    assert any(f"/i/{REDACTED}" in line for line in lines), lines
