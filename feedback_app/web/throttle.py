"""Throttles for things that can be guessed: staff sign-in and resume codes (ADR 0018).

A throttle counts failed attempts per key in the database (``login_throttle``), so
every instance behind a load balancer sees the same count. After ``free`` failures
each further failure makes the key wait, twice as long as the last time, up to
``longest_wait``: a real person who mistypes gets through after a short wait, a
script slows to a trickle. A quiet ``window`` after the last failure (or the end
of the last wait) starts the count again.

Keys are never the thing itself:

- an e-mail address or a wave id: HMAC-SHA256 with the app's secret;
- a client address: HMAC-SHA256 with a key derived from the secret *and the
  day*, so the same address gives a different key tomorrow and yesterday's keys
  cannot be linked to today's. IPv6 addresses are taken by their /64 (one
  household or one attacker's whole allocation). Rows are deleted a day after
  their last use. Nothing here is ever joined to a response or an answer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import math
from collections.abc import Iterable
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from feedback_app.config import trusted_proxies
from feedback_app.models import LoginThrottle, utcnow

#: Rows untouched for this long are deleted (client keys rotate daily anyway).
KEEP_ROWS = dt.timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    """``free`` failures, then waits from ``first_wait`` doubling to ``longest_wait``."""

    free: int
    window: dt.timedelta = dt.timedelta(minutes=15)
    first_wait: dt.timedelta = dt.timedelta(minutes=1)
    longest_wait: dt.timedelta = dt.timedelta(minutes=15)

    def wait_after(self, failures: int) -> dt.timedelta | None:
        """How long a key must wait after its ``failures``-th failure (None: no wait)."""
        if failures < self.free:
            return None
        doublings = min(failures - self.free, 20)  # 2**20 minutes is past any cap
        return min(self.first_wait * 2**doublings, self.longest_wait)


def hourly_messages(free: int) -> Limit:
    """The limit on messages sent for someone: ``free`` an hour, then waits from 15
    minutes doubling up to a day."""
    return Limit(
        free=free,
        window=dt.timedelta(hours=1),
        first_wait=dt.timedelta(minutes=15),
        longest_wait=dt.timedelta(days=1),
    )


@dataclass(frozen=True)
class Key:
    """One throttled thing: its hashed key, what kind of thing it is, its limit."""

    key: str
    scope: str
    limit: Limit


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored moment is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def stable_key(secret: str, scope: str, value: str) -> str:
    """A keyed hash of ``value`` that stays the same (e-mail addresses, wave ids)."""
    return hmac.new(secret.encode(), f"{scope}\n{value}".encode(), hashlib.sha256).hexdigest()


def client_key(secret: str, scope: str, address: str, *, now: dt.datetime | None = None) -> str:
    """A keyed hash of a client address with a key that changes every day (UTC)."""
    day = (now or utcnow()).astimezone(dt.UTC).date().isoformat()
    daily = hmac.new(secret.encode(), f"client-address {day}".encode(), hashlib.sha256).digest()
    return hmac.new(daily, f"{scope}\n{address}".encode(), hashlib.sha256).hexdigest()


def _network(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Network | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        return ipaddress.IPv6Network((address, 64), strict=False)
    return address


def _is_trusted(
    text: str, proxies: Iterable[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return any(address.version == net.version and address in net for net in proxies)


def app_secret() -> str:
    """The application's secret key as text (the key of every keyed hash here)."""
    key = current_app.secret_key
    return key.decode() if isinstance(key, bytes) else (key or "")


def client_address() -> str:
    """Who is asking, as far as we can tell: the address of the request's client.

    Behind a proxy listed in ``FORWARDED_ALLOW_IPS`` (the same setting gunicorn
    uses for ``X-Forwarded-Proto``), the nearest untrusted address in
    ``X-Forwarded-For``; otherwise the peer. An IPv6 address counts by its /64.
    """
    proxies = trusted_proxies(str(current_app.config.get("FORWARDED_ALLOW_IPS", "127.0.0.1")))
    peer = str(request.environ.get("REMOTE_ADDR") or "")
    if _is_trusted(peer, proxies):
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
        for hop in reversed([h for h in hops if h]):
            peer = hop
            if not _is_trusted(hop, proxies):
                break
    network = _network(peer)
    return str(network) if network is not None else "unknown"


def wait_seconds(db: Session, keys: Iterable[Key], *, now: dt.datetime | None = None) -> int:
    """Seconds until every one of ``keys`` may try again (0: they may try now)."""
    now = now or utcnow()
    by_key = {k.key for k in keys}
    if not by_key:
        return 0
    ends = db.scalars(
        select(LoginThrottle.blocked_until).where(
            LoginThrottle.key.in_(by_key), LoginThrottle.blocked_until.is_not(None)
        )
    ).all()
    longest = max(((_aware(end) - now).total_seconds() for end in ends if end), default=0.0)
    return max(0, math.ceil(longest))


def note_failure(db: Session, keys: Iterable[Key], *, now: dt.datetime | None = None) -> None:
    """Count one failed attempt against each key (the caller commits)."""
    now = now or utcnow()
    for key in keys:
        _count(db, key, now)
    db.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_start < now - KEEP_ROWS,
            or_(
                LoginThrottle.blocked_until.is_(None), LoginThrottle.blocked_until < now - KEEP_ROWS
            ),
        )
    )


def _count(db: Session, key: Key, now: dt.datetime) -> None:
    row = db.scalar(select(LoginThrottle).where(LoginThrottle.key == key.key).with_for_update())
    if row is None:
        try:
            with db.begin_nested():
                db.add(LoginThrottle(key=key.key, scope=key.scope, failures=0, window_start=now))
        except IntegrityError:  # another request added it first: count on its row
            pass
        row = db.scalar(select(LoginThrottle).where(LoginThrottle.key == key.key).with_for_update())
        if row is None:  # pragma: no cover - deleted in between
            return
    # A run of failures ends after a quiet window: from the first failure while
    # the attempts are still free, from the end of the last wait after that.
    quiet_since = _aware(row.blocked_until or row.window_start)
    if now - quiet_since > key.limit.window:
        row.failures, row.window_start, row.blocked_until = 0, now, None
    row.failures += 1
    wait = key.limit.wait_after(row.failures)
    if wait is not None:
        row.blocked_until = now + wait
    db.flush()


def clear(db: Session, keys: Iterable[Key]) -> None:
    """Forget the failures of ``keys`` (after a success; the caller commits)."""
    names = [k.key for k in keys]
    if names:
        db.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(names)))
