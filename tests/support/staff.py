"""Staff fixtures' helpers: areas, people in every role, signing in."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from feedback_app import db
from feedback_app.models import LocalArea, StaffUser
from feedback_app.plan.service import start_plan_from_bank
from feedback_app.staff.accounts import create_user
from feedback_app.staff.areas import create_area
from feedback_app.staff.roles import Role
from tests.support.browser import PageBrowser

if TYPE_CHECKING:
    from playwright.sync_api import Page

PASSWORD = "correct horse battery staple"


def make_area_with_staff(app: Flask, slug: str, *, plan: bool = True) -> dict[str, str]:
    """Create area ``slug`` with one person per role; returns role -> e-mail.

    A new area gets the plan an existing area gets on upgrading (migration 0010:
    the KPI bank, recorded baselines agreed), unless ``plan`` is False (then it has
    none, as a new area does).
    """
    emails = {}
    with app.app_context():
        session = db.session()
        area = session.query(LocalArea).filter_by(slug=slug).one_or_none()
        if area is None:
            area = create_area(session, slug=slug, name=f"{slug.title()} SEND Partnership")
            if plan:
                start_plan_from_bank(session, area)
        for role in Role:
            email = f"{role.value}@{slug}.example"
            create_user(session, area=area, email=email, role=role, password=PASSWORD)
            emails[role.value] = email
        session.commit()
    return emails


def signed_in(client: FlaskClient, email: str, password: str = PASSWORD) -> PageBrowser:
    """A page browser signed in as ``email``.

    Two-step sign-in is done as a person would: an administrator is sent to set it
    up at the first sign-in (the key is read from the page, the recovery codes kept),
    and later sign-ins enter a code, or a kept recovery code when three sign-ins in
    a minute have used every code the drift window allows.
    """
    browser = PageBrowser(client)
    browser.get("/staff/login")
    response = browser.post("/staff/login", {"email": email, "password": password})
    if response.request.path == "/staff/account/two-step/set-up":
        response = set_up_second_factor(browser, email)
    elif response.request.path == "/staff/login/code":
        response = enter_second_factor(browser, email)
    assert "/staff/login" not in response.request.path, "sign-in failed"
    return browser


def kept_recovery_codes(app: Flask, email: str) -> list[str]:
    """The unused recovery codes the helpers were shown for ``email`` in ``app``."""
    kept: dict[str, list[str]] = app.extensions.setdefault("test_recovery_codes", {})
    return kept.setdefault(email, [])


def set_up_second_factor(browser: PageBrowser, email: str) -> TestResponse:
    """On the set-up page: type the key shown into an 'app', confirm, keep the codes."""
    page = browser.get("/staff/account/two-step/set-up").get_data(as_text=True)
    found = re.search(r'id="secret-key">([A-Z2-7 ]+)<', page)
    assert found, "the key is shown as text"
    secret = found.group(1).replace(" ", "")
    response = browser.post("/staff/account/two-step/set-up", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", response.get_data(as_text=True))
    assert len(codes) == 10, "recovery codes shown"
    kept_recovery_codes(browser.client.application, email)[:] = codes
    return browser.get("/staff/")


def next_code(app: Flask, email: str) -> str | None:
    """A code ``email``'s app would show that the service has not accepted yet."""
    with app.app_context():
        user = db.session().scalar(select(StaffUser).where(StaffUser.email == email))
        assert user is not None and user.totp_secret
        now = int(time.time()) // 30
        step = max(now - 1, (user.totp_last_step or 0) + 1)
        if step > now + 1:
            return None
        return pyotp.TOTP(user.totp_secret).at(step * 30)


def enter_second_factor(browser: PageBrowser, email: str) -> TestResponse:
    """On the code page: a fresh code, else a kept recovery code."""
    app = browser.client.application
    code = next_code(app, email)
    if code is not None:
        return browser.post("/staff/login/code", {"code": code})
    kept = kept_recovery_codes(app, email)
    assert kept, "no code left to sign in with"
    browser.get("/staff/login/recovery-code")
    return browser.post("/staff/login/recovery-code", {"code": kept.pop()})


def sign_in_page(page: Page, email: str, password: str = PASSWORD) -> None:
    """Sign in on the staff sign-in page in a real browser (the browser tests' way in);
    a person with two-step sign-in is left on the page that asks for the code."""
    page.goto("/staff/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
