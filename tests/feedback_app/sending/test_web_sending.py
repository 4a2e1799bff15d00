"""Invitations by e-mail and text (issue 16 §1, ADR 0029), against real servers
started here: an SMTP server (aiosmtpd, STARTTLS and a sign-in) and a stand-in for
the GOV.UK Notify API that checks every request's JWT as Notify documents it.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, update

from feedback_app import db
from feedback_app.config import ConfigError, from_environment
from feedback_app.data_protection.retention import expire_contacts
from feedback_app.models import (
    AuditEvent,
    ContactMessage,
    Invitation,
    Wave,
    WaveContact,
    WaveReminder,
    utcnow,
)
from feedback_app.sending.backends import backend_from_config
from feedback_app.sending.worker import RunReport, send_due
from tests.support.browser import PageBrowser
from tests.support.sending import (
    API_KEY,
    ROOT,
    SEND_COMMAND,
    code_that_names,
    kill_worker_after,
    notify_settings,
    notify_stand_in,
    smtp_server,
    smtp_settings,
    worker_env,
)
from tests.support.staff import make_area_with_staff, signed_in


def _wave_id(app: Flask, slug: str) -> int:
    with app.app_context():
        wave = db.session().scalar(select(Wave).where(Wave.slug == slug))
        assert wave is not None
        return wave.id


def _coordinator(app: Flask, demo: dict[str, str]) -> tuple[PageBrowser, int]:
    emails = make_area_with_staff(app, "demo")
    return signed_in(app.test_client(), emails["coordinator"]), _wave_id(
        app, demo["event_feedback"]
    )


def _wave_with_contacts(app: Flask, demo: dict[str, str], content: str) -> int:
    """The demo event wave with the contact list ``content`` (CSV) uploaded by its
    coordinator; the wave's id."""
    browser, wave_id = _coordinator(app, demo)
    _upload(browser, wave_id, content)
    return wave_id


def _upload(browser: PageBrowser, wave_id: int, content: str, label: str = "Families") -> Any:
    browser.get(f"/staff/demo/waves/{wave_id}/contacts")
    return browser.client.post(
        f"/staff/demo/waves/{wave_id}/contacts",
        data={
            "csrf_token": browser.csrf_token(),
            "label": label,
            "csv_file": (io.BytesIO(content.encode()), "list.csv"),
        },
        content_type="multipart/form-data",
    )


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model)) or 0


def _send(app: Flask, settings: dict[str, Any], **kwargs: Any) -> RunReport:
    with app.app_context():
        config = {**app.config, **settings}
        backend = backend_from_config(config)
        assert backend is not None
        session = app.extensions["db_sessionmaker_write"]()
        try:
            return send_due(
                session,
                backend,
                config=config,
                link_for=lambda token: f"http://localhost/i/{token}",
                limit=kwargs.pop("limit", 100),
                sleep=lambda _seconds: None,
                **kwargs,
            )
        finally:
            session.close()


def test_a_list_is_checked_whole_and_bad_rows_are_listed(app: Flask, demo: dict[str, str]) -> None:
    browser, wave_id = _coordinator(app, demo)
    bad = "email,mobile\na@example.org,\nnot-an-address,\n,0123\nb@example.org,07700 900123\n"
    refused = _upload(browser, wave_id, bad)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Row 3: &#39;not-an-address&#39; is not an e-mail address" in page
    assert "Row 4: &#39;0123&#39; is not a mobile number" in page
    assert _count(app, WaveContact) == 0 and _count(app, Invitation) == 0

    good = "E-mail,Mobile\nA@example.org,\na@example.org,\n,+44 7700 900123\nb@example.org,\n"
    added = _upload(browser, wave_id, good)
    assert added.status_code == 302
    assert _count(app, WaveContact) == 3 and _count(app, Invitation) == 3
    again = _upload(browser, wave_id, "email\nb@example.org\nc@example.org\n")
    assert again.status_code == 302 and _count(app, WaveContact) == 4
    share = browser.get(f"/staff/demo/waves/{wave_id}/share").get_data(as_text=True)
    assert "People on the list" in share
    with app.app_context():
        events = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "upload"))
        details = [e.detail for e in events]
    assert [(d["added"], d["duplicates"], d["already_listed"]) for d in details] == [
        (3, 1, 0),
        (1, 0, 1),
    ]
    for broken in (b"\xff\xfe", b"name\nx\n", b""):
        response = _upload(browser, wave_id, broken.decode("latin-1"))
        assert response.status_code == 400
    assert _count(app, WaveContact) == 4


def test_smtp_sends_each_person_their_link_and_reminds_only_unused(
    app: Flask, demo: dict[str, str], tmp_path: Path
) -> None:
    wave_id = _wave_with_contacts(app, demo, "email\nann@example.org\nbob@example.org\n,\n")
    with smtp_server(tmp_path, username="relay-user", password="relay-password") as box:
        first = _send(app, smtp_settings(box))
        assert (first.sent, first.failed) == (2, 0)
        assert box.received_by("ann@example.org") == 1 and box.logins == ["relay-user"] * 2
        _rcpts, message = box.messages[0]
        body = message.get_content()
        link = next(line for line in body.splitlines() if line.startswith("http://localhost/i/"))
        # The link is a working single-use invitation.
        opened = app.test_client().get(link.removeprefix("http://localhost"))
        assert opened.status_code in (200, 302)
        # Nothing more to send until a reminder is due.
        assert _send(app, smtp_settings(box)).sent == 0
        with app.app_context():
            session = db.session()
            ann = session.scalar(select(WaveContact).where(WaveContact.email == "ann@example.org"))
            assert ann is not None
            session.execute(
                update(Invitation)
                .where(Invitation.id == ann.invitation_id)
                .values(used_at=utcnow())
            )
            session.add(WaveReminder(wave_id=wave_id, step=1, send_on=dt.date.today()))
            session.commit()
        reminded = _send(app, smtp_settings(box))
        assert reminded.sent == 1
        assert box.received_by("ann@example.org") == 1
        assert box.received_by("bob@example.org") == 2
        assert "Reminder" in str(box.messages[-1][1]["Subject"])
        assert _send(app, smtp_settings(box)).sent == 0


def test_smtp_never_resends_a_claim_left_by_a_dead_worker(
    app: Flask, demo: dict[str, str], tmp_path: Path
) -> None:
    wave_id = _wave_with_contacts(app, demo, "email\nann@example.org\n")
    with smtp_server(tmp_path, username="relay-user", password="relay-password") as box:
        with app.app_context():
            session = db.session()
            contact = session.scalars(select(WaveContact)).one()
            session.add(
                ContactMessage(
                    wave_id=wave_id,
                    contact_id=contact.id,
                    step=0,
                    channel="email",
                    state="claimed",
                    claimed_at=utcnow() - dt.timedelta(hours=1),
                )
            )
            session.commit()
        report = _send(app, smtp_settings(box))
        assert (report.settled, report.sent) == (1, 0)
        assert box.messages == []
        with app.app_context():
            assert db.session().scalars(select(ContactMessage.reason)).one() == (
                "interrupted: not resent"
            )


def test_notify_sends_retries_and_reports_delivery(app: Flask, demo: dict[str, str]) -> None:
    browser, wave_id = _coordinator(app, demo)
    _upload(
        browser,
        wave_id,
        "email,mobile\nann@example.org,\nbounce@example.org,\n,07700900123\n,+99123456789\n"
        "flaky@example.org,\n",
    )
    with notify_stand_in() as stand_in:
        stand_in.script["flaky@example.org"] = [429, 500]
        settings = {**notify_settings(stand_in, sms_invitations=True), "SEND_RETRY_SECONDS": 3600}
        first = _send(app, settings)
        assert (first.sent, first.failed, first.retrying) == (3, 1, 1)  # 429: back off 1 h
        assert _send(app, settings).sent == 0  # not due yet
        later = utcnow() + dt.timedelta(hours=1, minutes=1)
        second = _send(app, settings, clock=lambda: later)  # 500: back off 2 h more
        assert (second.sent, second.retrying) == (0, 1)
        assert _send(app, settings, clock=lambda: later + dt.timedelta(hours=1)).sent == 0
        third = _send(app, settings, clock=lambda: later + dt.timedelta(hours=2, minutes=1))
        assert third.sent == 1
        assert stand_in.refused_tokens == 0
        assert all(stand_in.received_by(to) == 1 for to in ("ann@example.org", "07700900123"))
        assert stand_in.accepted[0]["personalisation"]["link"].startswith("http://localhost/i/")
        with app.app_context():
            states = dict(
                db.session().execute(select(ContactMessage.reason, ContactMessage.state)).all()
            )
        assert states["invalid number"] == "failed"
        assert states["bounced"] == "failed"  # Notify's permanent failure, fetched after
        share = browser.get(f"/staff/demo/waves/{wave_id}/share").get_data(as_text=True)
        assert 'id="count-sent">4<' in share and 'id="count-delivered">3<' in share
        assert "bounced: 1" in share and "invalid number: 1" in share


def test_a_wrong_api_key_is_refused_by_the_notify_stand_in(
    app: Flask, demo: dict[str, str]
) -> None:
    _wave_with_contacts(app, demo, "email\nann@example.org\n")
    with notify_stand_in() as stand_in:
        wrong = API_KEY[:-36] + "00000000-0000-0000-0000-000000000000"
        report = _send(
            app, {**notify_settings(stand_in, sms_invitations=True), "NOTIFY_API_KEY": wrong}
        )
        assert report.sent == 0 and stand_in.refused_tokens >= 1 and stand_in.accepted == []


def test_a_worker_killed_mid_batch_never_sends_twice(
    app: Flask, demo: dict[str, str], database_url: str
) -> None:
    """SIGKILL the `feedback-app send` process while it waits for Notify's answer
    to a message Notify has accepted, run it again, and count what Notify got."""
    people = [f"person{n}@example.org" for n in range(12)]
    _wave_with_contacts(app, demo, "email\n" + "\n".join(people) + "\n")
    with notify_stand_in() as stand_in:
        env = worker_env(database_url, stand_in)
        before_kill, rerun = kill_worker_after(stand_in, env, accepted=5, of=len(people))
        assert "settled 1 interrupted" in rerun.stdout
        assert sorted(m["to"] for m in stand_in.accepted) == sorted(people)
    with app.app_context():
        session = db.session()
        assert session.scalar(select(func.count()).where(ContactMessage.state == "delivered")) == 12
        # The killed run never reached its audit entry; the rerun records what it sent.
        sends = session.scalars(select(AuditEvent).where(AuditEvent.action == "send")).all()
        assert [(e.detail["sent"], e.detail["failed"]) for e in sends] == [(12 - before_kill, 0)]


def test_send_without_a_back_end_exits_2(app: Flask, database_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url}
    env.pop("SEND_BACKEND", None)
    done = subprocess.run(
        SEND_COMMAND, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "SEND_BACKEND" in done.stderr


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({"SEND_BACKEND": "pigeon"}, "SEND_BACKEND"),
        ({"SEND_BACKEND": "notify", "NOTIFY_API_KEY": "short"}, "NOTIFY_API_KEY"),
        ({"SEND_BACKEND": "notify", "NOTIFY_API_KEY": API_KEY}, "TEMPLATE_ID"),
        ({"SEND_BACKEND": "smtp", "SMTP_FROM": "a@b.example"}, "SMTP_HOST"),
        (
            {"SEND_BACKEND": "smtp", "SMTP_HOST": "h", "SMTP_FROM": "a@b", "SMTP_PORT": "x"},
            "SMTP_PORT",
        ),
        ({"SEND_PER_MINUTE": "0"}, "SEND_PER_MINUTE"),
    ],
)
def test_a_wrong_sending_setting_stops_the_app(env: dict[str, str], name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        from_environment(env)


def test_contacts_are_deleted_days_after_the_wave_closes(app: Flask, demo: dict[str, str]) -> None:
    wave_id = _wave_with_contacts(app, demo, "email\nann@example.org\nbob@example.org\n")
    closed = utcnow() - dt.timedelta(days=10)
    with app.app_context():
        session = db.session()
        session.execute(update(Wave).where(Wave.id == wave_id).values(closes_at=closed))
        session.commit()
        write = app.extensions["db_sessionmaker_write"]()
        try:
            assert expire_contacts(write, days=30) == {}
            assert expire_contacts(write, days=7, dry_run=True) == {wave_id: 2}
            assert _count(app, WaveContact) == 2
            assert expire_contacts(write, days=7) == {wave_id: 2}
        finally:
            write.close()
    assert _count(app, WaveContact) == 0
    assert _count(app, Invitation) == 2  # the links stay: used or not, nothing more


def test_no_results_query_or_download_can_reach_a_contact() -> None:
    """Contacts are joined to nothing about answers, and no results code reads them."""
    from feedback_app.models import Base

    contact_tables = {"contact_list", "wave_contact", "contact_message", "wave_reminder"}
    answer_tables = {"response", "answer", "paper_return", "theme_correction", "result_cache"}
    for name in contact_tables:
        targets = {fk.column.table.name for fk in Base.metadata.tables[name].foreign_keys}
        assert targets <= {"wave", "contact_list", "wave_contact", "invitation", "staff_user"}
    for name in answer_tables:
        targets = {fk.column.table.name for fk in Base.metadata.tables[name].foreign_keys}
        assert not targets & contact_tables, name
    invitation = {fk.column.table.name for fk in Base.metadata.tables["invitation"].foreign_keys}
    assert not invitation & (answer_tables | contact_tables)
    readers = code_that_names(
        ("results", "review", "monitor", "quality", "actions", "analysis"),
        ("WaveContact", "ContactMessage", "wave_contact", "sending"),
    )
    assert readers == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("31/2/2027", "is not a date like 15/1/2027"),
        ("tomorrow", "is not a date like 15/1/2027"),
        ("1/3/2027 2/3/2027 3/3/2027 4/3/2027", "Choose up to 3 reminder dates"),
    ],
)
def test_reminder_dates_are_checked(
    app: Flask, demo: dict[str, str], text: str, problem: str
) -> None:
    browser, wave_id = _coordinator(app, demo)
    browser.get(f"/staff/demo/waves/{wave_id}/reminders")
    refused = browser.client.post(
        f"/staff/demo/waves/{wave_id}/reminders",
        data={"csrf_token": browser.csrf_token(), "dates": text},
    )
    assert refused.status_code == 400 and problem in refused.get_data(as_text=True)
    assert _count(app, WaveReminder) == 0
    saved = browser.post(
        f"/staff/demo/waves/{wave_id}/reminders", {"dates": "22/1/2027, 2027-01-15"}
    )
    assert "2 reminder dates saved." in saved.get_data(as_text=True)
    with app.app_context():
        rows = db.session().execute(select(WaveReminder.step, WaveReminder.send_on)).all()
    assert sorted(rows) == [(1, dt.date(2027, 1, 15)), (2, dt.date(2027, 1, 22))]
