"""Staff sessions held in the database (ADR 0017).

The signed cookie carries only a random token. Its SHA-256 is the primary key of a
``StaffSession`` row, so checking a request costs one primary-key lookup, every
instance behind a load balancer sees the same sessions, and deleting the row ends
the session at once: sign-out, deactivation, a password change, or a timeout.
Respondents' sessions are not stored here; they stay in their signed cookie.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, delete, or_, select, update
from sqlalchemy.orm import Session

from feedback_app.models import StaffSession, StaffUser, utcnow

#: Signed out after this long without a request (``STAFF_IDLE_MINUTES``).
IDLE_TIMEOUT = dt.timedelta(minutes=30)
#: Signed out this long after signing in, however busy (``STAFF_SESSION_HOURS``).
ABSOLUTE_TIMEOUT = dt.timedelta(hours=12)
#: ``last_seen_at`` is written at most this often, so most requests only read.
TOUCH_INTERVAL = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class Timeouts:
    """How long a staff session may be idle, and may last at all."""

    idle: dt.timedelta = IDLE_TIMEOUT
    absolute: dt.timedelta = ABSOLUTE_TIMEOUT


class Ended(StrEnum):
    """Why a session presented by a cookie is no longer valid."""

    UNKNOWN = "unknown"  # signed out, ended by deactivation or a password change
    IDLE = "idle"
    ABSOLUTE = "absolute"


@dataclass(frozen=True)
class Found:
    """The outcome of looking a cookie's token up."""

    user: StaffUser | None
    session: StaffSession | None = None
    ended: Ended | None = None
    #: True when ``last_seen_at`` is old enough to be worth writing again.
    needs_touch: bool = False


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Session, user: StaffUser, *, method: str = "password") -> str:
    """Store a new session for ``user``; return the token for the cookie. Caller commits.

    ``method`` is how it began: "password" or "sso".
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.add(
        StaffSession(
            id=_key(token), user_id=user.id, created_at=now, last_seen_at=now, method=method
        )
    )
    return token


def find(db: Session, token: str, *, timeouts: Timeouts) -> Found:
    """The live session and its active user for ``token`` (one primary-key lookup)."""
    row = db.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.id == _key(token))
    ).first()
    if row is None:
        return Found(None, ended=Ended.UNKNOWN)
    staff_session, user = row
    now = utcnow()
    if not user.active:
        return Found(None, ended=Ended.UNKNOWN)
    if now - _aware(staff_session.created_at) >= timeouts.absolute:
        return Found(None, ended=Ended.ABSOLUTE)
    if now - _aware(staff_session.last_seen_at) >= timeouts.idle:
        return Found(None, ended=Ended.IDLE)
    idle_for = now - _aware(staff_session.last_seen_at)
    return Found(
        user, staff_session, needs_touch=idle_for >= min(TOUCH_INTERVAL, timeouts.idle / 4)
    )


def touch(db: Session, staff_session: StaffSession) -> None:
    """Record that the session was used now (the idle timer restarts). Caller commits."""
    db.execute(
        update(StaffSession)
        .where(StaffSession.id == staff_session.id)
        .values(last_seen_at=utcnow())
    )


def end(db: Session, token: str) -> None:
    """End the session of ``token`` (sign-out). Caller commits."""
    db.execute(delete(StaffSession).where(StaffSession.id == _key(token)))


def end_all(db: Session, user_id: int) -> int:
    """End every session of one person (deactivation, password change). Caller commits."""
    return int(
        db.execute(delete(StaffSession).where(StaffSession.user_id == user_id)).rowcount  # type: ignore[attr-defined]
    )


def end_password_sessions(db: Session, user_ids: Select[Any]) -> int:
    """End the password sessions of the people ``user_ids`` selects (their area became
    single sign-on only); single sign-on sessions stay. Caller commits."""
    return int(
        db.execute(
            delete(StaffSession).where(
                StaffSession.method == "password", StaffSession.user_id.in_(user_ids)
            )
        ).rowcount  # type: ignore[attr-defined]
    )


def remove_expired(db: Session, *, timeouts: Timeouts) -> int:
    """Delete sessions past either timeout; return how many. Caller commits."""
    now = utcnow()
    return int(
        db.execute(
            delete(StaffSession).where(
                or_(
                    StaffSession.last_seen_at < now - timeouts.idle,
                    StaffSession.created_at < now - timeouts.absolute,
                )
            )
        ).rowcount  # type: ignore[attr-defined]
    )
