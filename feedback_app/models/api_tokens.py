"""Personal access tokens for the read-only results API (ADR 0036).

Only the SHA-256 of a token is stored, as for staff sessions, so a copy of the table
cannot be replayed. A token reads only the areas listed in ``api_token_area``, and
only while its owner is active and still holds a role there that sees results.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow


class ApiToken(Base):
    """A member of staff's read-only token, shown once when made."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 (hex) of the token the client sends.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    last_used_at: Mapped[dt.datetime | None]
    areas: Mapped[list[ApiTokenArea]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class ApiTokenArea(Base):
    """One local area a token may read."""

    __tablename__ = "api_token_area"

    token_id: Mapped[int] = mapped_column(
        ForeignKey("api_token.id", ondelete="CASCADE"), primary_key=True
    )
    area_id: Mapped[int] = mapped_column(
        ForeignKey("local_area.id", ondelete="CASCADE"), primary_key=True
    )
