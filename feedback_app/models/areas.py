"""Local areas: the council and NHS partners that own surveys and their data."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    String,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from feedback_app.models.base import Base, utcnow

if TYPE_CHECKING:
    from feedback_app.models.waves import (
        Wave,
    )


class LocalArea(Base):
    """A council and its NHS partners: the owner of surveys and their data."""

    __tablename__ = "local_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Header colour, e.g. "#1d70b8".
    colour: Mapped[str] = mapped_column(String(7), default="#1d70b8")
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/London")
    #: Locality options offered to respondents: [[code, label], ...].
    localities: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    #: Years answers are kept after a wave closes when the wave does not say.
    retention_years: Mapped[int | None]
    #: Officers' results settings: status (RAG) rules, the baseline wave, ...
    results_settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: True when the area's staff sign in only with single sign-on (ADR 0035): a
    #: password sign-in of anyone holding a role here is refused.
    sso_only: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    waves: Mapped[list[Wave]] = relationship(back_populates="area")
