"""Staff accounts: passwords (Argon2id), sign-in with throttling, one-time links.

Sign-in is throttled three ways (ADR 0018, feedback_app/throttle.py): per account
*and* client, per account over all clients (a higher limit), and per client over
all accounts. Failures make the key wait, doubling up to 15 minutes, so a person
who mistypes is slowed, never shut out for good, and one client cannot keep an
account out: its own failures never reach the account-wide limit. Argon2id checks
are bounded per process (``PasswordChecks``), so made-up e-mails cannot take
every core.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app import throttle
from feedback_app.models import LocalArea, utcnow
from feedback_app.roles import Role
from feedback_app.staff_models import Membership, OneTimeLink, StaffUser

#: NCSC guidance: no composition rules; a minimum length, and a generous maximum.
PASSWORD_MIN = 8
PASSWORD_MAX = 128
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


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


#: Failed sign-ins allowed before waits begin: one account from one client (a
#: person mistyping their own password) ...
LIMIT_ACCOUNT_AND_CLIENT = throttle.Limit(free=5)
#: ... one account from every client together: above what one client can reach
#: within a window once its own waits begin (5, then 4 more in 15 minutes) ...
LIMIT_ACCOUNT = throttle.Limit(free=20)
#: ... and one client, any account: a script trying made-up or many e-mails.
LIMIT_CLIENT = throttle.Limit(free=30)


def sign_in_keys(*, email: str, client: str, secret: str) -> list[throttle.Key]:
    """The throttle keys of a sign-in with ``email`` from ``client``."""
    email = normalise_email(email)[:320]
    pair = f"{client}\n{email}"
    return [
        throttle.Key(
            throttle.client_key(secret, "login_pair", pair), "login_pair", LIMIT_ACCOUNT_AND_CLIENT
        ),
        throttle.Key(
            throttle.stable_key(secret, "login_email", email), "login_email", LIMIT_ACCOUNT
        ),
        throttle.Key(
            throttle.client_key(secret, "login_client", client), "login_client", LIMIT_CLIENT
        ),
    ]


class Busy(RuntimeError):
    """Every password check slot of this process stayed taken: try again shortly."""


@dataclass
class PasswordChecks:
    """At most ``size`` Argon2id checks at once in this process, ``host_size`` on the host.

    A request that cannot get a slot within ``patience`` seconds is refused
    (``Busy``) instead of queueing: a flood of sign-ins then costs this many cores
    at most, and the threads stay free for respondents. The host-wide bound uses
    lock files in ``host_slots`` (one per slot, ``flock``), shared by every worker
    process of the instance; None leaves only the per-process bound.
    """

    size: int = 1
    patience: float = 0.1
    host_slots: Path | None = None
    host_size: int = 1
    _slots: threading.BoundedSemaphore = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._slots = threading.BoundedSemaphore(self.size)
        if self.host_slots is not None:
            self.host_slots.mkdir(mode=0o700, parents=True, exist_ok=True)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot while checking a password; raises Busy if none comes free."""
        deadline = time.monotonic() + self.patience
        if not self._slots.acquire(timeout=self.patience):
            raise Busy("too many password checks at once in this process")
        try:
            with self._host_slot(deadline):
                yield
        finally:
            self._slots.release()

    @contextmanager
    def _host_slot(self, deadline: float) -> Iterator[None]:
        if self.host_slots is None:
            yield
            return
        while True:
            for number in range(self.host_size):
                handle = (self.host_slots / f"slot-{number}").open("a")
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    handle.close()
                    continue
                try:
                    yield
                finally:
                    handle.close()  # closing the file releases the lock
                return
            if time.monotonic() >= deadline:
                raise Busy("too many password checks at once on this host")
            time.sleep(0.01)


#: Used when the caller does not pass its own (scripts, tests).
UNBOUNDED_CHECKS = PasswordChecks(size=1_000_000)


def _verify(user: StaffUser | None, password: str, checks: PasswordChecks) -> bool:
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    with checks.slot():
        try:
            _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    return user is not None and user.active and bool(user.password_hash)


def find_account(db: Session, email: str) -> StaffUser | None:
    """The account with this e-mail address, if there is one."""
    return db.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)[:320]))


@dataclass(frozen=True)
class SignInOutcome:
    """What happened: ``user`` signed in, or refused (``wait`` seconds if throttled).

    ``account`` is the account the e-mail belongs to, if any (for the audit log).
    """

    user: StaffUser | None
    account: StaffUser | None
    wait: int = 0


def attempt_sign_in(
    db: Session,
    *,
    email: str,
    password: str,
    keys: list[throttle.Key],
    checks: PasswordChecks = UNBOUNDED_CHECKS,
    before_write: Callable[[], None] = lambda: None,
) -> SignInOutcome:
    """Check ``keys`` for a wait, then the password; count the failure or clear it.

    Reads first: nothing is written while the password is checked, and
    ``before_write`` (which may start the write transaction) runs after it.
    Raises Busy when no check slot came free, having counted (and committed) one
    failure against the client key only. The caller commits.
    """
    account = find_account(db, email)
    wait = throttle.wait_seconds(db, keys)
    if wait:
        return SignInOutcome(None, account, wait)
    try:
        ok = _verify(account, password, checks)
    except Busy:
        # A client that keeps finding every slot taken is counted as failing:
        # a flood from one client is then refused before it even waits.
        before_write()
        throttle.note_failure(db, [k for k in keys if k.scope == "login_client"])
        db.commit()
        raise
    before_write()
    if not ok or account is None:
        throttle.note_failure(db, keys)
        return SignInOutcome(None, account)
    user = db.get(StaffUser, account.id)
    if user is None:  # pragma: no cover - deleted while signing in
        return SignInOutcome(None, None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # A success clears this person's own counts; other clients' stay counted.
    throttle.clear(db, [k for k in keys if k.scope == "login_pair"])
    user.last_login_at = utcnow()
    return SignInOutcome(user, user)


def authenticate(db: Session, email: str, password: str) -> StaffUser | None:
    """The active user with these credentials, or None (no throttle: scripts and tests)."""
    user = find_account(db, email)
    return user if _verify(user, password, UNBOUNDED_CHECKS) else None


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
