"""A benchmark's member of staff: the Flask test client, signed in through the sign-in page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def signed_in_client(app: Flask, email: str, password: str) -> FlaskClient:
    """``app``'s test client, signed in as ``email`` as a person would be: the sign-in
    page is read for its CSRF token, then the form is sent."""
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    found = CSRF.search(page)
    if found is None:
        raise SystemExit("no CSRF token on the sign-in page")
    client.post(
        "/staff/login",
        data={"csrf_token": found.group(1), "email": email, "password": password},
    )
    return client
