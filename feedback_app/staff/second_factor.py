"""Two-step sign-in for password accounts: TOTP codes and recovery codes (ADR 0038).

A person turns it on by scanning a QR code (or typing the secret) into an
authenticator app and confirming a first code. Signing in then asks for a code
after the password. A code is accepted within one 30-second step either side of
now, and never twice: the step of the last accepted code is stored and only a
later one passes, by a conditional update, so two requests cannot both use it.
Ten recovery codes, shown once and stored as SHA-256, each work once.

Administrators who sign in with a password must use it: until they have set it
up, every staff page sends them to set it up. Single sign-on leaves the second
factor to the identity provider.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from enum import StrEnum

import pyotp
import segno
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from feedback_app.models import Membership, RecoveryCode, StaffUser, utcnow
from feedback_app.staff import sessions as staff_sessions
from feedback_app.staff.roles import Role
from feedback_app.web import throttle

#: Seconds per code (RFC 6238's default, what every authenticator app uses).
STEP_SECONDS = 30
#: Steps either side of now that are still accepted (clock drift, slow typing).
DRIFT_STEPS = 1
DIGITS = 6
RECOVERY_CODES = 10
#: Letters and digits that cannot be mistaken for one another when copied by hand.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
#: 16 characters of 31: about 79 bits, so a stolen hash cannot be worked back.
_RECOVERY_LENGTH = 16

#: Wrong codes allowed before waits begin, as for passwords (accounts.py): one
#: account from one client, and one account from every client together.
LIMIT_ACCOUNT_AND_CLIENT = throttle.Limit(free=5)
LIMIT_ACCOUNT = throttle.Limit(free=20)


class Checked(StrEnum):
    """What checking a code found."""

    OK = "ok"
    WRONG = "wrong"
    #: A right code that was already used (or one older than the last used).
    REPLAYED = "replayed"


def new_secret() -> str:
    """A fresh base32 secret (160 bits, as RFC 4226 recommends)."""
    return pyotp.random_base32(32)


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, email: str, issuer: str) -> str:
    """The ``otpauth://`` address the QR code carries."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str, *, title: str) -> str:
    """An inline SVG of the QR code (``title`` is its accessible name)."""
    svg: str = segno.make(uri, error="m", micro=False).svg_inline(
        scale=5,
        border=4,
        dark="#0b0c0c",
        light="#ffffff",
        title=title,
        svgclass="app-qr-code",
        lineclass=None,
    )
    return svg


def _normal_code(code: str) -> str:
    return "".join(code.split())


def step_of(now: dt.datetime) -> int:
    """The 30-second time step ``now`` falls in."""
    return int(now.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, *, now: dt.datetime) -> int | None:
    """The step within the drift window whose code is ``code``, or None."""
    code = _normal_code(code)
    if len(code) != DIGITS or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = step_of(now)
    found = None
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        # Compare every candidate, so the time taken says nothing about which matched.
        if hmac.compare_digest(totp.at(step * STEP_SECONDS), code):
            found = step
    return found


def check_code(
    db: Session, user: StaffUser, code: str, *, now: dt.datetime | None = None
) -> Checked:
    """Check a code from ``user``'s app and use it up. Caller commits."""
    if not user.totp_secret:
        return Checked.WRONG
    step = matching_step(user.totp_secret, code, now=now or utcnow())
    if step is None:
        return Checked.WRONG
    claimed = db.execute(
        update(StaffUser)
        .where(
            StaffUser.id == user.id,
            or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return Checked.REPLAYED
    user.totp_last_step = step
    return Checked.OK


def _recovery_hash(code: str) -> str:
    text = "".join(ch for ch in code.lower() if ch.isalnum())
    return hashlib.sha256(f"recovery\n{text}".encode()).hexdigest()


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _RECOVERY_LENGTH, 4))


def make_recovery_codes(db: Session, user: StaffUser) -> list[str]:
    """Replace ``user``'s recovery codes with new ones; return them (shown once)."""
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODES)]
    db.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_hash(c)) for c in codes)
    return codes


def use_recovery_code(db: Session, user: StaffUser, code: str) -> Checked:
    """Use one of ``user``'s recovery codes up (it never works again). Caller commits."""
    if len(code) > 100 or not user.totp_secret:
        return Checked.WRONG
    digest = _recovery_hash(code)
    claimed = db.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == digest,
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount == 1:  # type: ignore[attr-defined]
        return Checked.OK
    used = db.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest
        )
    )
    return Checked.REPLAYED if used is not None else Checked.WRONG


def recovery_codes_left(db: Session, user: StaffUser) -> int:
    """How many of ``user``'s recovery codes are unused."""
    return len(
        db.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def turn_on(
    db: Session, user: StaffUser, *, secret: str, code: str, now: dt.datetime | None = None
) -> list[str] | None:
    """Turn two-step sign-in on with ``secret`` if ``code`` is its current code.

    Returns the new recovery codes, or None (nothing changed) for a wrong code.
    Caller commits.
    """
    if len(secret) != 32 or user.totp_secret:
        return None
    step = matching_step(secret, code, now=now or utcnow())
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    return make_recovery_codes(db, user)


def turn_off(db: Session, user: StaffUser) -> None:
    """Forget ``user``'s secret and recovery codes. Caller commits."""
    user.totp_secret, user.totp_last_step = None, None
    db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def reset(db: Session, person: StaffUser) -> None:
    """An administrator's reset: turn it off and end every session of ``person``.

    An administrator among them must then set it up again at their next sign-in.
    """
    turn_off(db, person)
    staff_sessions.end_all(db, person.id)


def required(db: Session, user: StaffUser) -> bool:
    """True when ``user`` must use it: an active administrator role in any area."""
    return (
        db.scalar(
            select(Membership.id)
            .where(
                Membership.user_id == user.id,
                Membership.role == Role.ADMINISTRATOR.value,
                Membership.active.is_(True),
            )
            .limit(1)
        )
        is not None
    )


def code_keys(*, user_id: int, client: str, secret: str) -> list[throttle.Key]:
    """The throttle keys of a code entered for account ``user_id`` from ``client``."""
    return [
        throttle.Key(
            throttle.client_key(secret, "code_pair", f"{client}\n{user_id}"),
            "code_pair",
            LIMIT_ACCOUNT_AND_CLIENT,
        ),
        throttle.Key(
            throttle.stable_key(secret, "code_account", str(user_id)), "code_account", LIMIT_ACCOUNT
        ),
    ]
