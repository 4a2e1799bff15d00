"""Staff storage: accounts, roles per local area, one-time links, the audit log.

The audit log records who did what and when (and how many rows a download had),
never an answer.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow

if TYPE_CHECKING:
    from feedback_app.models.areas import LocalArea


class StaffUser(Base):
    """A member of staff: forum coordinator, officer, reviewer or administrator."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    #: Argon2id hash; empty until an invited person sets a password.
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    #: False only by the deployment's operator (``feedback-app users deactivate``):
    #: no sign-in anywhere. Areas deactivate people through ``Membership.active``.
    active: Mapped[bool] = mapped_column(default=True)
    #: No longer read: sessions are rows of ``StaffSession`` since 0007, and a
    #: password change deletes them. Kept so the table need not be rebuilt.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    #: The identity provider's issuer and subject (``iss`` + space + ``sub``) once the
    #: person has signed in with single sign-on (ADR 0035): later sign-ins find the
    #: account by this, never by e-mail.
    sso_subject: Mapped[str | None] = mapped_column(String(600), unique=True, index=True)
    #: The base32 TOTP secret of the person's authenticator app, set once they
    #: confirmed a first code (ADR 0038); None when two-step sign-in is off.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    #: The 30-second time step of the last code accepted: a code of this step or
    #: an earlier one is refused, so no code is accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )


class Membership(Base):
    """A role held by a member of staff in one local area."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(20))
    #: False once an administrator deactivated the person in this area: the row
    #: (and the audit trail naming them) stays, the access does not.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    user: Mapped[StaffUser] = relationship(back_populates="memberships")
    area: Mapped[LocalArea] = relationship()


class SsoRoleMapping(Base):
    """A claim value from the identity provider that gives a role in one local area.

    For example ``groups`` containing an Entra ID group's object id gives
    "coordinator" in the area (ADR 0035). ``creates_accounts`` lets a person with no
    account yet have one made at their first single sign-on.
    """

    __tablename__ = "sso_role_mapping"
    __table_args__ = (UniqueConstraint("area_id", "claim", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(
        ForeignKey("local_area.id", ondelete="CASCADE"), index=True
    )
    #: The ID token claim read, e.g. "groups", "roles" or "email".
    claim: Mapped[str] = mapped_column(String(100))
    #: The value the claim must equal (or contain, for a list claim).
    value: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))
    creates_accounts: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class RecoveryCode(Base):
    """A one-time code to sign in with when the authenticator app is lost (ADR 0038).

    Shown once when made; only its SHA-256 is kept. ``used_at`` is set by a
    conditional update, so a code works once however often it is sent.
    """

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    used_at: Mapped[dt.datetime | None]


class OneTimeLink(Base):
    """An invitation or password-reset link, shown once on screen, used once."""

    __tablename__ = "one_time_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the token in the link; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20))
    area_id: Mapped[int] = mapped_column(ForeignKey("local_area.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str | None] = mapped_column(String(20))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("staff_user.id", ondelete="SET NULL")
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class StaffSession(Base):
    """A signed-in member of staff's session, held server-side.

    The signed cookie carries only a random token; this row is found by the token's
    SHA-256 (the primary key), so a copy of the table cannot be replayed as a cookie.
    Deleting the row ends the session everywhere, on every instance.
    """

    __tablename__ = "staff_session"

    #: SHA-256 (hex) of the token in the cookie.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Refreshed at most once a minute (``feedback_app.staff.sessions``).
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    #: How the session began: "password" or "sso". Making an area single sign-on
    #: only ends its staff's password sessions (ADR 0038).
    method: Mapped[str] = mapped_column(String(20), default="password", server_default="password")


class LoginThrottle(Base):
    """Failed attempts per key, kept in the database so every instance behind a load
    balancer sees the same count (feedback_app/web/throttle.py, ADR 0018).

    Despite the table's name it throttles resume codes as well as sign-ins. A key is
    a SHA-256 of an e-mail address or of a wave id, or a keyed hash (HMAC with the
    app's secret, rotated daily) of a client address: never an address itself, and
    never joined to a response.
    """

    __tablename__ = "login_throttle"
    #: Old rows are deleted by time on every failure (throttle.note_failure).
    __table_args__ = (Index("ix_login_throttle_window_start", "window_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    #: What the key stands for, e.g. "login_email", "login_client", "resume_wave".
    scope: Mapped[str] = mapped_column(String(20), default="", server_default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: Attempts are refused until then (back-off doubling with each further failure).
    blocked_until: Mapped[dt.datetime | None]


class AuditEvent(Base):
    """Who did what, when: sign-ins, refused access, publishing, every download."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_area_at", "area_id", "at"),
        Index("ix_audit_event_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("local_area.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    #: e.g. "login", "login_failed", "forbidden", "publish", "download".
    action: Mapped[str] = mapped_column(String(40))
    #: What it was about (a route, a file, a wave) and row counts; never answers.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: Identical refusals by one person within a window share one row (audit.py):
    #: how many there were, and when the last one was.
    repeats: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    last_at: Mapped[dt.datetime | None]
