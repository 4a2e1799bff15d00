"""Staff accounts: passwords (Argon2id), sign-in with throttling, one-time links."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea, utcnow
from feedback_app.roles import Role
from feedback_app.staff_models import LoginThrottle, Membership, OneTimeLink, StaffUser

#: NCSC guidance: no composition rules; a minimum length, and a generous maximum.
PASSWORD_MIN = 8
PASSWORD_MAX = 128
#: Failed sign-ins allowed per account in one window.
MAX_FAILURES = 5
THROTTLE_WINDOW = dt.timedelta(minutes=15)
LINK_LIFETIME = dt.timedelta(days=7)

_hasher = PasswordHasher()  # Argon2id with the library's current recommended cost
#: Verifying against this keeps the time of a sign-in with an unknown e-mail the same.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A request about accounts that cannot be carried out (message is for people)."""


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case or surrounding spaces."""
    return email.strip().lower()


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable (an English message id), or None."""
    if len(password) < PASSWORD_MIN:
        return "Your password must be at least 8 characters"
    if len(password) > PASSWORD_MAX:
        return "Your password must be 128 characters or fewer"
    return None


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password``."""
    return _hasher.hash(password)


def _throttle_key(email: str) -> str:
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def is_throttled(db: Session, email: str) -> bool:
    """True when this account has had too many failed sign-ins recently."""
    row = db.scalar(select(LoginThrottle).where(LoginThrottle.key == _throttle_key(email)))
    if row is None or utcnow() - _aware(row.window_start) > THROTTLE_WINDOW:
        return False
    return row.failures >= MAX_FAILURES


def _note_failure(db: Session, email: str) -> None:
    key = _throttle_key(email)
    row = db.scalar(select(LoginThrottle).where(LoginThrottle.key == key))
    if row is None:
        db.add(LoginThrottle(key=key, failures=1, window_start=utcnow()))
    elif utcnow() - _aware(row.window_start) > THROTTLE_WINDOW:
        row.failures, row.window_start = 1, utcnow()
    else:
        row.failures += 1


def authenticate(db: Session, email: str, password: str) -> StaffUser | None:
    """The active user with these credentials, or None (and the failure is counted)."""
    user = db.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
        ok = user is not None and user.active and bool(user.password_hash)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        _note_failure(db, email)
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    db.execute(LoginThrottle.__table__.delete().where(LoginThrottle.key == _throttle_key(email)))
    user.last_login_at = utcnow()
    return user


def create_user(
    db: Session, *, area: LocalArea, email: str, role: Role, password: str | None
) -> StaffUser:
    """Create (or add a role in ``area`` to) a member of staff. Caller commits."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise AccountError("Enter an email address in the correct format, like name@example.org")
    if password is not None and (problem := password_problem(password)):
        raise AccountError(problem)
    user = db.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        user = StaffUser(email=email, password_hash=hash_password(password) if password else "")
        db.add(user)
        db.flush()
    elif password is not None:
        user.password_hash = hash_password(password)
    membership = db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.area_id == area.id)
    )
    if membership is None:
        db.add(Membership(user_id=user.id, area_id=area.id, role=role.value))
    else:
        membership.role = role.value
    db.flush()
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_link(
    db: Session,
    *,
    purpose: str,
    area: LocalArea,
    email: str,
    role: Role | None,
    created_by: StaffUser | None,
) -> str:
    """Store a one-time link and return its token (128+ bits). Caller commits."""
    token = secrets.token_urlsafe(24)
    db.add(
        OneTimeLink(
            token_hash=_token_hash(token),
            purpose=purpose,
            area_id=area.id,
            email=normalise_email(email),
            role=role.value if role else None,
            created_by_id=created_by.id if created_by else None,
            expires_at=utcnow() + LINK_LIFETIME,
        )
    )
    return token


@dataclass(frozen=True)
class LinkUse:
    """What a valid one-time link is for."""

    link: OneTimeLink
    area: LocalArea


def find_link(db: Session, token: str) -> LinkUse | None:
    """The unused, unexpired link for ``token``, or None."""
    link = db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == _token_hash(token)))
    if link is None or link.used_at is not None or _aware(link.expires_at) < utcnow():
        return None
    area = db.get(LocalArea, link.area_id)
    return LinkUse(link, area) if area is not None else None


def use_link(db: Session, token: str, *, password: str) -> StaffUser:
    """Set the password through a link and use the link up, in one transaction.

    The link is marked used by a conditional UPDATE, so two tabs cannot both use it.
    """
    found = find_link(db, token)
    if found is None:
        raise AccountError("This link has expired or has already been used")
    if problem := password_problem(password):
        raise AccountError(problem)
    claimed = db.execute(
        OneTimeLink.__table__.update()
        .where(OneTimeLink.id == found.link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise AccountError("This link has expired or has already been used")
    if found.link.purpose == "invite":
        user = create_user(
            db,
            area=found.area,
            email=found.link.email,
            role=Role(found.link.role or Role.REVIEWER),
            password=password,
        )
    else:
        user_or_none = db.scalar(select(StaffUser).where(StaffUser.email == found.link.email))
        if user_or_none is None:
            db.rollback()
            raise AccountError("This link has expired or has already been used")
        user = user_or_none
        user.password_hash = hash_password(password)
    user.session_version += 1
    return user
