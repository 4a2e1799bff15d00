"""A real OpenID provider for the single sign-on tests: ``oidc-provider`` run by node.

``tests/support/oidc/provider.mjs`` holds its clients and test accounts (alice: the
group ``send-officers``; bob: ``send-admins`` and ``send-officers``; carol: only
``finance``). ``make pytest`` installs it with ``npm ci``; without node or the
installed package the tests skip locally and fail in CI (``CI=true``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask.testing import FlaskClient

HERE = Path(__file__).resolve().parent / "oidc"
CLIENT_ID = "feedback"
CLIENT_SECRET = "feedback-test-secret"
CALLBACK = "http://localhost/staff/sso/callback"


@dataclass(frozen=True)
class OidcTestProvider:
    issuer: str

    def tamper_next_token(self, mode: str) -> None:
        """Make the next ID token wrong: ``audience``, ``nonce`` or ``expired``."""
        requests.post(f"{self.issuer}/__test/tamper", params={"mode": mode}, timeout=5)

    def app_config(self) -> dict[str, str]:
        return {
            "OIDC_ISSUER": self.issuer,
            "OIDC_CLIENT_ID": CLIENT_ID,
            "OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_SCOPES": "openid email profile groups",
        }


def _unavailable(what: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the single sign-on tests, but {what}", pytrace=False)
    pytest.skip(f"single sign-on tests need the test OpenID provider: {what}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcTestProvider]:
    """Start the provider on a free port for the test session; stop it afterwards."""
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not installed")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        _unavailable("run `cd tests/support/oidc && npm ci` (make pytest does)")
    port = _free_port()
    process = subprocess.Popen(
        [str(node), str(HERE / "provider.mjs"), str(port)],
        cwd=HERE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("ready "):
                break
        else:
            pytest.fail(f"the test OpenID provider stopped: exit {process.wait()}")
        yield OidcTestProvider(issuer=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            process.kill()


def provider_round_trip(client: FlaskClient, account: str) -> str:
    """Follow "Sign in with ..." to the provider as ``account`` and back: the
    callback's path and query the provider sent the browser to (not yet visited)."""
    start = client.get("/staff/sso/start")
    assert start.status_code == 302, start.status_code
    url = f"{start.headers['Location']}&login_hint={account}"
    browser = requests.Session()
    for _ in range(10):
        response = browser.get(url, allow_redirects=False, timeout=10)
        assert response.status_code in (302, 303), (response.status_code, response.text[:300])
        url = response.headers["Location"]
        if url.startswith("/"):
            url = f"{urlsplit(response.url).scheme}://{urlsplit(response.url).netloc}{url}"
        if url.startswith(CALLBACK):
            parts = urlsplit(url)
            return f"{parts.path}?{parts.query}"
    raise AssertionError("the provider never sent the browser back")
