"""Signing in and out, throttling, idle timeout, invitations and password resets."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

from flask import Flask
from sqlalchemy import func, select

from feedback_app import db
from feedback_app.models import AuditEvent, StaffUser
from tests.support.browser import PageBrowser
from tests.support.staff import PASSWORD, make_area_with_staff, signed_in
from tests.support.staff_sessions import age_staff_sessions, sign_in_after_failures

ROOT = Path(__file__).resolve().parents[3]


def _audit_actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session().scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_sign_in_starts_a_new_session_and_is_audited(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = PageBrowser(app.test_client())
    browser.get("/s/nope")  # a respondent session cookie before signing in
    with browser.client.session_transaction() as before:
        before["responses"] = {"x": 1}
    browser.get("/staff/login")
    page = browser.post("/staff/login", {"email": "Officer@North.example ", "password": PASSWORD})
    assert page.request.path == "/staff/north/"
    with browser.client.session_transaction() as after:
        assert "responses" not in after
        assert isinstance(after["staff"], str)  # only the session's token
    assert "login" in _audit_actions(app)
    html = page.get_data(as_text=True)
    assert "officer@north.example" in html and "Sign out" in html


def test_wrong_password_is_one_clear_message(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    page = browser.post("/staff/login", {"email": "officer@north.example", "password": "nope"})
    assert page.status_code == 400
    assert "Enter a correct email address and password" in page.get_data(as_text=True)
    assert "login_failed" in _audit_actions(app)


def test_sign_in_is_throttled_after_repeated_failures(app: Flask) -> None:
    make_area_with_staff(app, "north")
    blocked = sign_in_after_failures(app, "officer@north.example")
    assert blocked.status_code == 429
    assert "too many attempts" in blocked.get_data(as_text=True)


def test_idle_sessions_time_out(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), "officer@north.example")
    age_staff_sessions(app, idle_minutes=31)
    response = browser.client.get("/staff/")
    assert response.status_code == 302
    assert "timeout=1" in response.location


def test_sign_out(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), "officer@north.example")
    page = browser.post("/staff/logout")
    assert page.request.path == "/staff/login"
    assert browser.client.get("/staff/north/").status_code == 302


def test_invitation_link_works_once_and_signs_the_new_person_in(app: Flask) -> None:
    make_area_with_staff(app, "north")
    admin = signed_in(app.test_client(), "administrator@north.example")
    admin.get("/staff/north/people")
    page = admin.post(
        "/staff/north/people", {"email": "new.parent@forum.example", "role": "reviewer"}
    ).get_data(as_text=True)
    link = re.search(r'id="invitation-link" href="http://localhost(/staff/link/[^"]+)"', page)
    assert link, "no invitation link on screen"
    newcomer = PageBrowser(app.test_client())
    newcomer.get(link.group(1))
    short = newcomer.post(link.group(1), {"password": "short"})
    assert short.status_code == 400 and "at least 8 characters" in short.get_data(as_text=True)
    done = newcomer.post(link.group(1), {"password": "a long and memorable phrase"})
    assert done.request.path == "/staff/north/"
    again = PageBrowser(app.test_client()).client.get(link.group(1))
    assert again.status_code == 404
    signed_in(app.test_client(), "new.parent@forum.example", "a long and memorable phrase")


def test_password_reset_link_replaces_the_password_and_ends_old_sessions(app: Flask) -> None:
    make_area_with_staff(app, "north")
    victim = signed_in(app.test_client(), "coordinator@north.example")
    admin = signed_in(app.test_client(), "administrator@north.example")
    with app.app_context():
        user_id = db.session().scalar(
            select(StaffUser.id).where(StaffUser.email == "coordinator@north.example")
        )
    admin.get("/staff/north/people")
    page = admin.post(f"/staff/north/people/{user_id}/reset").get_data(as_text=True)
    link = re.search(r'id="reset-link" href="http://localhost(/staff/link/[^"]+)"', page)
    assert link
    person = PageBrowser(app.test_client())
    person.get(link.group(1))
    person.post(link.group(1), {"password": "my brand new passphrase"})
    assert victim.client.get("/staff/north/").status_code == 302
    signed_in(app.test_client(), "coordinator@north.example", "my brand new passphrase")


def test_long_passwords_and_paste_are_allowed(app: Flask) -> None:
    make_area_with_staff(app, "north")
    html = PageBrowser(app.test_client()).get("/staff/login").get_data(as_text=True)
    assert "onpaste" not in html and 'autocomplete="current-password"' in html
    assert "captcha" not in html.lower()


def test_passwords_are_argon2id(app: Flask) -> None:
    make_area_with_staff(app, "north")
    with app.app_context():
        hashes = db.session().scalars(select(StaffUser.password_hash)).all()
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)


def test_public_pages_link_to_staff_sign_in(app: Flask) -> None:
    html = PageBrowser(app.test_client()).get("/").get_data(as_text=True)
    assert 'href="/staff/login"' in html


def _cli(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(Path(sys.executable).with_name("feedback-app")), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
        env={**os.environ, **env},
    )


def _create_officer(
    env: dict[str, str], area: str, email: str, stdin: str
) -> subprocess.CompletedProcess[str]:
    """``feedback-app users create``: an officer of ``area``, the password read from stdin."""
    return _cli(
        ["users", "create", "--area", area, "--role", "officer", "--email", email,
         "--password-stdin"],
        env,
        stdin=stdin,
    )  # fmt: skip


def test_areas_and_users_from_the_command_line(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}", "SECRET_KEY": "s" * 40}
    assert _cli(["db", "upgrade"], env).returncode == 0
    created = _cli(["areas", "create", "sefton", "--name", "Sefton SEND Partnership"], env)
    assert created.returncode == 0, created.stderr
    again = _cli(["areas", "create", "sefton", "--name", "Sefton"], env)
    assert again.returncode == 2 and "already exists" in again.stderr
    bad = _cli(["areas", "create", "Bad Slug!", "--name", "X"], env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    user = _create_officer(env, "sefton", "o@sefton.example", "a good long password\n")
    assert user.returncode == 0, user.stderr
    weak = _create_officer(env, "sefton", "w@sefton.example", "short\n")
    assert weak.returncode == 2 and "at least 8" in weak.stderr
    nowhere = _create_officer(env, "nowhere", "x@y.example", "a good long password\n")
    assert nowhere.returncode == 2


def test_unknown_login_email_takes_as_long_as_a_known_one(app: Flask) -> None:
    # The dummy hash is verified for unknown e-mails, so timing does not reveal accounts.
    from feedback_app.staff import accounts

    with mock.patch.object(accounts, "_hasher", wraps=accounts._hasher) as hasher:
        with app.app_context():
            assert accounts.authenticate(db.session(), "nobody@nowhere.example", "x") is None
        assert hasher.verify.call_count == 1
    with app.app_context():
        assert db.session().scalar(select(func.count(StaffUser.id))) == 0
