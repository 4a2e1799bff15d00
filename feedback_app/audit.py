"""The audit log: who did what and when. Never answers or free text."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from feedback_app.staff_models import AuditEvent, Membership, StaffUser


def record(
    db: Session,
    action: str,
    *,
    user_id: int | None = None,
    area_id: int | None = None,
    commit: bool = True,
    **detail: Any,
) -> None:
    """Add an audit event (and commit, unless it belongs to a larger transaction)."""
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
    area_ids = set(db.scalars(select(Membership.area_id).where(Membership.user_id == person.id)))
    if area_id is not None:
        area_ids.add(area_id)
    detail = {"for_user": person.id, "for_email": person.email, **detail}
    for each in sorted(area_ids) or [None]:
        db.add(AuditEvent(action=action, user_id=user_id, area_id=each, detail=dict(detail)))
    if commit:
        db.commit()
