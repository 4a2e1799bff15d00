"""The audit log: who did what and when. Never answers or free text."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from feedback_app.staff_models import AuditEvent


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
