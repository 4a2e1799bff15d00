"""Personal access tokens: made, found, checked and revoked (ADR 0036).

A token is ``secrets.token_urlsafe(32)`` shown once; the database keeps its SHA-256,
as staff sessions do. A request is allowed only while the token is unexpired and
unrevoked, its owner's account is active, and the owner still holds an active role
that sees results in the area asked for, so deactivation or losing the role ends
access without touching the token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import ApiToken, ApiTokenArea, LocalArea, Membership, StaffUser, utcnow
from feedback_app.staff.roles import Permission, allows

#: The longest a token may live.
MAX_LIFETIME = dt.timedelta(days=366)


class Refused(StrEnum):
    """Why a presented token reads nothing."""

    UNKNOWN = "unknown"
    EXPIRED = "expired"
    REVOKED = "revoked"
    DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class Found:
    """The outcome of looking a presented token up."""

    token: ApiToken | None
    refused: Refused | None = None
    #: The owner of a known token that is refused (for the audit log).
    owner_id: int | None = None


class BadToken(ValueError):
    """A token cannot be made as asked (no areas, an area without the role, a bad date)."""


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def readable_area_ids(db: Session, user_id: int) -> set[int]:
    """The areas where ``user_id`` holds an active role that sees results."""
    rows = db.execute(
        select(Membership.area_id, Membership.role).where(
            Membership.user_id == user_id, Membership.active.is_(True)
        )
    )
    return {area_id for area_id, role in rows if allows(role, Permission.VIEW_RESULTS)}


def issue(
    db: Session,
    user: StaffUser,
    *,
    name: str,
    area_ids: Iterable[int],
    expires_at: dt.datetime,
) -> tuple[ApiToken, str]:
    """Store a new token for ``user``; return it and the secret to show once. Caller commits."""
    wanted = set(area_ids)
    now = utcnow()
    if not name.strip():
        raise BadToken("name")
    if not wanted:
        raise BadToken("areas")
    if not wanted <= readable_area_ids(db, user.id):
        raise BadToken("areas")
    expires_at = _aware(expires_at)
    if expires_at <= now or expires_at > now + MAX_LIFETIME:
        raise BadToken("expires_at")
    secret = secrets.token_urlsafe(32)
    token = ApiToken(
        token_hash=_key(secret),
        user_id=user.id,
        name=name.strip()[:100],
        created_at=now,
        expires_at=expires_at,
        areas=[ApiTokenArea(area_id=area_id) for area_id in sorted(wanted)],
    )
    db.add(token)
    db.flush()
    return token, secret


def find(db: Session, secret: str) -> Found:
    """The token for ``secret`` if it may still be used at all (one unique-key lookup)."""
    row = db.execute(
        select(ApiToken, StaffUser)
        .join(StaffUser, StaffUser.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _key(secret))
    ).first()
    if row is None:
        return Found(None, Refused.UNKNOWN)
    token, user = row
    if token.revoked_at is not None:
        return Found(None, Refused.REVOKED, token.user_id)
    if _aware(token.expires_at) <= utcnow():
        return Found(None, Refused.EXPIRED, token.user_id)
    if not user.active:
        return Found(None, Refused.DEACTIVATED, token.user_id)
    return Found(token)


def may_read(db: Session, token: ApiToken, area_id: int) -> bool:
    """True when ``token`` covers ``area_id`` and its owner still sees results there."""
    covered = {link.area_id for link in token.areas}
    return area_id in covered and area_id in readable_area_ids(db, token.user_id)


#: ``last_used_at`` is written at most this often, so a dashboard's burst of
#: requests costs one write.
LAST_USED_EVERY = dt.timedelta(minutes=1)


def mark_used(token: ApiToken) -> bool:
    """Note the token's use when the last note is older than :data:`LAST_USED_EVERY`."""
    now = utcnow()
    if token.last_used_at is not None and now - _aware(token.last_used_at) < LAST_USED_EVERY:
        return False
    token.last_used_at = now
    return True


def tokens_of(db: Session, user_id: int) -> list[ApiToken]:
    """A person's tokens, newest first."""
    return list(
        db.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke(db: Session, user_id: int, token_id: int) -> bool:
    """Revoke the owner's token ``token_id``; False if it is not theirs or already revoked.

    Caller commits.
    """
    token = db.get(ApiToken, token_id)
    if token is None or token.user_id != user_id or token.revoked_at is not None:
        return False
    token.revoked_at = utcnow()
    return True


@dataclass(frozen=True)
class TokenRow:
    """One of a person's tokens as their tokens page lists it."""

    id: int
    name: str
    area_names: tuple[str, ...]
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None
    #: "active", "expired" or "revoked".
    state: str


def token_rows(db: Session, user_id: int) -> list[TokenRow]:
    """A person's tokens, newest first, with the names of the areas they read."""
    names = dict(db.execute(select(LocalArea.id, LocalArea.name)).all())
    now = utcnow()
    return [
        TokenRow(
            id=token.id,
            name=token.name,
            area_names=tuple(sorted(names[link.area_id] for link in token.areas)),
            created_at=token.created_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            state="revoked"
            if token.revoked_at is not None
            else "expired"
            if _aware(token.expires_at) <= now
            else "active",
        )
        for token in tokens_of(db, user_id)
    ]
