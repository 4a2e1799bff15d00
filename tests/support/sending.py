"""Servers the sending tests start on this machine: an SMTP server (aiosmtpd, with
STARTTLS and a sign-in) and a stand-in for the GOV.UK Notify API endpoints the
product uses, which checks each request's JWT exactly as Notify documents it:
HS256, signed with the secret part of the API key, ``iss`` the service id and
``iat`` within 30 seconds of now.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"test_key-{SERVICE_ID}-{SECRET}"
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"
SMS_TEMPLATE = "8b1c5c9a-1c52-4d8f-9e9a-3c1f2f6a9d10"


@dataclass
class NotifyStandIn:
    """What the stand-in received and how it answers.

    ``script[to]``: status codes to answer, one per attempt, before accepting
    (e.g. ``[429, 500]``). ``outcome[to]``: the final status a sent message gets
    (default "delivered"). Addresses containing "bounce" end "permanent-failure".
    """

    url: str = ""
    accepted: list[dict[str, Any]] = field(default_factory=list)
    refused_tokens: int = 0
    script: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Seconds to wait after accepting a message before answering (a slow network).
    delay: float = 0.0

    def received_by(self, to: str) -> int:
        with self.lock:
            return sum(1 for m in self.accepted if m["to"] == to)


def _check_token(header: str) -> bool:
    if not header.startswith("Bearer "):
        return False
    token = header.removeprefix("Bearer ")
    try:
        if jwt.get_unverified_header(token).get("alg") != "HS256":
            return False
        claims = jwt.decode(
            token, SECRET, algorithms=["HS256"], options={"require": ["iss", "iat"]}
        )
    except jwt.PyJWTError:
        return False
    return claims["iss"] == SERVICE_ID and abs(time.time() - int(claims["iat"])) <= 30


@contextmanager
def notify_stand_in() -> Iterator[NotifyStandIn]:
    """Run the stand-in on a free local port for the duration of the block."""
    state = NotifyStandIn()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def _reply(self, code: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if _check_token(self.headers.get("Authorization", "")):
                return True
            with state.lock:
                state.refused_tokens += 1
            self._reply(403, {"errors": [{"error": "AuthError", "message": "Invalid token"}]})
            return False

        def do_POST(self) -> None:
            if not self._authorised():
                return
            kind = self.path.rsplit("/", 1)[-1]
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            to = body.get("email_address") or body.get("phone_number") or ""
            with state.lock:
                pending = state.script.get(to) or []
                code = pending.pop(0) if pending else 201
            if code == 429:
                self._reply(
                    429, {"errors": [{"error": "RateLimitError", "message": "Exceeded rate limit"}]}
                )
                return
            if code >= 500:
                self._reply(code, {"errors": [{"error": "Exception", "message": "Internal error"}]})
                return
            if kind == "sms" and (
                to.startswith("+99") or not re.fullmatch(r"07\d{9}|\+\d{8,15}", to)
            ):
                self._reply(
                    400,
                    {
                        "errors": [
                            {
                                "error": "ValidationError",
                                "message": "phone_number Not a UK mobile number",
                            }
                        ]
                    },
                )
                return
            if not body.get("template_id"):
                self._reply(
                    400,
                    {
                        "errors": [
                            {"error": "ValidationError", "message": "template_id is required"}
                        ]
                    },
                )
                return
            notification = {
                "id": str(uuid.uuid4()),
                "type": kind,
                "to": to,
                "reference": body.get("reference"),
                "personalisation": body.get("personalisation", {}),
                "template_id": body["template_id"],
                "status": "permanent-failure" if "bounce" in to else "delivered",
            }
            with state.lock:
                state.accepted.append(notification)
            time.sleep(state.delay)
            self._reply(201, {"id": notification["id"], "reference": notification["reference"]})

        def do_GET(self) -> None:
            if not self._authorised():
                return
            parts = urlsplit(self.path)
            if parts.path == "/v2/notifications":
                reference = parse_qs(parts.query).get("reference", [None])[0]
                with state.lock:
                    found = [n for n in state.accepted if n["reference"] == reference]
                self._reply(200, {"notifications": found, "links": {}})
                return
            wanted = parts.path.rsplit("/", 1)[-1]
            with state.lock:
                match = next((n for n in state.accepted if n["id"] == wanted), None)
            if match is None:
                self._reply(
                    404, {"errors": [{"error": "NoResultFound", "message": "No result found"}]}
                )
            else:
                self._reply(200, match)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class MailBox:
    """Messages the SMTP server received: (envelope recipients, parsed message)."""

    host: str = "127.0.0.1"
    port: int = 0
    ca_file: str = ""
    messages: list[tuple[list[str], Any]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received_by(self, to: str) -> int:
        with self.lock:
            return sum(1 for rcpts, _ in self.messages if to in rcpts)


def _certificate(directory: Path) -> tuple[Path, Path]:
    key, cert = directory / "smtp.key", directory / "smtp.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return key, cert


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(directory: Path, *, username: str, password: str) -> Iterator[MailBox]:
    """An SMTP server needing STARTTLS and a sign-in, on a free local port."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    box = MailBox()
    key, cert = _certificate(directory)
    box.ca_file = str(cert)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))

    class Handler:
        async def handle_RCPT(
            self, server: Any, session: Any, envelope: Any, address: str, options: Any
        ) -> str:
            # A mailbox that does not exist: the relay refuses it at once.
            if address.startswith("no-such-person@"):
                return "550 5.1.1 No such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            with box.lock:
                box.messages.append(
                    (
                        list(envelope.rcpt_tos),
                        message_from_bytes(envelope.content, policy=policy.default),
                    )
                )
            return "250 OK"

    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login.decode(), data.password.decode()) == (
            username,
            password,
        )
        if ok:
            with box.lock:
                box.logins.append(username)
        return AuthResult(success=ok)

    controller = Controller(
        Handler(),
        hostname="127.0.0.1",
        port=_free_port(),
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    box.port = int(controller.port)
    try:
        yield box
    finally:
        controller.stop()


# --- Settings and the worker process, as the sending tests use them ----------------

ROOT = Path(__file__).resolve().parents[2]
#: The app's secret in the worker process's environment.
WORKER_SECRET = "test-" + "x" * 40
#: ``feedback-app send``, run as its own process.
SEND_COMMAND = [sys.executable, "-c", "from feedback_app.cli import main; main()", "send"]
#: The Notify templates of the update list's messages (confirmation and update).
UPDATE_TEMPLATES = {
    "NOTIFY_UPDATE_CONFIRM_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
    "NOTIFY_UPDATE_CONFIRM_SMS_TEMPLATE_ID": SMS_TEMPLATE,
    "NOTIFY_UPDATE_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
    "NOTIFY_UPDATE_SMS_TEMPLATE_ID": SMS_TEMPLATE,
}


def smtp_settings(box: MailBox) -> dict[str, Any]:
    """The app's settings for sending through ``box`` (STARTTLS and a sign-in)."""
    return {
        "SEND_BACKEND": "smtp",
        "SMTP_HOST": box.host,
        "SMTP_PORT": box.port,
        "SMTP_FROM": "send.voice@northshire.example.gov.uk",
        "SMTP_USERNAME": "relay-user",
        "SMTP_PASSWORD": "relay-password",
        "SMTP_STARTTLS": True,
        "SMTP_CA_FILE": box.ca_file,
    }


def notify_settings(
    stand_in: NotifyStandIn, *, sms_invitations: bool = False, updates: bool = False
) -> dict[str, Any]:
    """The app's settings for sending through the Notify stand-in, retrying at once:
    invitations by e-mail; with ``sms_invitations`` by text message too, with
    ``updates`` the update list's messages too."""
    return {
        "SEND_BACKEND": "notify",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": stand_in.url,
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        **({"NOTIFY_SMS_TEMPLATE_ID": SMS_TEMPLATE} if sms_invitations else {}),
        **(UPDATE_TEMPLATES if updates else {}),
        "SEND_RETRY_SECONDS": 0,
    }


def worker_env(database_url: str, stand_in: NotifyStandIn, **extra: str) -> dict[str, str]:
    """The environment of a ``feedback-app send`` process sending through the Notify
    stand-in as fast as Notify allows and settling every claim it finds."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "SECRET_KEY": WORKER_SECRET,
        "SEND_BACKEND": "notify",
        "NOTIFY_API_KEY": API_KEY,
        "NOTIFY_BASE_URL": stand_in.url,
        "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        **extra,
        "SEND_PER_MINUTE": "3000",
        "SEND_CLAIM_TIMEOUT_SECONDS": "0",
    }


def kill_worker_after(
    stand_in: NotifyStandIn, env: dict[str, str], *, accepted: int, of: int
) -> tuple[int, subprocess.CompletedProcess[str]]:
    """Start ``feedback-app send``, SIGKILL it once Notify has accepted ``accepted``
    messages (while it waits for Notify's answer), then run it again to the end.

    Returns how many Notify had accepted when the worker was killed (checked to be at
    least ``accepted`` and fewer than ``of``, all there are to send) and the rerun."""
    stand_in.delay = 0.3
    worker = subprocess.Popen(SEND_COMMAND, env=env, cwd=ROOT)
    deadline = time.monotonic() + 120
    while len(stand_in.accepted) < accepted and time.monotonic() < deadline:
        assert worker.poll() is None, "the worker ended before it was killed"
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    before_kill = len(stand_in.accepted)
    assert accepted <= before_kill < of
    stand_in.delay = 0
    rerun = subprocess.run(
        SEND_COMMAND, env=env, cwd=ROOT, capture_output=True, text=True, timeout=180
    )
    assert rerun.returncode == 0, rerun.stderr
    return before_kill, rerun


def code_that_names(packages: tuple[str, ...], words: tuple[str, ...]) -> list[str]:
    """The Python files of ``packages`` (of feedback_app, or ``analysis``) that name
    any of ``words``, relative to the repository."""
    readers = []
    for package in packages:
        base = ROOT / ("analysis" if package == "analysis" else f"feedback_app/{package}")
        for path in base.rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if any(word in text for word in words):
                readers.append(str(path.relative_to(ROOT)))
    return readers
