"""Logs are structured and hold no personal data.

A whole survey journey (free text with an e-mail address, save for later,
resume by code in the query string and in the form, an invitation link, a
failed staff sign-in) is logged at DEBUG with our JSON formatter; none of what
people typed, no resume code, token, e-mail address, IP address or user agent
may appear, while each request's line carries the fields operators need.
"""

from __future__ import annotations

import json
import logging
import re

import pytest
from flask import Flask

from feedback_app.web.logging_config import ACCESS_LOGGER, JsonFormatter
from tests.support.browser import PageBrowser

EVENT = "demo-event-feedback"
FREE_TEXT = "Quokka-Marmalade said the parking was awful"
EMAIL = "jo.bloggs.private@example.org"
USER_AGENT = "UnusualAgent/7.7 (privacy-probe)"
CLIENT_IP = "203.0.113.77"


def _journey(app: Flask) -> list[str]:
    """Walk the journey; return every secret that must not reach a log."""
    browser = PageBrowser(app.test_client())
    headers = {"User-Agent": USER_AGENT, "X-Forwarded-For": CLIENT_IP}
    environ = {"REMOTE_ADDR": CLIENT_IP}
    kwargs = {"headers": headers, "environ_base": environ}
    browser.get(f"/s/{EVENT}", **kwargs)
    browser.post(f"/s/{EVENT}/start", **kwargs)
    browser.post(browser.path, {"event_useful": "agree"}, **kwargs)
    browser.post(browser.path, {"do_differently": "yes"}, **kwargs)
    comment = {"event_comments": f"{FREE_TEXT} {EMAIL}"}
    browser.post(browser.path, comment, **kwargs)
    if browser.path.endswith("/event_comments"):
        # Asked (not forced) to remove the contact details: they keep them.
        browser.post(browser.path, {**comment, "personal_data": "keep"}, **kwargs)
    assert browser.path.endswith("/check"), browser.path
    browser.get(f"/s/{EVENT}/save", **kwargs)
    page = browser.post(f"/s/{EVENT}/save", **kwargs).get_data(as_text=True)
    found = re.search(r'id="resume-code">([A-Z0-9 ]+)<', page)
    assert found, "no resume code shown"
    code = found.group(1)
    compact = code.replace(" ", "")
    other = PageBrowser(app.test_client())
    other.get(f"/s/{EVENT}/resume?code={compact}", **kwargs)
    other.post(f"/s/{EVENT}/resume", {"code": code}, **kwargs)
    other.get(f"/i/{'T0ken' * 8}", **kwargs)
    other.get("/staff/login", **kwargs)
    other.post("/staff/login", {"email": EMAIL, "password": "not-the-password-9"}, **kwargs)
    return [FREE_TEXT, "Quokka", EMAIL, "bloggs", code, compact, "T0ken", USER_AGENT, CLIENT_IP]


def test_a_journey_logs_no_personal_data(
    app: Flask, demo: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    formatter = JsonFormatter()
    with caplog.at_level(logging.DEBUG):
        secrets = _journey(app)
    lines = [formatter.format(record) for record in caplog.records]
    text = "\n".join(lines)
    for secret in secrets:
        assert secret not in text, f"{secret!r} reached the logs"
    access = [json.loads(line) for line in lines if f'"logger": "{ACCESS_LOGGER}"' in line]
    assert len(access) >= 12
    for entry in access:
        assert set(entry) >= {"request_id", "method", "endpoint", "route", "status", "duration_ms"}
        assert "path" not in entry and "query" not in entry
    saves = [e for e in access if e["endpoint"] == "respond.question" and e["method"] == "POST"]
    assert sum(e["status"] == 302 for e in saves) == 3
    assert all(e["status"] < 500 for e in access)
    assert {e["route"] for e in saves} == {"/s/<slug>/q/<page_id>"}
    assert len({e["request_id"] for e in access}) == len(access)


def test_exception_messages_are_left_out(caplog: pytest.LogCaptureFixture) -> None:
    # A database error's message quotes the statement's parameters (answers).
    logger = logging.getLogger("feedback_app.test")
    with caplog.at_level(logging.ERROR):
        try:
            raise ValueError(f"INSERT failed [parameters: ('{FREE_TEXT}',)]")
        except ValueError:
            logger.exception("unexpected error: %s", "ValueError")
    entry = json.loads(JsonFormatter().format(caplog.records[-1]))
    assert entry["exception"] == "ValueError"
    assert entry["stack"] and "test_web_logging.py" in entry["stack"][0]
    assert FREE_TEXT not in json.dumps(entry)


def test_a_request_id_from_the_proxy_is_kept_and_junk_is_replaced(app: Flask) -> None:
    client = app.test_client()
    kept = client.get("/healthz", headers={"X-Request-ID": "abcdef0123456789"})
    assert kept.headers["X-Request-ID"] == "abcdef0123456789"
    junk = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"})
    assert re.fullmatch(r"[0-9a-f]{32}", junk.headers["X-Request-ID"])
