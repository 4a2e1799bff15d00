"""The audit log: who did what and when. Never answers or free text.

Refusals (``GROUPED_ACTIONS``) are grouped: the same refusal by the same person
in the same area, with the same details, within ``GROUP_WINDOW`` of the first one
adds one to that row's ``repeats`` instead of adding a row. A script hammering a
forbidden page or a sign-in therefore costs one row per window, and cannot bury
the events around it (ADR 0018).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session

from feedback_app.models import AuditEvent, Membership, StaffUser, utcnow

#: Actions that are counted on one row when they repeat.
GROUPED_ACTIONS = frozenset(
    {
        "forbidden",
        "login_failed",
        "login_throttled",
        "login_busy",
        "login_code_failed",
        "login_code_throttled",
        "api_read",
        "api_refused",
    }
)
#: Repeats within this time of a group's first event join it.
GROUP_WINDOW = dt.timedelta(minutes=15)


def record(
    db: Session,
    action: str,
    *,
    user_id: int | None = None,
    area_id: int | None = None,
    commit: bool = True,
    **detail: Any,
) -> None:
    """Add an audit event (and commit, unless it belongs to a larger transaction).

    A repeat of a grouped action joins its group's row (see the module docstring).
    """
    if action not in GROUPED_ACTIONS or not _join_group(
        db, action, user_id=user_id, area_id=area_id, detail=detail
    ):
        db.add(AuditEvent(action=action, user_id=user_id, area_id=area_id, detail=detail))
    if commit:
        db.commit()


def record_for_person(
    db: Session,
    action: str,
    *,
    person: StaffUser,
    user_id: int | None,
    area_id: int | None = None,
    commit: bool = True,
    **detail: Any,
) -> None:
    """File an event about ``person``'s account under every area it touches.

    That is the area it was done from (``area_id``, if any) and every area where the
    person holds a role, active or not: a password set, a reset link, a role added or
    a deactivation shows in the audit log of each area the account can reach
    (ADR 0017). ``user_id`` is who did it (None: the operator's command line).
    """
    area_ids = set(account_areas(db, person.id))
    if area_id is not None:
        area_ids.add(area_id)
    detail = {"for_user": person.id, "for_email": person.email, **detail}
    areas: list[int | None] = [*sorted(area_ids)] or [None]
    for each in areas:
        db.add(AuditEvent(action=action, user_id=user_id, area_id=each, detail=dict(detail)))
    if commit:
        db.commit()


def record_for_account(
    db: Session, action: str, *, user_id: int, commit: bool = True, **detail: Any
) -> None:
    """Record an event about an account in every area it holds a role in.

    Each area's administrators then see it in their own audit log.
    """
    areas: list[int | None] = [*account_areas(db, user_id)] or [None]
    for area_id in areas:
        record(db, action, user_id=user_id, area_id=area_id, commit=False, **detail)
    if commit:
        db.commit()


def account_areas(db: Session, user_id: int) -> list[int]:
    """The ids of the areas where the account holds a role."""
    return list(
        db.scalars(
            select(Membership.area_id)
            .where(Membership.user_id == user_id)
            .order_by(Membership.area_id)
        )
    )


def _join_group(
    db: Session,
    action: str,
    *,
    user_id: int | None,
    area_id: int | None,
    detail: dict[str, Any],
) -> bool:
    now = utcnow()
    candidates: Iterable[AuditEvent] = db.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.action == action,
            AuditEvent.user_id.is_(None) if user_id is None else AuditEvent.user_id == user_id,
            AuditEvent.area_id.is_(None) if area_id is None else AuditEvent.area_id == area_id,
            AuditEvent.at >= now - GROUP_WINDOW,
        )
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(5)
    )
    for event in candidates:
        if (event.detail or {}) == detail:
            # One UPDATE that adds one: two requests at once both count.
            db.execute(
                update(AuditEvent)
                .where(AuditEvent.id == event.id)
                .values(repeats=AuditEvent.repeats + 1, last_at=now)
                .execution_options(synchronize_session=False)
            )
            return True
    return False


@dataclass(frozen=True)
class EventFilter:
    """Which of an area's events to show: by person, kind and time (``until`` excluded)."""

    user_id: int | None = None
    action: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None


def _in_area(area_id: int) -> ColumnElement[bool]:
    # The area's own events, and area-less events (sign-ins) of its members.
    return (AuditEvent.area_id == area_id) | (
        AuditEvent.area_id.is_(None)
        & AuditEvent.user_id.in_(select(Membership.user_id).where(Membership.area_id == area_id))
    )


def _filtered(area_id: int, wanted: EventFilter) -> list[ColumnElement[bool]]:
    conditions = [_in_area(area_id)]
    if wanted.user_id is not None:
        conditions.append(AuditEvent.user_id == wanted.user_id)
    if wanted.action:
        conditions.append(AuditEvent.action == wanted.action)
    if wanted.since is not None:
        conditions.append(AuditEvent.at >= wanted.since)
    if wanted.until is not None:
        conditions.append(AuditEvent.at < wanted.until)
    return conditions


def count_events(db: Session, area_id: int, wanted: EventFilter) -> int:
    """How many events of the area match."""
    return int(db.scalar(select(func.count(AuditEvent.id)).where(*_filtered(area_id, wanted))) or 0)


def events(
    db: Session, area_id: int, wanted: EventFilter, *, offset: int = 0, limit: int | None = None
) -> Iterator[tuple[AuditEvent, str | None]]:
    """Matching events, newest first, each with the e-mail of who did it (if known)."""
    query = (
        select(AuditEvent, StaffUser.email)
        .outerjoin(StaffUser, StaffUser.id == AuditEvent.user_id)
        .where(*_filtered(area_id, wanted))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .offset(offset)
        .limit(limit)
    )
    for row in db.execute(query.execution_options(yield_per=500)):
        yield row[0], row[1]


def people_in_log(db: Session, area_id: int) -> list[tuple[int, str]]:
    """Everyone with an event in the area's log, or a role in the area, by e-mail."""
    in_log = select(AuditEvent.user_id).where(_in_area(area_id), AuditEvent.user_id.is_not(None))
    members = select(Membership.user_id).where(Membership.area_id == area_id)
    rows = db.execute(
        select(StaffUser.id, StaffUser.email)
        .where(StaffUser.id.in_(in_log.union(members)))
        .order_by(StaffUser.email)
    ).all()
    return [(user_id, email) for user_id, email in rows]


def kinds_in_log(db: Session, area_id: int) -> list[str]:
    """The kinds of event in the area's log, alphabetically."""
    return list(
        db.scalars(
            select(AuditEvent.action)
            .where(_in_area(area_id))
            .distinct()
            .order_by(AuditEvent.action)
        )
    )


def describe(detail: dict[str, Any] | None) -> str:
    """An event's details as ``key: value; ...`` (never answers: none are stored)."""
    return "; ".join(f"{key}: {value}" for key, value in (detail or {}).items())
