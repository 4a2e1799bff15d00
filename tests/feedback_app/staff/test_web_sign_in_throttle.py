"""Sign-in cannot burn CPU or lock people out (issue 11, part 4; ADR 0018).

Per-client throttle with a keyed hash (no address stored), a bounded number of
password checks per process, waits that double instead of a hard lock, one
client unable to keep an account out, and refusals audited in every area of the
account. The real Argon2id cost is replaced by a cheap one here: the tests are
about counting, not hashing.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from feedback_app import db
from feedback_app.models import AuditEvent, LocalArea, LoginThrottle
from feedback_app.staff import accounts
from feedback_app.staff.accounts import create_user
from feedback_app.staff.areas import create_area
from feedback_app.staff.roles import Role
from feedback_app.web import throttle
from tests.support.browser import PageBrowser
from tests.support.staff import PASSWORD, make_area_with_staff, signed_in

ADMIN = "administrator@north.example"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Argon2id at its smallest cost: the same code paths, a thousand times faster."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)
    dummy = cheap.hash("not anyone's password")
    monkeypatch.setattr(accounts, "_dummy_hash", lambda: dummy)
    yield


def _client(app: Flask, address: str) -> FlaskClient:
    """A test client whose requests come (through the trusted proxy) from ``address``."""
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client


def _sign_in(client: FlaskClient, email: str, password: str) -> tuple[int, dict[str, str]]:
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert token
    response = client.post(
        "/staff/login", data={"csrf_token": token.group(1), "email": email, "password": password}
    )
    return response.status_code, dict(response.headers)


def _end_waits(app: Flask) -> None:
    """Time passes: every wait is over (the counts stay)."""
    with app.app_context():
        db.session().execute(
            update(LoginThrottle).values(blocked_until=throttle.utcnow() - dt.timedelta(seconds=1))
        )
        db.session().commit()


def test_made_up_emails_from_one_client_are_throttled_per_client(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks = []
    real_verify = accounts._verify
    monkeypatch.setattr(
        accounts, "_verify", lambda *a, **k: checks.append(1) or real_verify(*a, **k)
    )
    attacker = _client(app, "203.0.113.5")
    for number in range(accounts.LIMIT_CLIENT.free):
        status, _headers = _sign_in(attacker, f"made-up-{number}@nowhere.example", "guess")
        assert status == 400
    status, headers = _sign_in(attacker, "yet-another@nowhere.example", "guess")
    assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60
    assert len(checks) == accounts.LIMIT_CLIENT.free, "a throttled attempt costs no hash"
    # Someone else on another network is not affected.
    status, _headers = _sign_in(_client(app, "198.51.100.7"), "someone@else.example", "x")
    assert status == 400
    # Only keyed hashes are stored: neither address nor e-mail appears anywhere.
    with app.app_context():
        rows = db.session().execute(select(LoginThrottle.key, LoginThrottle.scope)).all()
    stored = " ".join(f"{key} {scope}" for key, scope in rows)
    assert "203.0.113" not in stored and "nowhere" not in stored
    assert {scope for _key, scope in rows} == {"login_pair", "login_email", "login_client"}


def test_password_checks_are_bounded_per_process(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_area_with_staff(app, "north")
    app.config.update(LOGIN_CONCURRENT_CHECKS=1, LOGIN_CHECK_PATIENCE_SECONDS=0.05)
    release = threading.Event()
    started = threading.Event()
    slow_hasher = accounts._hasher

    class Slow:
        def verify(self, stored: str, password: str) -> bool:
            started.set()
            release.wait(10)
            return slow_hasher.verify(stored, password)

        def __getattr__(self, name: str) -> object:
            return getattr(slow_hasher, name)

    monkeypatch.setattr(accounts, "_hasher", Slow())
    first: list[int] = []
    thread = threading.Thread(
        target=lambda: first.append(_sign_in(_client(app, "192.0.2.1"), ADMIN, PASSWORD)[0])
    )
    thread.start()
    try:
        assert started.wait(10)
        began = time.monotonic()
        status, headers = _sign_in(_client(app, "192.0.2.2"), "x@y.example", "guess")
        took = time.monotonic() - began
    finally:
        release.set()
        thread.join(10)
    assert status == 503 and int(headers["Retry-After"]) > 0
    assert took < 2, "refused at once, not queued"
    assert first == [302], "the check that had the slot signed in"


def test_a_lock_out_is_a_wait_that_doubles_and_others_get_in(app: Flask) -> None:
    make_area_with_staff(app, "north")
    typo = _client(app, "192.0.2.10")
    for _attempt in range(accounts.LIMIT_ACCOUNT_AND_CLIENT.free):
        assert _sign_in(typo, ADMIN, "wrong")[0] == 400
    status, headers = _sign_in(typo, ADMIN, PASSWORD)
    assert status == 429 and 1 <= int(headers["Retry-After"]) <= 60
    _end_waits(app)
    assert _sign_in(typo, ADMIN, "wrong again")[0] == 400
    status, headers = _sign_in(typo, ADMIN, PASSWORD)
    assert status == 429 and 60 < int(headers["Retry-After"]) <= 120, "the wait doubled"
    # The same person on another network (their phone) is not held up.
    assert _sign_in(_client(app, "192.0.2.11"), ADMIN, PASSWORD)[0] == 302
    # And once the wait is over, the right password works from the first client too.
    _end_waits(app)
    assert _sign_in(typo, ADMIN, PASSWORD)[0] == 302


def test_one_client_cannot_keep_an_administrator_out(app: Flask) -> None:
    make_area_with_staff(app, "north")
    attacker = _client(app, "203.0.113.66")
    # An hour of the attacker trying whenever allowed: 5 at once, then one after
    # each wait (the waits pass instantly here).
    for _attempt in range(accounts.LIMIT_ACCOUNT_AND_CLIENT.free):
        _sign_in(attacker, ADMIN, "guess")
    for _round in range(4):
        _end_waits(app)
        assert _sign_in(attacker, ADMIN, "guess")[0] == 400
        assert _sign_in(attacker, ADMIN, "guess")[0] == 429
    assert _sign_in(_client(app, "192.0.2.20"), ADMIN, PASSWORD)[0] == 302


def test_many_clients_slow_everyone_but_a_one_time_link_still_signs_in(app: Flask) -> None:
    make_area_with_staff(app, "north")
    clients = accounts.LIMIT_ACCOUNT.free // accounts.LIMIT_ACCOUNT_AND_CLIENT.free
    for number in range(clients):
        attacker = _client(app, f"203.0.113.{100 + number}")
        for _attempt in range(accounts.LIMIT_ACCOUNT_AND_CLIENT.free):
            _sign_in(attacker, ADMIN, "guess")
    status, headers = _sign_in(_client(app, "192.0.2.30"), ADMIN, PASSWORD)
    assert status == 429 and int(headers["Retry-After"]) <= 60
    # The service's operator gives a reset link (an administrator of every area the
    # person works in could too, ADR 0017): it signs the person in.
    with app.app_context():
        area = db.session().scalar(select(LocalArea).where(LocalArea.slug == "north"))
        assert area is not None
        token = accounts.issue_link(
            db.session(),
            purpose=accounts.OPERATOR_RESET,
            area=area,
            email=ADMIN,
            role=None,
            created_by=None,
        )
        db.session().commit()
    person = PageBrowser(_client(app, "192.0.2.30"))
    person.get(f"/staff/link/{token}")
    page = person.post(f"/staff/link/{token}", {"password": "a new long passphrase"})
    # Signed in: an administrator without two-step sign-in is sent to set it up first.
    assert page.request.path == "/staff/account/two-step/set-up"


def test_failed_and_throttled_sign_ins_are_audited_in_every_area_of_the_account(
    app: Flask,
) -> None:
    make_area_with_staff(app, "north")
    make_area_with_staff(app, "south")
    with app.app_context():
        south = db.session().scalar(select(LocalArea).where(LocalArea.slug == "south"))
        assert south is not None
        create_user(
            db.session(), area=south, email="coordinator@north.example", role=Role.REVIEWER,
            password=None,
        )  # fmt: skip
        create_area(db.session(), slug="east", name="East SEND Partnership")
        db.session().commit()
    attacker = _client(app, "203.0.113.9")
    for _attempt in range(accounts.LIMIT_ACCOUNT_AND_CLIENT.free + 2):
        _sign_in(attacker, "coordinator@north.example", "guess")
    for area in ("north", "south"):
        admin = signed_in(_client(app, "192.0.2.40"), f"administrator@{area}.example")
        html = admin.get(f"/staff/{area}/audit").get_data(as_text=True)
        failed = re.search(r"coordinator@north\.example</td>\s*<td[^>]*>login_failed</td>\s*"
                           r"<td[^>]*>(\d+)</td>", html)  # fmt: skip
        assert failed and failed.group(1) == "5", area
        throttled = re.search(r"coordinator@north\.example</td>\s*<td[^>]*>login_throttled</td>",
                              html)  # fmt: skip
        assert throttled, area
    with app.app_context():
        rows = (
            db.session()
            .execute(
                select(AuditEvent.action, AuditEvent.repeats).where(
                    AuditEvent.action.in_(["login_failed", "login_throttled"])
                )
            )
            .all()
        )
    # One grouped row per area and kind, not one per attempt; none in other areas.
    assert sorted((action, repeats) for action, repeats in rows) == [
        ("login_failed", 5),
        ("login_failed", 5),
        ("login_throttled", 2),
        ("login_throttled", 2),
    ]


def test_the_client_address_comes_from_trusted_proxies_only(app: Flask) -> None:
    def address(remote: str, forwarded: str | None) -> str:
        headers = {"X-Forwarded-For": forwarded} if forwarded else {}
        with app.test_request_context(
            "/staff/login", headers=headers, environ_base={"REMOTE_ADDR": remote}
        ):
            return throttle.client_address()

    assert address("127.0.0.1", "203.0.113.5") == "203.0.113.5"
    assert address("127.0.0.1", "198.51.100.1, 203.0.113.5") == "203.0.113.5"
    # Not through the proxy: a forged header is ignored.
    assert address("198.51.100.20", "203.0.113.5") == "198.51.100.20"
    # IPv6 by its /64: one household's (or one attacker's) whole allocation.
    assert address("2001:db8:1:2:aaaa::1", None) == address("2001:db8:1:2:bbbb::9", None)
    assert address("127.0.0.1", "not an address") == "unknown"
    today = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC)
    first = throttle.client_key("s", "login_client", "203.0.113.5", now=today)
    assert first == throttle.client_key("s", "login_client", "203.0.113.5", now=today)
    assert first != throttle.client_key(
        "s", "login_client", "203.0.113.5", now=today + dt.timedelta(days=1)
    ), "the key changes every day"


def test_password_checks_are_bounded_across_the_hosts_processes(tmp_path: Path) -> None:
    # Two workers of one instance: separate semaphores, the same lock files.
    first = accounts.PasswordChecks(size=4, patience=0.05, host_slots=tmp_path, host_size=1)
    second = accounts.PasswordChecks(size=4, patience=0.05, host_slots=tmp_path, host_size=1)
    with first.slot(), pytest.raises(accounts.Busy), second.slot():
        pass  # pragma: no cover - never reached
    with second.slot():  # released: the other worker gets it
        pass
