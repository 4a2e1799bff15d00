"""Two-step sign-in in the browser tests, done as a person would (ADR 0038).

An administrator signing in with a password for the first time is sent to set it
up: the key shown as text goes into an 'app' (pyotp), the first code is entered
and the recovery codes are kept. Later sign-ins enter a fresh code, or a kept
recovery code once the drift window's codes are used up.
"""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from playwright.sync_api import Page

from tests.support.staff import kept_recovery_codes, next_code

CODE_LABEL = "Code from your authenticator app"


def set_up(page: Page, app: Flask, email: str) -> None:
    """On the set-up page: turn it on, keep the recovery codes, carry on."""
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    page.get_by_label(CODE_LABEL).fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    page.wait_for_load_state()
    codes = re.findall(
        r"[a-z0-9]{4}(?:-[a-z0-9]{4}){3}", page.locator("#recovery-codes").inner_text()
    )
    kept_recovery_codes(app, email)[:] = codes
    page.get_by_role("button", name="I have saved my codes: continue").click()
    page.wait_for_load_state()


def enter_code(page: Page, app: Flask, email: str) -> None:
    """On the code page: a fresh code, else a kept recovery code."""
    code = next_code(app, email)
    if code is None:
        page.get_by_role("link", name="I cannot use my app: use a recovery code").click()
        page.get_by_label("Recovery code").fill(kept_recovery_codes(app, email).pop())
    else:
        page.get_by_label(CODE_LABEL).fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def complete(page: Page, app: Flask, email: str) -> None:
    """Whatever second step the sign-in led to, done."""
    if page.url.endswith("/staff/account/two-step/set-up"):
        set_up(page, app, email)
    elif page.url.endswith("/staff/login/code"):
        enter_code(page, app, email)
