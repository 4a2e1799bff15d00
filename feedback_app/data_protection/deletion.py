"""Deleting a wave or a whole local area, for good, in one transaction.

What belongs to a wave or an area is read from the models' foreign keys
(``ownership.Ownership``), so a new table that points at a wave, a response or
an area is deleted with it without being listed anywhere. Rows are deleted
children first, so the result does not depend on the database's ON DELETE
CASCADE, and every count can go in the audit log. The audit log itself is kept:
``audit_event.area_id`` is ``ondelete="SET NULL"``, so deleting an area sets it
to NULL, and the deletion's own event records the area's slug and the counts
(never answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session

from feedback_app.data_protection.ownership import Ownership
from feedback_app.models import (
    Answer,
    Invitation,
    LocalArea,
    Membership,
    PaperReturn,
    Response,
    ResultCache,
    Wave,
)
from feedback_app.staff import audit


def wave_ownership() -> Ownership:
    """Every table whose rows belong to a wave (directly or through a response...)."""
    return Ownership(Wave.__table__)  # type: ignore[arg-type]


def area_ownership() -> Ownership:
    """Every table whose rows belong to an area, its waves' rows included."""
    return Ownership(LocalArea.__table__)  # type: ignore[arg-type]


class DeletionError(ValueError):
    """The deletion cannot be done as asked (nothing was deleted)."""


@dataclass(frozen=True)
class Preview:
    """What a deletion would remove, shown on the confirmation page."""

    waves: int
    responses: int
    answers: int
    invitations: int
    paper_returns: int
    memberships: int = 0


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def _responses_of(wave_ids: Select[Any]) -> Select[Any]:
    return select(Response.id).where(Response.wave_id.in_(wave_ids))


def preview(session: Session, *, area: LocalArea, wave: Wave | None = None) -> Preview:
    """Counts of what deleting ``wave`` (or, without it, the whole ``area``) removes."""
    wave_ids = (
        select(Wave.id).where(Wave.id == wave.id)
        if wave is not None
        else select(Wave.id).where(Wave.area_id == area.id)
    )
    responses = _responses_of(wave_ids)
    return Preview(
        waves=_count(session, select(func.count()).select_from(wave_ids.subquery())),
        responses=_count(session, select(func.count()).select_from(responses.subquery())),
        answers=_count(session, select(func.count()).where(Answer.response_id.in_(responses))),
        invitations=_count(session, select(func.count()).where(Invitation.wave_id.in_(wave_ids))),
        paper_returns=_count(
            session, select(func.count()).where(PaperReturn.wave_id.in_(wave_ids))
        ),
        memberships=0
        if wave is not None
        else _count(session, select(func.count()).where(Membership.area_id == area.id)),
    )


def _delete_waves(session: Session, *, area_id: int, wave_ids: Select[Any]) -> dict[str, int]:
    counts = wave_ownership().delete(session, wave_ids)
    # Cached figures were computed from these responses; they are recomputed on demand.
    counts["cached_results"] = int(
        session.execute(delete(ResultCache).where(ResultCache.area_id == area_id)).rowcount  # type: ignore[attr-defined]
    )
    return counts


def delete_wave(
    session: Session, *, area: LocalArea, wave: Wave, user_id: int | None
) -> dict[str, int]:
    """Delete ``wave`` and everything collected in it; commit; return the counts."""
    if wave.area_id != area.id:
        raise DeletionError("that wave belongs to another area")
    wave_id, name = wave.id, wave.name
    try:
        counts = _delete_waves(
            session, area_id=area.id, wave_ids=select(Wave.id).where(Wave.id == wave_id)
        )
        audit.record(
            session,
            "delete_wave",
            user_id=user_id,
            area_id=area.id,
            commit=False,
            wave_id=wave_id,
            wave=name,
            **counts,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counts


def delete_area(session: Session, *, area: LocalArea, user_id: int | None) -> dict[str, int]:
    """Delete ``area`` and everything in it; keep the audit log (area set to NULL)."""
    area_id, slug = area.id, area.slug
    try:
        counts = area_ownership().delete(
            session, select(LocalArea.id).where(LocalArea.id == area_id)
        )
        audit.record(session, "delete_area", user_id=user_id, commit=False, area=slug, **counts)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return counts


def delete_area_by_slug(
    session: Session, slug: str, *, user_id: int | None = None
) -> dict[str, int]:
    """The command line's way in: delete the area with ``slug``."""
    area = session.scalar(select(LocalArea).where(LocalArea.slug == slug))
    if area is None:
        session.rollback()
        raise DeletionError(f"no area with the slug {slug!r}")
    return delete_area(session, area=area, user_id=user_id)
