"""The declarative base, naming convention and time helpers every model uses."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar, TypeVar

from sqlalchemy import (
    JSON,
    DateTime,
    MetaData,
    select,
)
from sqlalchemy.orm import DeclarativeBase, InstrumentedAttribute, Session

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Now, in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


M = TypeVar("M")


def newest_first(
    session: Session, model: type[M], when: InstrumentedAttribute[Any], *where: Any
) -> list[M]:
    """The rows of ``model`` matching ``where``, newest ``when`` first; the id breaks
    ties, so rows made in the same instant keep a stable order."""
    row_id: InstrumentedAttribute[int] = model.id  # type: ignore[attr-defined]
    return list(session.scalars(select(model).where(*where).order_by(when.desc(), row_id.desc())))


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite returns naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
