"""Who is signed in, idle timeout, and the permission check on every staff route."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select

from feedback_app import audit, db
from feedback_app.models import LocalArea
from feedback_app.roles import Permission, allows
from feedback_app.staff_models import Membership, StaffUser

#: Signed-in staff are signed out after this long without a request.
IDLE_TIMEOUT = dt.timedelta(minutes=30)

View = TypeVar("View", bound=Callable[..., Any])


def sign_in(user: StaffUser) -> None:
    """Start a new session for ``user`` (nothing from the old session survives)."""
    session.clear()
    session["staff"] = {"id": user.id, "version": user.session_version}
    session["staff_seen"] = dt.datetime.now(dt.UTC).timestamp()


def sign_out() -> None:
    """End the staff session."""
    session.clear()


def current_user() -> StaffUser | None:
    """The signed-in member of staff, or None (also after the idle timeout)."""
    if "staff_user" in g:
        return g.staff_user  # type: ignore[no-any-return]
    data = session.get("staff")
    user = None
    if isinstance(data, dict) and isinstance(data.get("id"), int):
        seen = session.get("staff_seen", 0)
        idle = dt.datetime.now(dt.UTC).timestamp() - float(seen or 0)
        candidate = db.session().get(StaffUser, data["id"])
        if (
            candidate is not None
            and candidate.active
            and candidate.session_version == data.get("version")
            and idle <= IDLE_TIMEOUT.total_seconds()
        ):
            user = candidate
            session["staff_seen"] = dt.datetime.now(dt.UTC).timestamp()
        else:
            session.pop("staff", None)
            g.staff_timed_out = True
    g.staff_user = user
    return user


def memberships(user: StaffUser) -> list[Membership]:
    """The user's roles, with their areas, by area name."""
    rows = db.session().scalars(
        select(Membership)
        .join(LocalArea)
        .where(Membership.user_id == user.id)
        .order_by(LocalArea.name)
    )
    return list(rows)


def requires(permission: Permission) -> Callable[[View], View]:
    """Protect a route under ``/staff/<area_slug>/``: sign-in, area membership, role.

    Someone without a role in the area gets a 404, so other areas' existence is not
    revealed; a role without the permission gets a 403. Both are audited.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(area_slug: str, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return redirect(url_for("staff.login", next=request.path))
            area = db.session().scalar(select(LocalArea).where(LocalArea.slug == area_slug))
            membership = (
                db.session().scalar(
                    select(Membership).where(
                        Membership.user_id == user.id, Membership.area_id == area.id
                    )
                )
                if area is not None
                else None
            )
            if area is None or membership is None or not allows(membership.role, permission):
                audit.record(
                    db.session(),
                    "forbidden",
                    user_id=user.id,
                    area_id=area.id if area is not None and membership is not None else None,
                    route=request.endpoint,
                    method=request.method,
                )
                abort(404 if membership is None else 403)
            g.area, g.role = area, membership.role
            return view(area=area, **kwargs)

        # Read by the access-matrix test, which finds every protected route itself.
        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator
