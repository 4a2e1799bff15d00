""" "E-mail or text me a link to carry on" (issue 16 §1, ADR 0037): the respondent's
resume link goes out once through the sending layer, to a real SMTP server
(aiosmtpd) or the Notify stand-in, and the address or number is kept nowhere: not
in the database, the session or a log.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import Base
from tests.support.browser import PageBrowser
from tests.support.sending import (
    API_KEY,
    EMAIL_TEMPLATE,
    SMS_TEMPLATE,
    MailBox,
    NotifyStandIn,
    notify_stand_in,
    smtp_server,
)

EVENT = "demo-event-feedback"
ADDRESS = "carer.example.42@example.org"
MOBILE = "07700 900982"
CODE = re.compile(r'id="resume-code">([A-Z0-9 ]+)<')


def _smtp(app: Flask, box: MailBox) -> None:
    app.config.update(
        SEND_BACKEND="smtp",
        SMTP_HOST=box.host,
        SMTP_PORT=box.port,
        SMTP_FROM="send.voice@northshire.example.gov.uk",
        SMTP_USERNAME="relay-user",
        SMTP_PASSWORD="relay-password",
        SMTP_STARTTLS=True,
        SMTP_CA_FILE=box.ca_file,
    )


def _notify(app: Flask, stand_in: NotifyStandIn) -> None:
    app.config.update(
        SEND_BACKEND="notify",
        NOTIFY_API_KEY=API_KEY,
        NOTIFY_BASE_URL=stand_in.url,
        # The invitation's templates stay unused here: a carry-on message has its own.
        NOTIFY_EMAIL_TEMPLATE_ID="00000000-0000-4000-8000-000000000001",
        NOTIFY_SMS_TEMPLATE_ID="00000000-0000-4000-8000-000000000002",
        NOTIFY_CARRY_ON_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE,
        NOTIFY_CARRY_ON_SMS_TEMPLATE_ID=SMS_TEMPLATE,
    )


@pytest.fixture
def mailbox(app: Flask, tmp_path: Path) -> Iterator[MailBox]:
    with smtp_server(tmp_path, username="relay-user", password="relay-password") as box:
        _smtp(app, box)
        yield box


def _saved(app: Flask) -> PageBrowser:
    """A respondent with one answer saved, on the save-for-later page."""
    browser = PageBrowser(app.test_client())
    browser.get(f"/s/{EVENT}")
    browser.post(f"/s/{EVENT}/start")
    browser.post(browser.path, {"event_useful": "agree"})
    browser.get(f"/s/{EVENT}/save")
    return browser


def _send(browser: PageBrowser, contact: str) -> Any:
    browser.get(f"/s/{EVENT}/save")
    return browser.client.post(
        f"/s/{EVENT}/save/send", data={"csrf_token": browser.csrf_token(), "contact": contact}
    )


def _database_dump(app: Flask) -> str:
    """Every row of every table, as text (works on SQLite and PostgreSQL)."""
    with app.app_context():
        session = db.session()
        return "\n".join(
            repr(tuple(row))
            for table in Base.metadata.sorted_tables
            for row in session.execute(select(table)).all()
        )


def _traces(contact_parts: list[str], *texts: str) -> list[str]:
    return [part for part in contact_parts for text in texts if part in text]


def _product_logs(caplog: pytest.LogCaptureFixture) -> str:
    """Every record the product and its libraries wrote, with all their fields; the
    test's own SMTP server (aiosmtpd's ``mail.log``) is the recipient, not us."""
    records = [r for r in caplog.records if not r.name.startswith("mail.log")]
    return "\n".join(f"{r.getMessage()} {r.__dict__!r}" for r in records)


def test_without_a_sender_the_option_is_not_shown(app: Flask, demo: dict[str, str]) -> None:
    browser = _saved(app)
    page = browser.get(f"/s/{EVENT}/save").get_data(as_text=True)
    assert "link to carry on" not in page and 'name="contact"' not in page
    assert "We cannot send it to you" in browser.post(f"/s/{EVENT}/save").get_data(as_text=True)
    assert _send(browser, ADDRESS).status_code == 404
    # Notify without a carry-on template: invitations can go, this cannot.
    app.config.update(
        SEND_BACKEND="notify", NOTIFY_API_KEY=API_KEY, NOTIFY_EMAIL_TEMPLATE_ID=EMAIL_TEMPLATE
    )
    assert 'name="contact"' not in browser.get(f"/s/{EVENT}/save").get_data(as_text=True)


def test_smtp_sends_the_link_once_and_keeps_the_address_nowhere(
    app: Flask,
    demo: dict[str, str],
    mailbox: MailBox,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    browser = _saved(app)
    page = browser.get(f"/s/{EVENT}/save").get_data(as_text=True)
    assert "E-mail me a link to carry on" in page and 'type="email"' in page
    assert "We cannot send it to you" not in page

    sent = _send(browser, "  Carer.Example.42@Example.org ")
    html = sent.get_data(as_text=True)
    assert sent.status_code == 200, html
    assert "We have sent you a link to carry on" in html
    assert ADDRESS not in html.lower()
    shown = CODE.search(html)
    assert shown is not None
    assert mailbox.received_by(ADDRESS) == 1
    message = mailbox.messages[0][1]
    body = message.get_content()
    assert shown.group(1) in body
    link = next(line for line in body.splitlines() if "/resume?code=" in line)
    assert "We did not keep your e-mail address" in body
    assert "carry on" in str(message["Subject"]).lower()

    # The link carries on the same answers on another device.
    other = PageBrowser(app.test_client())
    form = other.get(link.removeprefix("http://localhost")).get_data(as_text=True)
    assert shown.group(1).replace(" ", "") in form
    other.post(other.path, {"code": shown.group(1)})
    assert other.path.startswith(f"/s/{EVENT}/q/")

    # Kept nowhere: the database, the session, the logs, the server's output.
    with browser.client.session_transaction() as session:
        remembered = repr(dict(session))
    out, err = capfd.readouterr()
    records = _product_logs(caplog)
    assert "feedback_app.access" in records  # the capture saw the product's lines
    parts = [ADDRESS, "carer.example.42", "Carer.Example.42"]
    assert _traces(parts, _database_dump(app), remembered, records, out, err) == []
    assert ADDRESS in mailbox.messages[0][0]  # the check can see it where it is


def test_notify_texts_and_emails_with_the_carry_on_templates(
    app: Flask, demo: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with notify_stand_in() as stand_in:
        _notify(app, stand_in)
        browser = _saved(app)
        page = browser.get(f"/s/{EVENT}/save").get_data(as_text=True)
        assert "E-mail or text me a link to carry on" in page
        assert "E-mail address or UK mobile number" in page

        texted = _send(browser, "+44 7700-900982")
        assert texted.status_code == 200
        code = CODE.search(texted.get_data(as_text=True))
        assert code is not None
        emailed = _send(browser, ADDRESS)
        assert emailed.status_code == 200
        assert stand_in.refused_tokens == 0
        sms, email = stand_in.accepted
        assert (sms["type"], sms["to"], sms["template_id"]) == ("sms", "07700900982", SMS_TEMPLATE)
        assert (email["type"], email["template_id"]) == ("email", EMAIL_TEMPLATE)
        assert sms["personalisation"]["code"] == code.group(1)
        assert code.group(1).replace(" ", "") in sms["personalisation"]["link"]
        assert sms["personalisation"]["survey"] and sms["personalisation"]["area"]
        # A new code each time: the texted one no longer works.
        assert email["personalisation"]["code"] != sms["personalisation"]["code"]
        assert str(sms["reference"]).startswith("carry-on-")
    records = _product_logs(caplog)
    assert "notifications_python_client" in records  # the client's debug lines too
    parts = [ADDRESS, "07700900982", "7700-900982", MOBILE]
    assert _traces(parts, _database_dump(app), records) == []


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", "Enter an e-mail address or a UK mobile number"),
        ("carer@", "Enter an e-mail address in the correct format, like name@example.com"),
        ("name@example", "Enter an e-mail address in the correct format, like name@example.com"),
        ("0123 456", "Enter a UK mobile number, like 07700 900982"),
        ("+33 6 12 34 56 78", "Enter a UK mobile number, like 07700 900982"),
        ("x" * 2000, "Enter a UK mobile number, like 07700 900982"),
    ],
)
def test_a_bad_address_or_number_is_explained_and_nothing_is_sent(
    app: Flask, demo: dict[str, str], typed: str, error: str
) -> None:
    with notify_stand_in() as stand_in:
        _notify(app, stand_in)
        browser = _saved(app)
        refused = _send(browser, typed)
        html = refused.get_data(as_text=True)
        assert refused.status_code == 400
        assert "There is a problem" in html and error in html
        assert 'href="#contact"' in html and 'id="contact"' in html
        assert "<title>Error:" in html
        assert stand_in.accepted == []
    assert "carry_on" not in _database_dump(app)  # not counted against the throttle


def test_smtp_only_asks_for_an_e_mail_address(
    app: Flask, demo: dict[str, str], mailbox: MailBox
) -> None:
    browser = _saved(app)
    refused = _send(browser, MOBILE)
    assert refused.status_code == 400
    assert "Enter an e-mail address in the correct format" in refused.get_data(as_text=True)
    empty = _send(browser, " ")
    assert "Enter an e-mail address" in empty.get_data(as_text=True)
    assert mailbox.messages == []


def test_a_refused_address_or_a_provider_that_is_down_still_shows_a_code(
    app: Flask, demo: dict[str, str], mailbox: MailBox
) -> None:
    browser = _saved(app)
    refused = _send(browser, "no-such-person@example.org")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "We could not send a message to that address or number" in html
    assert CODE.search(html) is not None
    assert mailbox.messages == []

    with notify_stand_in() as stand_in:
        _notify(app, stand_in)
        stand_in.script[ADDRESS] = [500]
        down = _send(browser, ADDRESS)
        html = down.get_data(as_text=True)
        assert down.status_code == 503
        assert "We could not send the message just now" in html
        assert CODE.search(html) is not None
        # Sent once or not at all: nothing was kept to try again later.
        assert stand_in.accepted == []


def test_a_slow_provider_is_given_up_on_after_the_short_timeout(
    app: Flask, demo: dict[str, str]
) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_say_nothing() -> None:
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(silent.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept_and_say_nothing, daemon=True)
    thread.start()
    try:
        app.config.update(
            SEND_BACKEND="smtp",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=silent.getsockname()[1],
            SMTP_FROM="send.voice@northshire.example.gov.uk",
            SEND_REQUEST_TIMEOUT_SECONDS=1,
        )
        browser = _saved(app)
        started = time.monotonic()
        slow = _send(browser, ADDRESS)
        assert time.monotonic() - started < 5
        assert slow.status_code == 503
        assert "We could not send the message just now" in slow.get_data(as_text=True)
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        silent.close()


def test_sends_are_limited_per_response_and_per_client(
    app: Flask, demo: dict[str, str], mailbox: MailBox
) -> None:
    first = _saved(app)
    for _ in range(3):
        assert _send(first, ADDRESS).status_code == 200
    refused = _send(first, ADDRESS)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "You have asked for too many messages" in refused.get_data(as_text=True)
    assert mailbox.received_by(ADDRESS) == 3

    # The same client with other responses: ten in all, then it waits too.
    sent = 3
    others = [_saved(app) for _ in range(3)]
    statuses = [_send(other, ADDRESS).status_code for other in others for _ in range(3)]
    assert statuses == [200] * 7 + [429] * 2
    sent += 7
    assert mailbox.received_by(ADDRESS) == sent
    # Another client is not held up by this one.
    elsewhere = PageBrowser(app.test_client())
    elsewhere.client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    elsewhere.get(f"/s/{EVENT}")
    elsewhere.post(f"/s/{EVENT}/start")
    assert _send(elsewhere, ADDRESS).status_code == 200


def test_the_message_and_page_are_in_the_respondents_language(
    app: Flask, demo: dict[str, str], mailbox: MailBox
) -> None:
    browser = _saved(app)
    page = browser.get(f"/s/{EVENT}/save?lang=cy").get_data(as_text=True)
    assert '<html lang="cy"' in page
    assert "E-mail me a link to carry on" not in page
    sent = _send(browser, ADDRESS)
    assert sent.status_code == 200
    body = mailbox.messages[0][1].get_content()
    assert "Use this link to carry on where you left off" not in body
    assert "/resume?code=" in body
