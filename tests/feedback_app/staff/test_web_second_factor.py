"""Two-step sign-in (TOTP) for password accounts, through the pages (ADR 0038): set-up
with a first code, the code after the password, every refusal (wrong, replayed,
expired, throttled, a recovery code used twice), administrators made to set it up,
turning it off, and an administrator's reset of someone else's."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pyotp
from flask import Flask
from sqlalchemy import select

from feedback_app import db
from feedback_app.models import AuditEvent, RecoveryCode, StaffSession, StaffUser
from feedback_app.staff import second_factor
from tests.support.browser import PageBrowser
from tests.support.staff import (
    PASSWORD,
    kept_recovery_codes,
    make_area_with_staff,
    next_code,
    set_up_second_factor,
    signed_in,
)

COORDINATOR = "coordinator@north.example"
ADMIN = "administrator@north.example"


def _events(app: Flask, action: str) -> list[dict[str, Any]]:
    with app.app_context():
        return list(
            db.session().scalars(select(AuditEvent.detail).where(AuditEvent.action == action))
        )


def _user(app: Flask, email: str) -> StaffUser:
    with app.app_context():
        user = db.session().scalar(select(StaffUser).where(StaffUser.email == email))
        assert user is not None
        db.session().expunge(user)
        return user


def _password_step(app: Flask, email: str) -> PageBrowser:
    """A browser past the password, on the code page."""
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    page = browser.post("/staff/login", {"email": email, "password": PASSWORD})
    assert page.request.path == "/staff/login/code"
    return browser


def _with_second_factor(app: Flask, email: str) -> PageBrowser:
    """``email`` signed in, having turned two-step sign-in on from the account page."""
    browser = signed_in(app.test_client(), email)
    browser.get("/staff/account/two-step")
    set_up_second_factor(browser, email)
    return browser


def _sign_out(browser: PageBrowser) -> None:
    browser.get("/staff/account/two-step")
    browser.post("/staff/logout")


def test_turning_it_on_needs_a_first_code_and_shows_recovery_codes_once(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = signed_in(app.test_client(), COORDINATOR)
    # Optional for a coordinator: signed in straight after the password.
    assert browser.get("/staff/").request.path == "/staff/north/"
    status = browser.get("/staff/account/two-step").get_data(as_text=True)
    assert "Two-step sign-in is off" in status
    page = browser.get("/staff/account/two-step/set-up")
    html = page.get_data(as_text=True)
    assert "<svg" in html and "QR code to scan with your app" in html
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', html)
    assert secret is not None
    key = secret.group(1).replace(" ", "")
    assert len(key) == 32
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    # A wrong first code turns nothing on; the same key is shown again.
    wrong = browser.post("/staff/account/two-step/set-up", {"code": "000000"})
    assert wrong.status_code == 400
    assert "Enter the code your app shows now" in wrong.get_data(as_text=True)
    assert key in wrong.get_data(as_text=True).replace(" ", "")
    assert _user(app, COORDINATOR).totp_secret is None
    done = browser.post("/staff/account/two-step/set-up", {"code": pyotp.TOTP(key).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.get_data(as_text=True))
    assert done.status_code == 200 and len(codes) == 10 and len(set(codes)) == 10
    assert _user(app, COORDINATOR).totp_secret == key
    with app.app_context():
        stored = db.session().scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored), "codes are stored hashed"
    # Shown once: the account page only counts them.
    again = browser.get("/staff/account/two-step").get_data(as_text=True)
    assert "You have 10 unused recovery codes" in again and codes[0] not in again
    assert _events(app, "second_factor_on")


def test_signing_in_asks_for_a_code_after_the_password(app: Flask) -> None:
    make_area_with_staff(app, "north")
    _sign_out(_with_second_factor(app, COORDINATOR))
    browser = _password_step(app, COORDINATOR)
    page = browser.get("/staff/login/code").get_data(as_text=True)
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    # No session yet: the password alone reaches nothing.
    assert browser.client.get("/staff/north/").status_code == 302
    with app.app_context():
        assert db.session().scalar(select(StaffSession.id)) is None
    code = next_code(app, COORDINATOR)
    assert code is not None
    done = browser.post("/staff/login/code", {"code": code})
    assert done.request.path == "/staff/north/"
    assert [e.get("second_factor") for e in _events(app, "login")][-1] == "code"
    assert _events(app, "login_password_ok")


def test_a_wrong_code_and_a_used_code_are_refused(app: Flask) -> None:
    make_area_with_staff(app, "north")
    _sign_out(_with_second_factor(app, COORDINATOR))
    browser = _password_step(app, COORDINATOR)
    wrong = browser.post("/staff/login/code", {"code": "12345x"})
    assert wrong.status_code == 400
    assert "Enter the code your app shows now" in wrong.get_data(as_text=True)
    code = next_code(app, COORDINATOR)
    assert code is not None
    assert browser.post("/staff/login/code", {"code": code}).request.path == "/staff/north/"
    _sign_out(browser)
    # The same code again, still within its 30 seconds: refused.
    again = _password_step(app, COORDINATOR)
    replayed = again.post("/staff/login/code", {"code": code})
    assert replayed.status_code == 400
    assert "That code has already been used" in replayed.get_data(as_text=True)
    assert again.client.get("/staff/north/").status_code == 302
    reasons = [e["reason"] for e in _events(app, "login_code_failed")]
    assert "wrong" in reasons and "replayed" in reasons


def test_codes_are_accepted_one_step_either_side_of_now_and_no_further() -> None:
    secret = second_factor.new_secret()
    totp = pyotp.TOTP(secret)
    now = dt.datetime(2026, 12, 4, 12, 0, 10, tzinfo=dt.UTC)
    step = second_factor.step_of(now)
    for offset, accepted in ((-2, False), (-1, True), (0, True), (1, True), (2, False)):
        code = totp.at((step + offset) * 30)
        found = second_factor.matching_step(secret, code, now=now)
        assert (found == step + offset) if accepted else found is None, offset
    assert second_factor.matching_step(secret, " 12 34 ", now=now) is None


def test_the_code_step_expires_after_five_minutes(app: Flask) -> None:
    make_area_with_staff(app, "north")
    _sign_out(_with_second_factor(app, COORDINATOR))
    browser = _password_step(app, COORDINATOR)
    with browser.client.session_transaction() as cookie:
        cookie["staff_pending"] = {**cookie["staff_pending"], "until": int(time.time()) - 1}
    page = browser.get("/staff/login/code")
    assert page.request.path == "/staff/login"
    assert "The code was not entered within 5 minutes" in page.get_data(as_text=True)
    code = next_code(app, COORDINATOR)
    posted = browser.client.post(
        "/staff/login/code", data={"code": code, "csrf_token": browser.csrf_token()}
    )
    assert posted.status_code == 302 and posted.location.startswith("/staff/login")
    assert browser.client.get("/staff/north/").status_code == 302


def test_wrong_codes_are_throttled_like_passwords(app: Flask) -> None:
    make_area_with_staff(app, "north")
    _sign_out(_with_second_factor(app, COORDINATOR))
    browser = _password_step(app, COORDINATOR)
    for _ in range(5):
        assert browser.post("/staff/login/code", {"code": "000000"}).status_code in (400, 429)
    code = next_code(app, COORDINATOR)
    throttled = browser.post("/staff/login/code", {"code": code})
    assert throttled.status_code == 429
    assert int(throttled.headers["Retry-After"]) <= 60
    assert "too many wrong codes" in throttled.get_data(as_text=True)
    assert browser.client.get("/staff/north/").status_code == 302
    assert _events(app, "login_code_throttled")
    # Recovery codes share the throttle.
    browser.get("/staff/login/recovery-code")
    kept = kept_recovery_codes(app, COORDINATOR)
    assert browser.post("/staff/login/recovery-code", {"code": kept[0]}).status_code == 429


def test_a_recovery_code_signs_in_once(app: Flask) -> None:
    make_area_with_staff(app, "north")
    _sign_out(_with_second_factor(app, COORDINATOR))
    recovery = kept_recovery_codes(app, COORDINATOR)[0]
    browser = _password_step(app, COORDINATOR)
    browser.get("/staff/login/recovery-code")
    done = browser.post("/staff/login/recovery-code", {"code": recovery.upper()})
    assert done.request.path == "/staff/north/"
    assert "You have 9 left" in done.get_data(as_text=True)
    assert _events(app, "login")[-1]["second_factor"] == "recovery_code"
    _sign_out(browser)
    again = _password_step(app, COORDINATOR)
    again.get("/staff/login/recovery-code")
    used = again.post("/staff/login/recovery-code", {"code": recovery})
    assert used.status_code == 400
    assert "That recovery code has already been used" in used.get_data(as_text=True)
    wrong = again.post("/staff/login/recovery-code", {"code": "aaaa-bbbb-cccc-dddd"})
    assert "Enter a recovery code you have not used yet" in wrong.get_data(as_text=True)
    assert again.client.get("/staff/north/").status_code == 302


def test_an_administrator_must_set_it_up_before_any_other_page(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    page = browser.post("/staff/login", {"email": ADMIN, "password": PASSWORD})
    assert page.request.path == "/staff/account/two-step/set-up"
    assert "Administrators who sign in with a password must use two-step sign-in" in (
        page.get_data(as_text=True)
    )
    token = browser.csrf_token()
    for path in ("/staff/", "/staff/north/", "/staff/north/people", "/staff/north/audit"):
        response = browser.client.get(path)
        assert response.status_code == 302, path
        assert response.location == "/staff/account/two-step/set-up", path
    invite = browser.client.post(
        "/staff/north/people",
        data={"email": "x@north.example", "role": "reviewer", "csrf_token": token},
    )
    assert invite.location == "/staff/account/two-step/set-up"
    set_up_second_factor(browser, ADMIN)
    assert browser.get("/staff/north/people").status_code == 200
    # An administrator cannot turn it off, even with a right code.
    browser.get("/staff/account/two-step")
    refused = browser.post("/staff/account/two-step/turn-off", {"code": next_code(app, ADMIN)})
    assert refused.status_code == 403
    assert "must keep two-step sign-in on" in refused.get_data(as_text=True)
    assert _user(app, ADMIN).totp_secret is not None


def test_turning_it_off_needs_a_current_code(app: Flask) -> None:
    make_area_with_staff(app, "north")
    browser = _with_second_factor(app, COORDINATOR)
    browser.get("/staff/account/two-step")
    wrong = browser.post("/staff/account/two-step/turn-off", {"code": "000000"})
    assert wrong.status_code == 400 and _user(app, COORDINATOR).totp_secret is not None
    browser.get("/staff/account/two-step")
    done = browser.post("/staff/account/two-step/turn-off", {"code": next_code(app, COORDINATOR)})
    assert done.request.path == "/staff/account/two-step"
    assert "Two-step sign-in is off" in done.get_data(as_text=True)
    assert _user(app, COORDINATOR).totp_secret is None
    with app.app_context():
        assert db.session().scalar(select(RecoveryCode.id)) is None
    assert _events(app, "second_factor_off") and _events(app, "second_factor_off_refused")


def test_an_administrator_resets_someone_elses_second_factor(app: Flask) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    person = _with_second_factor(app, COORDINATOR)
    person_id = _user(app, COORDINATOR).id
    admin = signed_in(app.test_client(), ADMIN)
    people = admin.get("/staff/north/people").get_data(as_text=True)
    assert f"/staff/north/people/{person_id}/two-step/reset" in people
    done = admin.post(f"/staff/north/people/{person_id}/two-step/reset")
    assert done.request.path == "/staff/north/people"
    assert "Two-step sign-in is off for coordinator@north.example" in done.get_data(as_text=True)
    assert _user(app, COORDINATOR).totp_secret is None
    assert person.client.get("/staff/north/").status_code == 302, "their sessions ended"
    (event,) = _events(app, "second_factor_reset")
    assert event["for_email"] == COORDINATOR
    # Someone who also works in an area this administrator does not run: refused.
    with app.app_context():
        from feedback_app.models import LocalArea
        from feedback_app.staff.accounts import create_user
        from feedback_app.staff.roles import Role

        south = db.session().scalar(select(LocalArea).where(LocalArea.slug == "south"))
        assert south is not None
        create_user(db.session(), area=south, email=COORDINATOR, role=Role.REVIEWER, password=None)
        db.session().commit()
    _with_second_factor(app, COORDINATOR)
    admin.get("/staff/north/people")
    refused = admin.post(f"/staff/north/people/{person_id}/two-step/reset")
    assert refused.status_code == 403
    assert _user(app, COORDINATOR).totp_secret is not None
    assert _events(app, "second_factor_reset_refused")


def test_the_operator_resets_anyones_second_factor_from_the_command_line(app: Flask) -> None:
    """The only administrator lost their phone and their recovery codes."""
    from feedback_app.cli import cli

    make_area_with_staff(app, "north")
    admin = signed_in(app.test_client(), ADMIN)
    runner = app.test_cli_runner()
    done = runner.invoke(cli, ["users", "reset-second-factor", "--email", ADMIN])
    assert done.exit_code == 0, done.output
    assert _user(app, ADMIN).totp_secret is None
    assert admin.client.get("/staff/north/").status_code == 302, "their sessions ended"
    assert [e["by"] for e in _events(app, "second_factor_reset")] == ["command line"]
    # Signing in again, the administrator is made to set it up again.
    browser = PageBrowser(app.test_client())
    browser.get("/staff/login")
    page = browser.post("/staff/login", {"email": ADMIN, "password": PASSWORD})
    assert page.request.path == "/staff/account/two-step/set-up"
    again = runner.invoke(cli, ["users", "reset-second-factor", "--email", COORDINATOR])
    assert again.exit_code == 2 and "has no two-step sign-in" in again.output
