"""A Flask test client that behaves like a person's browser and checks each page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.page_checks import page_problems

TITLE = re.compile(r"<title>\s*(.*?)\s*</title>", re.S)
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


class PageCheckFailed(AssertionError):
    """A rendered page broke the page rules."""


@dataclass
class PageBrowser:
    """GET and POST like a browser: follow redirects, send the page's CSRF token."""

    client: FlaskClient
    last: TestResponse | None = None

    def _check(self, response: TestResponse) -> TestResponse:
        assert response.status_code < 500, f"{response.request.path}: {response.status_code}"
        if response.mimetype == "text/html":
            problems = page_problems(response.get_data(as_text=True))
            if problems:
                raise PageCheckFailed(f"{response.request.path}: {problems}")
        self.last = response
        return response

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        """GET ``path``, following redirects."""
        return self._check(self.client.get(path, follow_redirects=True, **kwargs))

    def csrf_token(self) -> str:
        """The CSRF token of the last page."""
        assert self.last is not None
        match = CSRF.search(self.last.get_data(as_text=True))
        assert match, (
            f"no CSRF token on {self.last.request.path} ({self.last.status_code}): "
            + " ".join(TITLE.findall(self.last.get_data(as_text=True)))
        )
        return match.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> TestResponse:
        """POST ``data`` with the last page's CSRF token, following redirects."""
        payload = {"csrf_token": self.csrf_token(), **(data or {})}
        return self._check(self.client.post(path, data=payload, follow_redirects=True, **kwargs))

    @property
    def path(self) -> str:
        """Where the browser is now."""
        assert self.last is not None
        return self.last.request.path
