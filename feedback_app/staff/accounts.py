"""Staff accounts: passwords (Argon2id), sign-in with throttling, one-time links,
and who may change whose account (ADR 0017).

An account belongs to its owner, not to an area. A person's password is set only by
the person (an invitation creating a new account, or a reset link), and a reset link
only comes from someone who administers every area the person holds a role in, or
from the deployment's operator on the command line. Inviting someone who already has
an account adds a role once they sign in with the password they already use.

Sign-in is throttled three ways (ADR 0018, feedback_app/web/throttle.py): per account
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
import functools
import hashlib
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from feedback_app.models import LocalArea, Membership, OneTimeLink, StaffUser, utcnow
from feedback_app.staff import audit
from feedback_app.staff import sessions as staff_sessions
from feedback_app.staff.roles import Role
from feedback_app.web import throttle

#: NCSC guidance: no composition rules; a minimum length, and a generous maximum.
PASSWORD_MIN = 8
PASSWORD_MAX = 128
LINK_LIFETIME = dt.timedelta(days=7)

_hasher = PasswordHasher()  # Argon2id with the library's current recommended cost


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when there is no account, so that a sign-in with an
    unknown e-mail takes as long as any other. Made on first use: an Argon2 hash costs
    about 0.1 s of CPU, which every worker would otherwise pay at start-up."""
    return _hasher.hash(secrets.token_urlsafe(16))


#: One-time link purposes. An operator's reset link is not tied to an administrator.
INVITE, RESET, OPERATOR_RESET = "invite", "reset", "operator_reset"


class AccountError(ValueError):
    """A request about accounts that cannot be carried out (message is for people)."""


class WrongPassword(AccountError):
    """The password given to join an area is not the account's (the failure counts)."""


class NotYours(AccountError):
    """The account also works in an area the acting administrator does not administer."""


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
    stored = user.password_hash if user is not None and user.password_hash else _dummy_hash()
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
    """Create a member of staff with ``role`` in ``area``, or give an existing one that role.

    An existing account's password is never changed here, whatever ``password`` says:
    that would let whoever invites an address take over the account (issue 11).
    ``set_password`` is the only way to change one. Caller commits.
    """
    email = normalise_email(email)
    if "@" not in email or len(email) > 320:
        raise AccountError("Enter an email address in the correct format, like name@example.org")
    user = db.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        if password is not None and (problem := password_problem(password)):
            raise AccountError(problem)
        user = StaffUser(email=email, password_hash=hash_password(password) if password else "")
        db.add(user)
        db.flush()
    membership = db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.area_id == area.id)
    )
    if membership is None:
        db.add(Membership(user_id=user.id, area_id=area.id, role=role.value))
    else:
        membership.role, membership.active = role.value, True
    db.flush()
    return user


def find_user(db: Session, email: str) -> StaffUser | None:
    """The account with ``email`` (any case), or None."""
    return db.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def set_password(db: Session, user: StaffUser, password: str) -> None:
    """Give ``user`` a new password and end every session they have. Caller commits."""
    if problem := password_problem(password):
        raise AccountError(problem)
    user.password_hash = hash_password(password)
    staff_sessions.end_all(db, user.id)


def areas_held(db: Session, person: StaffUser) -> set[int]:
    """Every area where ``person`` holds a role, active or deactivated."""
    return set(db.scalars(select(Membership.area_id).where(Membership.user_id == person.id)))


def areas_administered(db: Session, actor: StaffUser) -> set[int]:
    """The areas where ``actor`` is an active administrator."""
    return set(
        db.scalars(
            select(Membership.area_id).where(
                Membership.user_id == actor.id,
                Membership.role == Role.ADMINISTRATOR.value,
                Membership.active.is_(True),
            )
        )
    )


def may_manage_account(db: Session, *, actor: StaffUser, person: StaffUser) -> bool:
    """True when ``actor`` administers every area ``person`` holds a role in.

    Only then may ``actor`` reset the person's password or deactivate them
    everywhere: otherwise an administrator of one area could take over (or shut out)
    someone another area relies on. Deactivated roles count too, as they can be
    given back.
    """
    held = areas_held(db, person)
    return bool(held) and held <= areas_administered(db, actor)


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
    #: The account the link's e-mail already has (an invitation to it only adds a role).
    account: StaffUser | None = None

    @property
    def joins_existing_account(self) -> bool:
        """True for an invitation to someone who already has an account."""
        return self.link.purpose == INVITE and self.account is not None


def find_link(db: Session, token: str) -> LinkUse | None:
    """The unused, unexpired link for ``token``, or None."""
    link = db.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == _token_hash(token)))
    if link is None or link.used_at is not None or _aware(link.expires_at) < utcnow():
        return None
    area = db.get(LocalArea, link.area_id)
    if area is None:
        return None
    return LinkUse(link, area, find_user(db, link.email))


@dataclass(frozen=True)
class LinkOutcome:
    """What using a link did."""

    user: StaffUser
    area: LocalArea
    #: "password_set" (new account or reset) or "role_added" (existing account joined).
    action: str


def _reset_still_allowed(db: Session, link: OneTimeLink, person: StaffUser) -> bool:
    # Checked again when the link is used: the person may have been given a role in
    # another area since the administrator made the link.
    if link.purpose == OPERATOR_RESET:
        return True
    creator = db.get(StaffUser, link.created_by_id) if link.created_by_id else None
    return creator is not None and may_manage_account(db, actor=creator, person=person)


def use_link(db: Session, token: str, *, password: str) -> LinkOutcome:
    """Use a link up, in one transaction: set a password, or join an area.

    * An invitation to a new address creates the account with ``password``.
    * An invitation to an address that already has an account adds the role only if
      ``password`` is the account's own (``WrongPassword`` otherwise; the caller
      counts the failure with the sign-in throttle). The password is never changed.
    * A reset link sets the password, if whoever made it still administers every
      area the person holds a role in (or it came from the operator).

    The link is marked used by a conditional UPDATE, so two tabs cannot both use it.
    """
    found = find_link(db, token)
    if found is None:
        raise AccountError("This link has expired or has already been used")
    link, person = found.link, found.account
    if found.joins_existing_account:
        assert person is not None
        if authenticate(db, person.email, password) is None:
            raise WrongPassword("Enter the password you already use to sign in")
    elif problem := password_problem(password):
        raise AccountError(problem)
    if link.purpose != INVITE:
        if person is None:
            raise AccountError("This link has expired or has already been used")
        if not _reset_still_allowed(db, link, person):
            raise NotYours(
                "This link can no longer be used, because you now also work in another"
                " area. Ask the service's operator for a new link."
            )
    claimed = db.execute(
        update(OneTimeLink)
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise AccountError("This link has expired or has already been used")
    role = Role(link.role or Role.REVIEWER)
    if link.purpose == INVITE and person is not None:
        create_user(db, area=found.area, email=person.email, role=role, password=None)
        return LinkOutcome(person, found.area, "role_added")
    if link.purpose == INVITE:
        user = create_user(db, area=found.area, email=link.email, role=role, password=password)
        return LinkOutcome(user, found.area, "password_set")
    assert person is not None
    set_password(db, person, password)
    return LinkOutcome(person, found.area, "password_set")


@dataclass(frozen=True)
class PersonRow:
    """One person on an area's People page."""

    user: StaffUser
    membership: Membership
    #: The acting administrator administers every area this person works in.
    manageable: bool


def people_in_area(db: Session, *, area: LocalArea, actor: StaffUser) -> list[PersonRow]:
    """Everyone with a role in ``area`` (deactivated too), by e-mail address."""
    rows = db.execute(
        select(StaffUser, Membership)
        .join(Membership, Membership.user_id == StaffUser.id)
        .where(Membership.area_id == area.id)
        .order_by(StaffUser.email)
    ).all()
    held: dict[int, set[int]] = {}
    for user_id, area_id in db.execute(
        select(Membership.user_id, Membership.area_id).where(
            Membership.user_id.in_([user.id for user, _m in rows])
        )
    ):
        held.setdefault(user_id, set()).add(area_id)
    mine = areas_administered(db, actor)
    return [
        PersonRow(user, membership, held.get(user.id, set()) <= mine) for user, membership in rows
    ]


def _membership(db: Session, *, area: LocalArea, person_id: int) -> Membership:
    membership = db.scalar(
        select(Membership).where(Membership.user_id == person_id, Membership.area_id == area.id)
    )
    if membership is None:
        raise LookupError(person_id)
    return membership


def _audit_for_person(
    db: Session,
    action: str,
    person: StaffUser,
    area: LocalArea,
    actor: StaffUser,
    **detail: Any,
) -> None:
    """Audit what ``actor``, working in ``area``, did to ``person``'s account, in every
    area the person works in (the caller commits)."""
    audit.record_for_person(
        db,
        action,
        person=person,
        user_id=actor.id,
        area_id=area.id,
        commit=False,
        via_area=area.slug,
        **detail,
    )


def issue_reset_link(
    db: Session, *, area: LocalArea, actor: StaffUser, person_id: int
) -> tuple[StaffUser, str]:
    """A reset link for a person of ``area``, if ``actor`` may manage their account.

    Raises ``LookupError`` when the person has no role in ``area`` and ``NotYours``
    (after auditing the attempt in every area the person works in) when they also
    work in an area ``actor`` does not administer. Caller commits.
    """
    person = _membership(db, area=area, person_id=person_id).user
    if not may_manage_account(db, actor=actor, person=person):
        _audit_for_person(db, "password_reset_refused", person, area, actor)
        raise NotYours(
            "You cannot reset this person's password, because they also work in an area"
            " you do not administer. They can ask the service's operator for a reset link."
        )
    token = issue_link(
        db, purpose=RESET, area=area, email=person.email, role=None, created_by=actor
    )
    _audit_for_person(db, "password_reset_link", person, area, actor)
    return person, token


@dataclass(frozen=True)
class AccessChange:
    """What deactivating or reactivating someone did."""

    person: StaffUser
    #: Slugs of the areas where their access changed.
    areas: list[str]
    #: Every session of theirs was ended (no active role left anywhere).
    signed_out: bool = False


def deactivate(db: Session, *, area: LocalArea, actor: StaffUser, person_id: int) -> AccessChange:
    """Take away a person's access, keeping their account and the audit trail.

    In ``area`` only, unless ``actor`` administers every area the person works in:
    then in all of them. Once the person has no active role left, every session of
    theirs ends at once and signing in is refused. Caller commits.
    """
    membership = _membership(db, area=area, person_id=person_id)
    person = membership.user
    if person.id == actor.id:
        raise AccountError("You cannot deactivate yourself. Ask another administrator.")
    everywhere = may_manage_account(db, actor=actor, person=person)
    changed = [m for m in (person.memberships if everywhere else [membership]) if m.active]
    for each in changed:
        each.active = False
    db.flush()
    signed_out = not has_access(db, person)
    if signed_out:
        staff_sessions.end_all(db, person.id)
    slugs = sorted(m.area.slug for m in changed)
    _audit_for_person(db, "deactivate", person, area, actor, areas=slugs, signed_out=signed_out)
    return AccessChange(person, slugs, signed_out)


def reactivate(db: Session, *, area: LocalArea, actor: StaffUser, person_id: int) -> AccessChange:
    """Give a deactivated person their access to ``area`` back (that area only)."""
    membership = _membership(db, area=area, person_id=person_id)
    person = membership.user
    if not person.active:
        raise AccountError(
            "This account was deactivated for the whole service. Ask the service's operator."
        )
    membership.active = True
    _audit_for_person(db, "reactivate", person, area, actor, areas=[area.slug])
    return AccessChange(person, [area.slug])


def has_access(db: Session, person: StaffUser) -> bool:
    """True when ``person`` may sign in: an active account with an active role somewhere."""
    if not person.active:
        return False
    return (
        db.scalar(
            select(Membership.id)
            .where(Membership.user_id == person.id, Membership.active.is_(True))
            .limit(1)
        )
        is not None
    )
